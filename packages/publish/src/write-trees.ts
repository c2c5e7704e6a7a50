import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError } from '@relkit/kit';
import { actionPublishTree, publishableActions, type TreeFile } from './publish-tree.js';

export interface PackageOptions {
  /** Actions to package; every action by default. */
  actions?: string[];
  /** Also write `<name>.tar.gz` beside each tree (release assets). */
  archives?: boolean;
}

export interface PackagedAction {
  name: string;
  files: TreeFile[];
  archive?: string;
}

function writeTree(dir: string, files: TreeFile[]): void {
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents);
    // Fixed modes whatever the umask, so archives of one release are identical bytes everywhere.
    chmodSync(path, 0o644);
  }
  const fixDirs = (d: string) => {
    chmodSync(d, 0o755);
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) fixDirs(join(d, e.name));
  };
  fixDirs(dir);
}

/** A tar.gz with sorted names, no owners and time zero: packaging one tree twice gives the same bytes. */
function archive(parent: string, name: string): Buffer {
  const tar = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=gnu', '-C', parent, '-cf', '-', name], { maxBuffer: 256 * 1024 * 1024 });
  return gzipSync(tar, { level: 9 });
}

/**
 * Writes `<out>/<name>/` for every action (and `<out>/<name>.tar.gz` with `archives`). Every tree
 * is built and checked before anything is written, and the folder is swapped in whole: a failure
 * leaves the previous `<out>` as it was.
 */
export function writePublishTrees(root: string, out: string, options: PackageOptions = {}): PackagedAction[] {
  const known = publishableActions(root);
  const names = options.actions ?? known;
  for (const name of names) {
    if (!known.includes(name)) throw new UserError(`There is no action \`${name}\` in ${join(root, 'actions')}.`, `Package one of: ${known.join(', ')}.`);
  }
  const packaged: PackagedAction[] = names.map((name) => ({ name, files: actionPublishTree(root, name) }));
  const staging = join(dirname(out), `.${basename(out)}.relkit-${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    for (const action of packaged) {
      writeTree(join(staging, action.name), action.files);
      if (options.archives) {
        writeFileSync(join(staging, `${action.name}.tar.gz`), archive(staging, action.name));
        action.archive = join(out, `${action.name}.tar.gz`);
      }
    }
    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return packaged;
}

function walk(dir: string, root: string, files: TreeFile[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, root, files);
    else if (entry.isFile()) files.push({ path: relative(root, path).split('\\').join('/'), contents: readFileSync(path) });
    else throw new UserError(`${path} is neither a file nor a folder; a publish tree holds only files.`, 'Package the trees again with `relkit package`.');
  }
}

/** Every file under `dir`, by path relative to it (forward slashes), sorted. */
export function readTree(dir: string): TreeFile[] {
  const files: TreeFile[] = [];
  walk(dir, dir, files);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The publish trees under `dir` (as `relkit package` wrote them, or unpacked from a release's assets), by action. */
export function readPublishTrees(dir: string): PackagedAction[] {
  if (!existsSync(dir)) throw new UserError(`There are no publish trees at ${dir}.`, 'Run `npm run package` (or `relkit package --out DIR`) first.');
  const trees: PackagedAction[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !existsSync(join(dir, entry.name, 'action.yml'))) continue;
    trees.push({ name: entry.name, files: readTree(join(dir, entry.name)) });
  }
  if (trees.length === 0) throw new UserError(`${dir} holds no publish tree (a folder with an action.yml).`, 'Run `npm run package` (or `relkit package --out DIR`) first.');
  return trees.sort((a, b) => (a.name < b.name ? -1 : 1));
}
