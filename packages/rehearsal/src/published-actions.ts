import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Repository, Sandbox } from '@relkit/sandbox';
import { parse } from 'yaml';
import { javascriptAction } from './bundled-actions.js';
import { compositeAction } from './composite-actions.js';
import { unresolvedAction, type ActionHandler } from './run.js';

const USES = /^([\w.-]+)\/([\w.-]+)@([\w./-]+)$/;

/** The commit a ref names in a sandbox repository: a tag, a branch or a full SHA, with its tree. */
function resolveRef(repo: Repository, ref: string): { sha: string; tree: string } | undefined {
  const named = repo.refs.get(`refs/tags/${ref}`) ?? repo.refs.get(`refs/heads/${ref}`) ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : undefined);
  if (!named) return undefined;
  const sha = repo.objects.peel(named);
  const commit = repo.objects.commit(sha);
  return commit ? { sha, tree: commit.tree } : undefined;
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
    const repo = sandbox.state.repo(repository);
    if (!repo) return undefined;
    // The ref is resolved when the job is set up; one that names nothing fails the job there.
    const resolved = resolveRef(repo, ref);
    if (!resolved) return unresolvedAction(uses);
    const { sha, tree } = resolved;
    return async (call) => {
      const dir = join(cacheDir, owner, name, sha);
      if (!existsSync(dir)) {
        const staging = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
        rmSync(staging, { recursive: true, force: true });
        for (const [path, entry] of repo.objects.listFiles(tree)) {
          const blob = repo.objects.blob(entry.sha);
          if (!blob) throw new Error(`${repository}@${sha} lists ${path}, whose blob ${entry.sha} the sandbox does not hold.`);
          mkdirSync(dirname(join(staging, path)), { recursive: true });
          writeFileSync(join(staging, path), blob);
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
      const actionYml = join(dir, 'action.yml');
      const banner = `Download action repository '${uses}' (SHA:${sha})\n`;
      const using = (parse(readFileSync(actionYml, 'utf8')) as { runs?: { using?: unknown } } | null)?.runs?.using;
      return (using === 'composite' ? compositeAction(actionYml, banner) : javascriptAction(actionYml, banner))(call);
    };
  };
}
