import { cp, readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from './scratch.js';

export const REAL_WORLD = fileURLToPath(new URL('../fixtures/real-world/', import.meta.url));

/** A scratch copy of a fixture's `before/` folder. */
export async function copyBefore(name: string): Promise<string> {
  const dir = await scratchDir(name);
  await cp(join(REAL_WORLD, name, 'before'), dir, { recursive: true });
  return dir;
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Every file of `after/`, byte for byte, against the workspace; returns the paths that differ. */
export async function differingFiles(name: string, workspace: string): Promise<string[]> {
  const after = join(REAL_WORLD, name, 'after');
  const differing: string[] = [];
  for (const path of await listFiles(after)) {
    const expected = await readFile(join(after, path));
    const actual = await readFile(join(workspace, path));
    if (!expected.equals(actual)) differing.push(path);
  }
  return differing;
}
