import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Sandbox } from '@relkit/sandbox';
import { javascriptAction } from './bundled-actions.js';
import { unresolvedAction, type ActionHandler } from './run.js';

const USES = /^([\w.-]+)\/([\w.-]+)@([\w./-]+)$/;

/** The commit a ref names in a sandbox repository: a tag, a branch or a full SHA. */
function resolveRef(sandbox: Sandbox, repository: string, ref: string): string | undefined {
  const repo = sandbox.state.repo(repository)!;
  const sha = repo.refs.get(`refs/tags/${ref}`) ?? repo.refs.get(`refs/heads/${ref}`) ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : undefined);
  return sha && repo.objects.commit(repo.objects.peel(sha)) ? repo.objects.peel(sha) : undefined;
}

/**
 * `owner/name@ref` for repositories the sandbox holds (relkit/lock-branch@v1): the runner downloads
 * the repository's tree at the ref into its actions folder and runs the action.yml at its root.
 * Repositories the sandbox does not hold are left to the other finders.
 */
export function publishedActions(sandbox: Sandbox, cacheDir: string): (uses: string) => ActionHandler | undefined {
  return (uses) => {
    const match = USES.exec(uses);
    if (!match) return undefined;
    const [, owner, name, ref] = match as unknown as [string, string, string, string];
    const repository = `${owner}/${name}`;
    if (!sandbox.state.repo(repository)) return undefined;
    // The ref is resolved when the job is set up; one that names nothing fails the job there.
    const sha = resolveRef(sandbox, repository, ref);
    if (!sha) return unresolvedAction(uses);
    return async (call) => {
      const dir = join(cacheDir, owner, name, sha);
      if (!existsSync(dir)) {
        const repo = sandbox.state.repo(repository)!;
        const staging = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
        rmSync(staging, { recursive: true, force: true });
        for (const [path, entry] of repo.objects.listFiles(repo.objects.commit(sha)!.tree)) {
          mkdirSync(dirname(join(staging, path)), { recursive: true });
          writeFileSync(join(staging, path), repo.objects.blob(entry.sha)!);
        }
        mkdirSync(dirname(dir), { recursive: true });
        try {
          renameSync(staging, dir);
        } catch (error) {
          // Another job of the run downloaded the same commit first.
          rmSync(staging, { recursive: true, force: true });
          if (!existsSync(dir)) throw error;
        }
      }
      if (!existsSync(join(dir, 'action.yml'))) return { failed: true, outputs: {}, log: `Can't find 'action.yml' in ${repository}@${ref} (${sha}).\n` };
      return javascriptAction(join(dir, 'action.yml'), `Download action repository '${uses}' (SHA:${sha})\n`)(call);
    };
  };
}
