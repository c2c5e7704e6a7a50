import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's `actions/` folder. The bundled command lives in `dist/cli/`, the sources in
 * `packages/cli/src/`; both find it by walking up, and RELKIT_HOME overrides.
 */
export function actionsDirectory(): string {
  if (process.env.RELKIT_HOME) return join(process.env.RELKIT_HOME, 'actions');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && (existsSync(join(dir, 'actions')) || existsSync(join(dir, 'dist', 'cli')))) return join(dir, 'actions');
    dir = resolve(dir, '..');
  }
  throw new Error('relkit: cannot find the actions/ folder; set RELKIT_HOME to the relkit checkout');
}

export function listActions(dir = actionsDirectory()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'action.yml')))
    .map((e) => e.name)
    .sort();
}
