import { existsSync } from 'node:fs';
import { UserError } from '@relkit/kit';
import { publishableActions } from '@relkit/publish';
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
  throw new UserError('relkit cannot find its actions/ folder next to the command.', 'Run relkit from its checkout or package, or set RELKIT_HOME to the relkit checkout.');
}

export function listActions(dir = actionsDirectory()): string[] {
  return publishableActions(dirname(dir));
}
