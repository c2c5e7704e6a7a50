import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { githubRequest } from './github-api.js';
import { unresolvedAction, type ActionCall, type ActionHandler, type ActionOutcome } from './run.js';
import { isKnownActionRef } from './platform/action-refs.js';

const CHECKOUT = /^actions\/checkout@(v[4-6](\.[\d.]+)?|[0-9a-f]{40})$/;
const PARALLEL_BLOBS = 8;

interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

/**
 * actions/checkout over the API: the tree of the commit `ref` names is written into the workspace
 * (or `path`), and `.git/HEAD` names that commit, so `git rev-parse HEAD` answers as after a real
 * checkout. Git objects are not fetched: history-reading commands (`git log`) see nothing.
 */
async function checkout(call: ActionCall): Promise<ActionOutcome> {
  const repository = call.inputs.repository || call.env.GITHUB_REPOSITORY || '';
  const token = call.inputs.token || String(call.github.token ?? '');
  const ref = call.inputs.ref || call.env.GITHUB_SHA || call.env.GITHUB_REF || '';
  const target = resolve(call.workspace, call.inputs.path || '.');
  if (relative(call.workspace, target).startsWith('..')) return { failed: true, outputs: {}, log: `::error::Repository path '${target}' is not under '${call.workspace}'\n` };
  try {
    const commit = await githubRequest<{ sha: string; commit: { tree: { sha: string } } }>(call.env, token, 'GET', `/repos/${repository}/commits/${encodeURIComponent(ref.replace(/^refs\/heads\//, ''))}`);
    const tree = await githubRequest<{ tree: TreeEntry[]; truncated: boolean }>(call.env, token, 'GET', `/repos/${repository}/git/trees/${commit.commit.tree.sha}?recursive=1`);
    if (tree.truncated) throw new Error(`the tree of ${commit.sha} is too large for the API listing`);
    if (call.inputs.clean !== 'false') for (const entry of safeList(target)) rmSync(join(target, entry), { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const blobs = tree.tree.filter((e) => e.type === 'blob');
    let next = 0;
    const worker = async () => {
      while (next < blobs.length) {
        const entry = blobs[next++]!;
        const blob = await githubRequest<{ content: string; encoding: string }>(call.env, token, 'GET', `/repos/${repository}/git/blobs/${entry.sha}`);
        const bytes = Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8');
        const file = join(target, entry.path);
        mkdirSync(dirname(file), { recursive: true });
        if (entry.mode === '120000') symlinkSync(bytes.toString('utf8'), file);
        else writeFileSync(file, bytes, { mode: entry.mode === '100755' ? 0o755 : 0o644 });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_BLOBS }, worker));
    await promisify(execFile)('git', ['init', '-q', target]);
    writeFileSync(join(target, '.git', 'HEAD'), `${commit.sha}\n`);
    return { failed: false, outputs: { ref, commit: commit.sha }, log: `Checked out ${repository}@${ref} (${commit.sha}): ${blobs.length} files into ${target}\n` };
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
