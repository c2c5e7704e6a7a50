import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from './errors.js';

/** A folder a path input may lead into, e.g. the workspace or RUNNER_TEMP. */
export interface PathRoot {
  path: string;
  /** How messages name it: "the workspace", "RUNNER_TEMP". */
  label: string;
}

/**
 * `file`: an existing regular file (read); `directory`: an existing folder; `output`: a file that
 * may not exist yet (written), whose nearest existing folder is inside a root and which, when it
 * exists, is a regular file.
 */
export type PathKind = 'file' | 'directory' | 'output';

export interface ConfinedPath {
  /** The real path (symlinks resolved) to read or write. */
  real: string;
  /** The path relative to the root it is in, with forward slashes ('' for the root itself). */
  relative: string;
  root: PathRoot;
}

const FIX = 'Give a path inside the repository checkout (GITHUB_WORKSPACE), relative to it, without `..`; a symlink must point inside it too.';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function realRoot(root: PathRoot): string | undefined {
  try {
    return realpathSync(root.path);
  } catch {
    return undefined;
  }
}

/** The first root whose real path holds `path`, with that real path. */
function containing(roots: PathRoot[], path: string): { root: PathRoot; real: string } | undefined {
  for (const root of roots) {
    const real = realRoot(root);
    if (real !== undefined && inside(real, path)) return { root, real };
  }
  return undefined;
}

/** Names the path's kind of special file, or undefined for a regular file or folder. */
function specialKind(stats: Stats): string | undefined {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return undefined;
}

/**
 * Checks a path a user gave in `input` and returns where it really is. The path is resolved from
 * the first root, symlinks are followed, and the result must stay inside one of `roots`; special
 * files (FIFOs, devices, sockets) are refused, since reading them can block or leak (`/proc`, a
 * link to a terminal). Called before the first write, in mock mode too.
 */
export function confinePath(value: string, options: { input: string; roots: PathRoot[]; kind: PathKind; what?: string }): ConfinedPath {
  const { input, roots, kind } = options;
  const label = `Input \`${input}\`: "${value}"`;
  const [first] = roots;
  if (!first) throw new Error('confinePath needs at least one root');
  const rootsText = roots.map((r) => `${r.label} (${r.path})`).join(' or ');
  const absolute = resolve(first.path, value);
  const lexicalRoot = roots.find((r) => inside(resolve(r.path), absolute));
  if (!lexicalRoot) {
    const why = isAbsolute(value) ? `is an absolute path outside ${rootsText}` : value.split(/[\\/]/).includes('..') ? `leaves ${rootsText} with \`..\`` : `is outside ${rootsText}`;
    throw new UserError(`${label} ${why}.`, FIX, { input });
  }

  let existing: Stats | undefined;
  try {
    existing = lstatSync(absolute);
  } catch {
    existing = undefined;
  }
  if (!existing) {
    if (kind !== 'output')
      throw new UserError(
        `${label} does not exist in ${lexicalRoot.label}.`,
        kind === 'directory' ? 'Give a folder that exists in the checkout, e.g. `.`.' : `Check the path (relative to the workspace) and that an earlier step wrote ${options.what ?? 'the file'}.`,
        { input },
      );
    // The file is created later: its nearest existing folder decides where it would land.
    let parent = dirname(absolute);
    while (!pathExists(parent) && dirname(parent) !== parent) parent = dirname(parent);
    const realParent = realpathSync(parent);
    const root = containing(roots, realParent);
    if (!root) throw new UserError(`${label} would be written through ${parent}, which leads outside ${rootsText}.`, FIX, { input });
    const real = resolve(realParent, relative(parent, absolute));
    return { real, relative: relative(root.real, real).split(sep).join('/'), root: root.root };
  }

  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    throw new UserError(`${label} is a symlink whose target does not exist.`, FIX, { input });
  }
  const root = containing(roots, real);
  if (!root) throw new UserError(`${label} ${existing.isSymbolicLink() ? 'is a symlink that points' : 'leads'} outside ${rootsText}.`, FIX, { input });
  const stats = statSync(real);
  const special = specialKind(stats);
  if (special) throw new UserError(`${label} is ${special}, not a regular file.`, 'Give a regular file; relkit does not read pipes, devices or sockets.', { input });
  if (kind === 'directory' && !stats.isDirectory()) throw new UserError(`${label} is a file, not a folder.`, 'Give a folder of the checkout, e.g. `.` or `charts`.', { input });
  if (kind !== 'directory' && !stats.isFile()) throw new UserError(`${label} is a folder, not a regular file.`, 'Give the path of a file.', { input });
  return { real, relative: relative(root.real, real).split(sep).join('/'), root: root.root };
}

function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses a glob or path pattern that can only lead out of the workspace (absolute, or with a `..`
 * segment), before it is expanded; every match is then checked with confinePath.
 */
export function checkPattern(pattern: string, options: { input: string; workspace: string }): void {
  const label = `Input \`${options.input}\`: "${pattern}"`;
  if (isAbsolute(pattern) || /^[a-zA-Z]:[\\/]/.test(pattern)) throw new UserError(`${label} is an absolute path outside the workspace (${options.workspace}).`, FIX, { input: options.input });
  if (pattern.split(/[\\/]/).includes('..')) throw new UserError(`${label} leaves the workspace (${options.workspace}) with \`..\`.`, FIX, { input: options.input });
}

/** The workspace root of a step: GITHUB_WORKSPACE, else the current folder (a terminal run). */
export function workspaceRoot(env: NodeJS.ProcessEnv): PathRoot {
  return { path: resolve(env.GITHUB_WORKSPACE || process.cwd()), label: 'the workspace' };
}

/** RUNNER_TEMP as a root, where the runner provides it. */
export function runnerTempRoot(env: NodeJS.ProcessEnv): PathRoot[] {
  return env.RUNNER_TEMP ? [{ path: resolve(env.RUNNER_TEMP), label: 'RUNNER_TEMP' }] : [];
}
