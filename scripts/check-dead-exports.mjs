#!/usr/bin/env node
// A package's index.ts exports only what something outside the package uses (another package, an
// action, a test or a bench): anything else is internal, and an unused export is dead weight a
// reader must still understand. npm run lint fails, naming each one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const walk = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.parentPath.includes('node_modules'))
    .map((e) => join(e.parentPath, e.name));
const sources = ['packages', 'actions', 'test', 'bench'].flatMap((top) => walk(join(root, top))).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

const dead = [];
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
  const index = join(root, 'packages', pkg, 'src', 'index.ts');
  const own = `${join(root, 'packages', pkg)}/`;
  let text;
  try {
    text = readFileSync(index, 'utf8');
  } catch {
    continue;
  }
  // Runtime exports of `export { a, b as c, type T }`; types cost nothing at run time and are left out.
  const names = [...text.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) =>
    m[1]
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith('type '))
      .map((s) => s.split(/\s+as\s+/).pop()),
  );
  const outside = sources
    .filter((s) => !s.file.startsWith(own))
    .map((s) => s.text)
    .join('\n');
  for (const name of names) if (!new RegExp(`\\b${name}\\b`).test(outside)) dead.push(`@relkit/${pkg}: ${name}`);
}
if (dead.length > 0) {
  console.error(`Exported but used nowhere outside their package:\n  ${dead.join('\n  ')}\nDrop them from the package's index.ts (or use them).`);
  process.exit(1);
}
console.log('dead-exports: every package export is used outside its package.');
