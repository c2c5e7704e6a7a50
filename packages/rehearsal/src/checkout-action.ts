import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { githubDownload, githubRequest } from './github-api.js';
import { unresolvedAction, type ActionCall, type ActionHandler, type ActionOutcome } from './run.js';
import { isKnownActionRef } from './platform/action-refs.js';

const CHECKOUT = /^actions\/checkout@(v[4-6](\.[\d.]+)?|[0-9a-f]{40})$/;

/**
 * actions/checkout as it runs on a runner with git: the commit `ref` names is fetched over git's
 * smart HTTP from the server (`fetch-depth` deep, 1 by default; 0 for every branch and tag), checked
 * out on its branch (or detached at a SHA), and the token kept in the clone's
 * `http.<server>/.extraheader` unless `persist-credentials: false`, as later `git push` steps
 * (create-pull-request) expect. Without git it falls back to the REST API, as actions/checkout does:
 * the tarball unpacked, `.git/HEAD` naming the commit, no history.
 * https://github.com/actions/checkout#usage
 */
async function checkout(call: ActionCall): Promise<ActionOutcome> {
  const repository = call.inputs.repository || call.env.GITHUB_REPOSITORY || '';
  const token = call.inputs.token || (typeof call.github.token === 'string' ? call.github.token : '');
  const ref = call.inputs.ref || call.env.GITHUB_SHA || call.env.GITHUB_REF || '';
  const target = resolve(call.workspace, call.inputs.path || '.');
  if (relative(call.workspace, target).startsWith('..')) return { failed: true, outputs: {}, log: `::error::Repository path '${target}' is not under '${call.workspace}'\n` };
  try {
    const commit = await githubRequest<{ sha: string }>(call.env, token, 'GET', `/repos/${repository}/commits/${encodeURIComponent(ref.replace(/^refs\/heads\//, ''))}`);
    if (await hasGit()) return await fetchWithGit(call, repository, token, ref, commit.sha, target);
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

let gitFound: Promise<boolean> | undefined;
function hasGit(): Promise<boolean> {
  gitFound ??= promisify(execFile)('git', ['--version']).then(
    () => true,
    () => false,
  );
  return gitFound;
}

async function fetchWithGit(call: ActionCall, repository: string, token: string, ref: string, sha: string, target: string): Promise<ActionOutcome> {
  const run = (...args: string[]) => promisify(execFile)('git', ['-C', target, ...args], { maxBuffer: 256 * 1024 * 1024 });
  const server = typeof call.github.server_url === 'string' ? call.github.server_url : 'https://github.com';
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
  const branch = /^refs\/heads\//.test(ref) ? ref.slice('refs/heads/'.length) : ref && !/^[0-9a-f]{40}$/.test(ref) && !ref.startsWith('refs/') ? ref : undefined;
  const depth = call.inputs['fetch-depth'] ?? '1';
  if (call.inputs.clean !== 'false') for (const entry of safeList(target)) rmSync(join(target, entry), { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  await run('init', '-q');
  // With `clean: false` the folder may already be a clone: point its origin here rather than fail.
  await run('remote', 'add', 'origin', `${server}/${repository}`).catch(() => run('remote', 'set-url', 'origin', `${server}/${repository}`));
  const persist = call.inputs['persist-credentials'] !== 'false';
  if (persist) await run('config', '--local', `http.${server}/.extraheader`, header);
  const auth = persist ? [] : ['-c', `http.extraheader=${header}`];
  const into = branch ? `refs/remotes/origin/${branch}` : 'refs/remotes/origin/HEAD';
  if (depth === '0') await run(...auth, 'fetch', '-q', '--prune', 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*');
  else await run(...auth, 'fetch', '-q', '--no-tags', `--depth=${depth}`, 'origin', `+${sha}:${into}`);
  if (branch) await run('checkout', '-q', '--force', '-B', branch, into);
  else await run('checkout', '-q', '--force', '--detach', sha);
  return { failed: false, outputs: { ref, commit: sha }, log: `Checked out ${repository}@${ref} (${sha}) with git from ${server} into ${target}\n` };
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
