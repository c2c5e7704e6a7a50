import { fileURLToPath } from 'node:url';
import { runActionBundle, type RunResult } from '@relkit/runner';
import type { Sandbox } from '@relkit/sandbox';

/** Runs a committed action bundle (dist/) under this Node 24 against the sandbox (if any), as a workflow step would; `cwd` is the workspace. */
export function runAction(
  name: string,
  sandbox: Sandbox | undefined,
  inputs: Record<string, string | number | boolean | undefined>,
  options: { env?: Record<string, string | undefined>; step?: 'main' | 'post'; state?: Record<string, string>; cwd?: string } = {},
): Promise<RunResult> {
  return runActionBundle({
    action: fileURLToPath(new URL(`../../actions/${name}/action.yml`, import.meta.url)),
    inputs,
    step: options.step ?? 'main',
    ...(options.state ? { state: options.state } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: {
      ...sandbox?.env(),
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_RUN_ID: '1001',
      GITHUB_RUN_ATTEMPT: '1',
      // The sandbox answers in microseconds; keep GitHub's pacing and backoff out of test time.
      RELKIT_WRITE_INTERVAL_MS: '0',
      RELKIT_NOTIFICATION_INTERVAL_MS: '0',
      RELKIT_RETRY_BASE_MS: '20',
      RELKIT_REQUEST_TIMEOUT_MS: '3000',
      ...options.env,
    },
  });
}

export function errors(result: RunResult): string[] {
  return result.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}
