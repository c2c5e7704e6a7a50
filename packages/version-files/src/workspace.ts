import { glob, lstat, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { checkPattern, confinePath, isUserError, UserError } from '@relkit/kit';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'target', 'vendor']);

/**
 * The workspace-relative files a spec pattern names. Globs skip .git, node_modules, target and
 * vendor; every result, symlinks resolved, must be a regular file inside the workspace.
 */
export async function resolvePattern(root: string, pattern: string, origin: string): Promise<string[]> {
  const named = (error: unknown) => (isUserError(error) ? new UserError(error.message.replace(/^Input `files`/, origin), error.fix, { input: 'files' }) : error);
  try {
    checkPattern(pattern, { input: 'files', workspace: root });
  } catch (error) {
    throw named(error);
  }
  const candidates: string[] = [];
  if (/[*?[\]{}]/.test(pattern)) {
    for await (const found of glob(pattern, { cwd: root, exclude: (name: string) => SKIPPED_DIRS.has(name) })) candidates.push(found.split(sep).join('/'));
    candidates.sort();
  } else {
    candidates.push(pattern.replace(/^\.\//, ''));
  }
  const files: string[] = [];
  const roots = [{ path: root, label: 'the workspace' }];
  // The file system is asked about every candidate at once; a glob over 1,000 files waited on each in turn.
  const kinds = await Promise.all(
    candidates.map(async (candidate) => {
      const absolute = join(root, candidate);
      if (!(await lstat(absolute).catch(() => undefined))) return undefined;
      return (await stat(absolute).catch(() => undefined))?.isDirectory() ?? false;
    }),
  );
  for (const [n, candidate] of candidates.entries()) {
    const isFolder = kinds[n];
    // A literal path that is not there is not an error here: the spec reports it with its line.
    if (isFolder === undefined) continue;
    try {
      confinePath(candidate, { input: 'files', roots, kind: isFolder ? 'directory' : 'file' });
    } catch (error) {
      throw named(error);
    }
    if (!isFolder) files.push(candidate);
  }
  return files;
}
