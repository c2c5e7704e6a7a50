import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { githubDownload, githubRequest } from './github-api.js';
import { unresolvedAction, type ActionCall, type ActionHandler, type ActionOutcome } from './run.js';
import { isKnownActionRef } from './platform/action-refs.js';

const CHECKOUT = /^actions\/checkout@(v[4-6](\.[\d.]+)?|[0-9a-f]{40})$/;

/**
 * actions/checkout without git, as it works on a runner without git 2.18: the commit `ref` names is
 * found, its tarball downloaded in one request and unpacked into the workspace (or `path`), and
 * `.git/HEAD` names that commit, so `git rev-parse HEAD` answers as after a real checkout. Git
 * objects are not fetched: history-reading commands (`git log`) see nothing.
 * https://github.com/actions/checkout#usage ("If Git 2.18 or higher is not in your PATH, falls back to the REST API")
 */
async function checkout(call: ActionCall): Promise<ActionOutcome> {
  const repository = call.inputs.repository || call.env.GITHUB_REPOSITORY || '';
  const token = call.inputs.token || (typeof call.github.token === 'string' ? call.github.token : '');
  const ref = call.inputs.ref || call.env.GITHUB_SHA || call.env.GITHUB_REF || '';
  const target = resolve(call.workspace, call.inputs.path || '.');
  if (relative(call.workspace, target).startsWith('..')) return { failed: true, outputs: {}, log: `::error::Repository path '${target}' is not under '${call.workspace}'\n` };
  try {
    const commit = await githubRequest<{ sha: string }>(call.env, token, 'GET', `/repos/${repository}/commits/${encodeURIComponent(ref.replace(/^refs\/heads\//, ''))}`);
    const archive = await githubDownload(call.env, token, `/repos/${repository}/tarball/${commit.sha}`);
    if (call.inputs.clean !== 'false') for (const entry of safeList(target)) rmSync(join(target, entry), { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    await new Promise<void>((done, fail) => {
      const tar = execFile('tar', ['-xz', '--strip-components=1', '-C', target], (error) => (error ? fail(new Error(`tar could not unpack the tarball: ${error.message}`, { cause: error })) : done()));
      tar.stdin?.end(archive);
    });
    await promisify(execFile)('git', ['init', '-q', target]);
    writeFileSync(join(target, '.git', 'HEAD'), `${commit.sha}\n`);
    return { failed: false, outputs: { ref, commit: commit.sha }, log: `Checked out ${repository}@${ref} (${commit.sha}) from its tarball (${archive.length} bytes) into ${target}\n` };
  } catch (error) {
    return { failed: true, outputs: {}, log: `::error::actions/checkout: ${(error as Error).message}\n` };
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function checkoutAction(uses: string): ActionHandler | undefined {
  if (!CHECKOUT.test(uses)) return undefined;
  return isKnownActionRef(uses) ? checkout : unresolvedAction(uses);
}
