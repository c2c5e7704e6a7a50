import { glob, lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { UserError } from '@relkit/kit';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'target', 'vendor']);

function escapes(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

function refuse(pattern: string, origin: string, why: string): UserError {
  return new UserError(`${origin}: "${pattern}" ${why}.`, 'Give paths relative to the workspace (the repository checkout), without `..`.', { input: 'files' });
}

/**
 * The workspace-relative files a spec pattern names. Globs skip .git, node_modules, target and
 * vendor; every result, symlinks resolved, must stay inside the workspace.
 */
export async function resolvePattern(root: string, pattern: string, origin: string): Promise<string[]> {
  if (isAbsolute(pattern) || /^[a-zA-Z]:[\\/]/.test(pattern)) throw refuse(pattern, origin, 'is an absolute path');
  if (pattern.split(/[\\/]/).includes('..')) throw refuse(pattern, origin, 'leaves the workspace with `..`');
  const realRoot = await realpath(root);
  const candidates: string[] = [];
  if (/[*?[\]{}]/.test(pattern)) {
    for await (const found of glob(pattern, { cwd: root, exclude: (name: string) => SKIPPED_DIRS.has(name) })) candidates.push(found.split(sep).join('/'));
    candidates.sort();
  } else {
    candidates.push(pattern.replace(/^\.\//, ''));
  }
  const checked = await Promise.all(
    candidates.map(async (candidate) => {
      const absolute = join(root, candidate);
      const stats = await lstat(absolute).catch(() => undefined);
      if (!stats) return undefined;
      const real = await realpath(absolute).catch(() => undefined);
      if (!real || escapes(realRoot, real)) throw refuse(candidate, origin, 'is a symlink that points outside the workspace');
      if (stats.isDirectory() || (stats.isSymbolicLink() && (await lstat(real)).isDirectory())) return undefined;
      return candidate;
    }),
  );
  const files = checked.filter((c): c is string => c !== undefined);
  return files;
}
