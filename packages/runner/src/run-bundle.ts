import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryPoint, readActionMetadata, type ActionMetadata } from './action-metadata.js';
import { parseFileCommands, parseWorkflowCommands, type Annotation } from './file-commands.js';

export interface RunOptions {
  /** Path of the action's action.yml. */
  action: string;
  step?: 'pre' | 'main' | 'post';
  /** Inputs by their action.yml names; defaults from action.yml fill the rest, as the runner does. */
  inputs?: Record<string, string | number | boolean | undefined>;
  /** Extra environment (GITHUB_API_URL, GITHUB_REPOSITORY, …). */
  env?: Record<string, string | undefined>;
  /** State saved by the main step, for a post step (becomes STATE_<name>). */
  state?: Record<string, string>;
  /** Node binary; defaults to the one running this process. */
  node?: string;
  cwd?: string;
  /** Echo the action's stdout/stderr while it runs (the CLI does). */
  stream?: boolean;
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  outputs: Record<string, string>;
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  masks: string[];
  stdout: string;
  stderr: string;
  /** The runner's view of failure: a non-zero exit code. */
  failed: boolean;
}

/** `INPUT_<NAME>`: spaces become underscores and the name is upper-cased; hyphens stay. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function inputEnvironment(metadata: ActionMetadata, inputs: RunOptions['inputs'] = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, input] of Object.entries(metadata.inputs)) {
    // An expression default (`${{ github.token }}`) is the caller's to evaluate: passed on as text it
    // would reach the action as a literal token.
    if (input.default !== undefined && !String(input.default).includes('${{')) env[inputEnvName(name)] = String(input.default);
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (value !== undefined) env[inputEnvName(name)] = String(value);
  }
  return env;
}

/** Runs one step of a JavaScript action bundle as the runner would, and collects what it reported. */
export async function runActionBundle(options: RunOptions): Promise<RunResult> {
  const metadata = readActionMetadata(options.action);
  const step = options.step ?? 'main';
  const script = entryPoint(metadata, step);
  const dir = mkdtempSync(join(tmpdir(), 'relkit-step-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_ENV: join(dir, 'env'), GITHUB_PATH: join(dir, 'path') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const stateEnv = Object.fromEntries(Object.entries(options.state ?? {}).map(([k, v]) => [`STATE_${k}`, v]));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('STATE_') && !k.startsWith('GITHUB_')));
  const env: Record<string, string> = {
    ...(inherited as Record<string, string>),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: options.cwd ?? process.cwd(),
    ...files,
    ...stateEnv,
    ...inputEnvironment(metadata, options.inputs),
  };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  try {
    const { code, stdout, stderr } = await spawnNode(options.node ?? process.execPath, script, env, options.cwd ?? process.cwd(), options.stream ?? false, options.timeoutMs ?? 600_000);
    const commands = parseWorkflowCommands(stdout);
    return {
      exitCode: code,
      failed: code !== 0,
      outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
      exportedEnv: parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      annotations: commands.annotations,
      masks: commands.masks,
      stdout,
      stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnNode(node: string, script: string, env: Record<string, string>, cwd: string, stream: boolean, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      if (stream) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      if (stream) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
