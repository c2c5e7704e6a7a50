import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The committed relkit command bundle. */
export const RELKIT_BIN = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));

/** Runs the committed `relkit` bundle as a terminal would; never throws on a non-zero exit. */
export async function relkit(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [RELKIT_BIN, ...args], { cwd: options.cwd ?? ROOT, maxBuffer: 1 << 24, ...(options.env ? { env: options.env } : {}) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
