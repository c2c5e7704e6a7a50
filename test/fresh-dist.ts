import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_HASH_FILE, sourceHash } from '../scripts/source-hash.mjs';

const root = join(import.meta.dirname, '..');

/**
 * Runs once before any test file. The bundle tests run dist/ as the runner does; when a source
 * changed since dist/ was built, they would test old code, so dist/ is rebuilt first.
 */
export default function requireFreshDist(): void {
  const recorded = existsSync(join(root, SOURCE_HASH_FILE)) ? readFileSync(join(root, SOURCE_HASH_FILE), 'utf8').trim() : '';
  if (recorded === sourceHash()) return;
  process.stdout.write('dist/ was built from other sources than these: rebuilding it before the tests (npm run build)…\n');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
