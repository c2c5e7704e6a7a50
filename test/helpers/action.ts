import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStepOn, type ActionHost, type ActionStep } from '@relkit/kit/action';
import { inputEnvironment, inputEnvName, readActionMetadata, runActionBundle, type RunResult } from '@relkit/runner';
import type { Sandbox } from '@relkit/sandbox';

type Inputs = Record<string, string | number | boolean | undefined>;
interface StepOptions {
  env?: Record<string, string | undefined>;
  step?: 'main' | 'post';
  state?: Record<string, string>;
  cwd?: string;
}

const actionYml = (name: string) => fileURLToPath(new URL(`../../actions/${name}/action.yml`, import.meta.url));

function stepEnvironment(sandbox: Sandbox | undefined, options: StepOptions): Record<string, string | undefined> {
  return {
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
  };
}

/**
 * Runs an action's step in this process, against the sandbox (if any): the inputs (with action.yml's
 * defaults), environment, outputs, state, summary and annotations are the runner's, so a test reads
 * the result as it would a bundle run's. `cwd` is the workspace.
 */
export async function runAction(name: string, sandbox: Sandbox | undefined, inputs: Inputs, options: StepOptions = {}): Promise<RunResult> {
  const step = options.step ?? 'main';
  const module = (await import(`../../actions/${name}/src/step.ts`)) as Record<string, ActionStep | undefined>;
  const body = module[`${step}Step`];
  if (!body) throw new Error(`actions/${name} has no ${step} step`);
  const given = inputEnvironment(readActionMetadata(actionYml(name)), inputs);
  const temp = mkdtempSync(join(tmpdir(), 'relkit-step-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('STATE_') && !k.startsWith('GITHUB_')));
  const env: Record<string, string | undefined> = {
    ...inherited,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: temp,
    GITHUB_WORKSPACE: options.cwd ?? process.cwd(),
    ...stepEnvironment(sandbox, options),
  };
  const result: RunResult = { exitCode: 0, failed: false, outputs: {}, state: {}, exportedEnv: {}, summary: '', annotations: [], masks: [], stdout: '', stderr: '' };
  // The log lines as @actions/core writes them, so a test reads stdout as it would a bundle run's.
  const lines: string[] = [];
  const escape = (data: string) => data.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const host: ActionHost = {
    env,
    getInput: (input) => (given[inputEnvName(input)] ?? '').trim(),
    info: (line) => lines.push(line),
    warning: (message) => {
      result.annotations.push({ level: 'warning', message, properties: {} });
      lines.push(`::warning::${escape(message)}`);
    },
    setFailed: (message) => {
      result.annotations.push({ level: 'error', message, properties: {} });
      lines.push(`::error::${escape(message)}`);
      result.exitCode = 1;
      result.failed = true;
    },
    setOutput: (output, value) => {
      result.outputs[output] = value;
    },
    saveState: (key, value) => {
      result.state[key] = value;
    },
    getState: (key) => options.state?.[key] ?? '',
    setSecret: (secret) => {
      result.masks.push(secret);
      lines.push(`::add-mask::${escape(secret)}`);
    },
    writeSummary: (markdown) => {
      result.summary += markdown;
      return Promise.resolve();
    },
  };
  try {
    await runStepOn(host, body);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  result.stdout = `${lines.join('\n')}\n`;
  return result;
}

/** Runs the committed bundle (dist/) of an action under this Node 24, as a workflow step would. */
export function runBundle(name: string, sandbox: Sandbox | undefined, inputs: Inputs, options: StepOptions = {}): Promise<RunResult> {
  return runActionBundle({
    action: actionYml(name),
    inputs,
    step: options.step ?? 'main',
    ...(options.state ? { state: options.state } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: stepEnvironment(sandbox, options),
  });
}

export function errors(result: RunResult): string[] {
  return result.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}
