import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs git in `dir`; undefined when git fails (not a clone, unknown revision, git missing). */
export async function git(dir: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, { cwd: dir, maxBuffer: 512 * 1024 * 1024, timeout: 120_000 });
    return stdout;
  } catch {
    return undefined;
  }
}

/** The commit a revision names in the local clone, or undefined when the clone does not have it. */
export async function localCommit(dir: string, revision: string): Promise<string | undefined> {
  const out = await git(dir, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  return out?.trim() || undefined;
}
