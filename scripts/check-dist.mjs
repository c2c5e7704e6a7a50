// Rebuilds the bundles into a scratch folder and fails when they differ from the committed dist/.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const scratch = '.tmp/dist-check';
rmSync(join(root, scratch), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), scratch], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const walk = (dir) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])) : []);
const fresh = new Map(walk(join(root, scratch)).map((f) => [relative(join(root, scratch), f), f]));
const committed = new Map(walk(join(root, 'dist')).map((f) => [relative(join(root, 'dist'), f), f]));
const differences = [];
for (const [name, file] of fresh) {
  if (!committed.has(name)) differences.push(`missing from dist/: ${name}`);
  else if (!readFileSync(file).equals(readFileSync(committed.get(name)))) differences.push(`differs: dist/${name}`);
}
for (const name of committed.keys()) if (!fresh.has(name)) differences.push(`stale in dist/ (no longer built): ${name}`);
rmSync(join(root, scratch), { recursive: true, force: true });
if (differences.length > 0) {
  console.error(`dist/ is not what the sources build:\n  ${differences.join('\n  ')}\nRun \`npm run build\` and commit dist/.`);
  process.exit(1);
}
console.log(`dist/ matches a fresh build (${fresh.size} files).`);
