import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseFileCommands } from '@relkit/runner';

export interface ShellOutcome {
  exitCode: number;
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  path: string[];
  summary: string;
  log: string;
}

/** Runs a `run:` script as the runner does: bash -e -o pipefail, the file commands read afterwards. */
export async function runShell(script: string, options: { env: Record<string, string>; cwd: string; shell?: string; timeoutMs?: number }): Promise<ShellOutcome> {
  const shell = options.shell ?? 'bash';
  if (shell !== 'bash' && shell !== 'sh') throw new Error(`shell: ${shell} is not supported by the rehearsal runner (bash and sh are)`);
  const dir = mkdtempSync(join(tmpdir(), 'relkit-run-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_ENV: join(dir, 'env'), GITHUB_PATH: join(dir, 'path'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const scriptFile = join(dir, 'step.sh');
  writeFileSync(scriptFile, script);
  const args = shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile] : ['-e', scriptFile];
  const child = spawn(shell, args, { cwd: resolve(options.cwd), env: { ...options.env, ...files }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10 * 60_000);
  const exitCode = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
  clearTimeout(timer);
  const read = (file: string) => readFileSync(file, 'utf8');
  try {
    return {
      exitCode,
      outputs: parseFileCommands(read(files.GITHUB_OUTPUT)),
      exportedEnv: parseFileCommands(read(files.GITHUB_ENV)),
      path: read(files.GITHUB_PATH).split('\n').filter(Boolean),
      summary: read(files.GITHUB_STEP_SUMMARY),
      log,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
