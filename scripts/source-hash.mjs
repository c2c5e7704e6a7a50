// One hash of everything a bundle is built from, so a test run can tell a stale dist/ from a
// current one without rebuilding (a build takes minutes; hashing takes milliseconds).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const INPUTS = ['packages', 'actions', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];
const SKIP = new Set(['node_modules', 'dist', 'test']);

function files(path) {
  if (!existsSync(path)) return [];
  const entries = readdirSync(path, { withFileTypes: true });
  return entries.flatMap((e) => (e.isDirectory() ? (SKIP.has(e.name) ? [] : files(join(path, e.name))) : e.isFile() ? [join(path, e.name)] : []));
}

export function sourceHash() {
  const hash = createHash('sha256');
  const all = INPUTS.map((input) => join(root, input))
    .filter((path) => existsSync(path))
    .flatMap((path) => (statSync(path).isDirectory() ? files(path) : [path]));
  for (const file of all.map((f) => relative(root, f)).sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

export const SOURCE_HASH_FILE = 'dist/sources.sha256';
