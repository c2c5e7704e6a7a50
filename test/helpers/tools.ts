import { execFileSync } from 'node:child_process';

/**
 * A system tool a test needs: present, or the test fails at once naming it and how to install it
 * (never a silent skip). `.ci/run` installs every one of them.
 */
export function requireTool(name: string, install: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${name} is not installed, and this test needs it. Install it: ${install} (bash .ci/run installs every tool the tests use).`);
  }
}
