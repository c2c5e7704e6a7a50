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

/**
 * Runs a `run:` script as the runner does, the file commands read afterwards. Without `shell:` a
 * Linux runner uses `bash -e {0}` (no pipefail); `shell: bash` is `bash --noprofile --norc -eo
 * pipefail {0}`; `shell: sh` is `sh -e {0}`.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#exit-codes-and-error-action-preference
 */
export async function runShell(script: string, options: { env: Record<string, string>; cwd: string; shell?: string; timeoutMs?: number }): Promise<ShellOutcome> {
  const shell = options.shell ?? 'bash';
  if (shell !== 'bash' && shell !== 'sh') throw new Error(`shell: ${shell} is not supported by the rehearsal runner (bash and sh are)`);
  const dir = mkdtempSync(join(tmpdir(), 'relkit-run-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_ENV: join(dir, 'env'), GITHUB_PATH: join(dir, 'path'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const scriptFile = join(dir, 'step.sh');
  writeFileSync(scriptFile, script);
  const args = options.shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile] : ['-e', scriptFile];
  // Its own process group, so a stop at the job's time limit ends the commands the script started too.
  const child = spawn(shell, args, { cwd: resolve(options.cwd), env: { ...options.env, ...files }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const timer = setTimeout(
    () => {
      try {
        if (child.pid === undefined) throw new Error('never started');
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    },
    options.timeoutMs ?? 10 * 60_000,
  );
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
