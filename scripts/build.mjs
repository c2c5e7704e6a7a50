// Bundles every action entry (actions/<name>/src/main.ts and post.ts) and the relkit command
// with @vercel/ncc. One loop: adding an action adds no build code. Each bundle is built in its
// own process (ncc keeps every compilation's memory, and eight in one process exhaust the heap),
// one per core at a time.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceHash } from './source-hash.mjs';

const root = new URL('..', import.meta.url).pathname;
const self = new URL(import.meta.url).pathname;

async function bundle(entry) {
  const { default: ncc } = await import('@vercel/ncc');
  const { code, assets } = await ncc(entry.file, { minify: false, sourceMap: false, quiet: true, license: 'licenses.txt', target: 'es2024', cache: false });
  const dir = join(entry.outDir, entry.dir);
  mkdirSync(dir, { recursive: true });
  const header = entry.dir === 'cli' ? '#!/usr/bin/env node\n' : '';
  writeFileSync(join(dir, entry.target), header + code.replace(/^#!.*\n/, ''), { mode: entry.dir === 'cli' ? 0o755 : 0o644 });
  for (const [name, asset] of Object.entries(assets ?? {})) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, asset.source);
  }
  console.log(`${entry.dir}/${entry.target}${assets && Object.keys(assets).length ? ` (+${Object.keys(assets).length} assets)` : ''}`);
}

if (process.argv[2] === '--entry') {
  await bundle(JSON.parse(process.argv[3]));
} else {
  const outDir = process.argv[2] ? join(root, process.argv[2]) : join(root, 'dist');
  const entries = [];
  const actionsDir = join(root, 'actions');
  for (const action of existsSync(actionsDir) ? readdirSync(actionsDir, { withFileTypes: true }) : []) {
    if (!action.isDirectory()) continue;
    for (const [source, target] of [
      ['main.ts', 'index.js'],
      ['post.ts', 'post.js'],
    ]) {
      const file = join(root, 'actions', action.name, 'src', source);
      if (existsSync(file)) entries.push({ file, dir: action.name, target, outDir });
    }
  }
  // The relkit command bundles every package: the longest build starts first so the workers finish together.
  entries.unshift({ file: join(root, 'packages/cli/src/bin.ts'), dir: 'cli', target: 'index.js', outDir });
  rmSync(outDir, { recursive: true, force: true });
  const queue = [...entries];
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const { stdout } = await promisify(execFile)(process.execPath, [self, '--entry', JSON.stringify(entry)], { maxBuffer: 16 * 1024 * 1024 });
      process.stdout.write(stdout);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), entries.length) }, worker));
  // What the tests compare to tell a stale dist/ (test/fresh-dist.ts).
  writeFileSync(join(outDir, 'sources.sha256'), `${sourceHash()}\n`);
}
