import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The commit checked out in `dir`, or undefined when it is not a git checkout (or git is missing). */
export async function checkoutHead(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: dir, timeout: 10_000 });
    const sha = stdout.trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
