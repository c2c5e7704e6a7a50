#!/usr/bin/env node
// Every package declares in its package.json `dependencies` exactly what its source imports: the
// @relkit packages (whose order eslint checks) and the libraries. --write fills them in, taking each
// library's range from the root package.json.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const write = process.argv.includes('--write');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const ranges = { ...rootPackage.devDependencies, ...rootPackage.dependencies };
const builtins = new Set(builtinModules);

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function imported(file) {
  const names = new Set();
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec.split('/')[0])) continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
  return names;
}

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const problems = [];
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const file = join(root, 'packages', name, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const used = new Set([...sources(join(root, 'packages', name, 'src'))].flatMap((f) => [...imported(f)]));
  used.delete(pkg.name);
  const declared = new Set(Object.keys(pkg.dependencies ?? {}));
  const missing = [...used].filter((d) => !declared.has(d)).sort();
  const unused = [...declared].filter((d) => !used.has(d)).sort();
  // npm ci refuses a lock whose workspace entry lists other dependencies than the package.json.
  const locked = lock.packages?.[`packages/${name}`]?.dependencies ?? {};
  if (!write && JSON.stringify(locked) !== JSON.stringify(pkg.dependencies ?? {})) problems.push(`package-lock.json: packages/${name} is not what its package.json declares; run npm install`);
  if (missing.length === 0 && unused.length === 0) continue;
  if (write) {
    pkg.dependencies = Object.fromEntries(
      [...used].sort().map((d) => {
        if (d.startsWith('@relkit/')) return [d, JSON.parse(readFileSync(join(root, 'packages', d.slice('@relkit/'.length), 'package.json'), 'utf8')).version];
        if (!ranges[d]) throw new Error(`${name} imports ${d}, which the root package.json does not list`);
        return [d, ranges[d]];
      }),
    );
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  } else {
    problems.push(
      `packages/${name}/package.json:${missing.length ? ` imports but does not declare ${missing.join(', ')};` : ''}${unused.length ? ` declares but does not import ${unused.join(', ')};` : ''}`,
    );
  }
}
if (problems.length > 0) {
  console.error(`${problems.join('\n')}\nRun: node scripts/check-package-deps.mjs --write && npm install`);
  process.exit(1);
}
console.log(write ? 'package-deps: dependencies written.' : 'package-deps: every package declares what it imports.');
