import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { glob, lstat, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { checkPattern, confinePath, UserError, type PathRoot } from '@relkit/kit';

export interface LocalAsset {
  /** The name on the release, as GitHub will store it. */
  name: string;
  path: string;
  size: number;
  sha256: string;
}

export const MAX_ASSET_BYTES = 2 * 1024 ** 3;

/** GitHub's renaming of asset names: anything outside letters, digits and `._+@-` becomes a dot, dots do not repeat. */
export function sanitizeAssetName(name: string): string {
  return name.replace(/[^A-Za-z0-9._+@-]/g, '.').replace(/\.{2,}/g, '.');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Resolves `assets` lines (`glob`, `path` or `name=path`) in the workspace (the first root; a match
 * may lie in any root), hashes every file and checks, before any upload, that every file is a
 * regular file inside a root, no file is over 2 GiB and no two names collide once sanitised.
 */
export async function collectAssets(lines: string[], roots: [PathRoot, ...PathRoot[]]): Promise<LocalAsset[]> {
  const workspace = roots[0].path;
  const found: Array<{ name: string; path: string; line: string }> = [];
  for (const line of lines) {
    const eq = line.indexOf('=');
    const named = eq > 0 && !/[*?[\]{}]/.test(line.slice(0, eq)) ? { name: line.slice(0, eq).trim(), pattern: line.slice(eq + 1).trim() } : { name: undefined, pattern: line };
    // Absolute paths and `..` are refused before the glob runs; each match is then followed to where it really is.
    checkPattern(named.pattern, { input: 'assets', workspace });
    const matches: string[] = [];
    if (/[*?[\]{}]/.test(named.pattern)) {
      for await (const p of glob(named.pattern, { cwd: workspace })) matches.push(p);
    } else matches.push(named.pattern);
    const files: string[] = [];
    for (const match of matches.sort()) {
      const stats = await lstat(resolve(workspace, match)).catch(() => undefined);
      if (!stats) continue;
      const isFolder = (await stat(resolve(workspace, match)).catch(() => undefined))?.isDirectory() ?? false;
      const confined = confinePath(match, { input: 'assets', roots, kind: isFolder ? 'directory' : 'file' });
      if (!isFolder) files.push(confined.real);
    }
    if (files.length === 0) {
      throw new UserError(`Input \`assets\`: "${line}" matches no file.`, 'Check the path (relative to the workspace) and that the build step produced the file before this step.', {
        input: 'assets',
      });
    }
    if (named.name && files.length > 1)
      throw new UserError(`Input \`assets\`: "${line}" names one asset but matches ${files.length} files.`, 'Use NAME=PATH with a single file, or a glob without a name.', { input: 'assets' });
    for (const path of files) found.push({ name: named.name ?? basename(path), path, line });
  }
  const byName = new Map<string, string>();
  const assets: LocalAsset[] = [];
  for (const f of found) {
    const name = sanitizeAssetName(f.name);
    const clash = byName.get(name);
    if (clash && clash !== f.path) {
      throw new UserError(`Input \`assets\`: ${clash} and ${f.path} would both be named "${name}" on the release (GitHub renames "${f.name}").`, 'Give one of them another name with NAME=PATH.', {
        input: 'assets',
      });
    }
    if (clash) continue;
    byName.set(name, f.path);
    const size = (await stat(f.path)).size;
    if (size > MAX_ASSET_BYTES)
      throw new UserError(`Asset ${f.path} is ${(size / 1024 ** 3).toFixed(2)} GiB; GitHub takes at most 2 GiB an asset.`, 'Split or compress the file.', { input: 'assets' });
    const sha256 = await sha256File(f.path).catch((error: unknown) => {
      throw new UserError(
        `Input \`assets\`: ${f.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
        'Make the file readable by the runner user, or leave it out of `assets`.',
        { input: 'assets', cause: error },
      );
    });
    assets.push({ name, path: f.path, size, sha256 });
  }
  return assets;
}

/** A generated file (such as SHA256SUMS) as an asset, written to a scratch folder. */
export async function textAsset(name: string, text: string): Promise<LocalAsset> {
  const dir = await mkdtemp(join(tmpdir(), 'relkit-sums-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return { name, path, size: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
}
