// Bundles every action entry (actions/<name>/src/main.ts and post.ts) and the relkit command
// with @vercel/ncc. One loop: adding an action adds no build code.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ncc from '@vercel/ncc';

const root = new URL('..', import.meta.url).pathname;
const outDir = process.argv[2] ? join(root, process.argv[2]) : join(root, 'dist');

const entries = [];
const actionsDir = join(root, 'actions');
for (const action of existsSync(actionsDir) ? readdirSync(actionsDir, { withFileTypes: true }) : []) {
  if (!action.isDirectory()) continue;
  for (const [source, target] of [['main.ts', 'index.js'], ['post.ts', 'post.js']]) {
    const file = join(root, 'actions', action.name, 'src', source);
    if (existsSync(file)) entries.push({ file, dir: action.name, target });
  }
}
entries.push({ file: join(root, 'packages/cli/src/bin.ts'), dir: 'cli', target: 'index.js' });

rmSync(outDir, { recursive: true, force: true });
for (const entry of entries) {
  const { code, assets } = await ncc(entry.file, { minify: false, sourceMap: false, quiet: true, license: 'licenses.txt', target: 'es2024', cache: false });
  const dir = join(outDir, entry.dir);
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
