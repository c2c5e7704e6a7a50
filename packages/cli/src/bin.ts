import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { isUserError, UserError } from '@relkit/kit';
import { parseArgs } from './args.js';
import { listActions } from './actions-dir.js';
import { runActionCommand } from './run-action-command.js';
import { SANDBOX_USAGE, sandboxServe } from './sandbox-command.js';
import { rehearseCommand } from './rehearse-command.js';
import { moveTagsCommand, packageCommand, publishActionsCommand } from './publish-commands.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

function help(): string {
  const actions = listActions();
  return [
    'relkit — release automation as composable GitHub Actions',
    '',
    'Usage:',
    '  relkit <action> [--<input> value …] [--mock] [--json] [--repo OWNER/NAME] [--workspace DIR]',
    '  relkit <action> --help',
    '  relkit sandbox serve [--port N] [--seed FILE.json|GIT_DIR] [--repo OWNER/NAME]',
    '  relkit rehearse [--scenario kata|metallb|kubernetes|gaie|kube-rs|self] [--mock] [--repo-dir DIR] [--secrets app|github-token-only]',
    '  relkit package [--out DIR] [--archives]                 each action as its own repository holds it',
    '  relkit publish-actions --version X.Y.Z [--trees DIR] [--owner relkit] [--mock]',
    '  relkit move-tags --version X.Y.Z [--repo OWNER/NAME] [--mock]',
    '',
    'Actions:',
    ...(actions.length > 0 ? actions.map((a) => `  ${a}`) : ['  (none yet)']),
    '',
    'GitHub is reached through GITHUB_API_URL / GITHUB_GRAPHQL_URL (default https://api.github.com);',
    'the token comes from --token, GITHUB_TOKEN or GH_TOKEN.',
  ].join('\n');
}

/** The actions declare `runs.using: node24`; an older Node lacks what they use (fs.glob, for one). */
function requireNode24(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24)
    throw new UserError(
      `relkit runs the actions as GitHub does, on Node.js 24 (runs.using: node24), and this is Node.js ${process.version}.`,
      'Install Node.js 24 or newer (https://nodejs.org/en/download, or `nvm install 24`) and run relkit with it.',
    );
}

/**
 * The sandbox walks whole histories (60,000 commits for Kata) and makes short-lived garbage; with
 * V8's default young generation (up to 3 × 64 MB on a 64-bit machine) that garbage alone kept
 * `sandbox serve` of a Kata-sized repository at 370 MB. With 8 MB semi-spaces it stays near 260 MB
 * and answers as fast. V8 reads the flag only at start, so these commands run in a child that
 * has it; the child inherits stdio and the parent passes signals on and exits with its code.
 */
const HEAVY_COMMANDS = new Set(['sandbox', 'rehearse']);
function runWithSmallYoungGeneration(argv: string[]): Promise<number> | undefined {
  if (!HEAVY_COMMANDS.has(argv[0] ?? '') || process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) || /--max-semi-space-size/.test(process.env.NODE_OPTIONS ?? '')) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, '--max-semi-space-size=8', process.argv[1] ?? '', ...argv], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
  });
}

async function main(argv: string[]): Promise<number> {
  requireNode24();
  const child = runWithSmallYoungGeneration(argv);
  if (child) return child;
  const { positional, flags } = parseArgs(argv);
  const [command, sub] = positional;
  if (!command || command === 'help' || (flags.has('help') && !command)) {
    print(help());
    return 0;
  }
  if (command === 'sandbox') {
    if (sub !== 'serve') {
      print(SANDBOX_USAGE);
      return 2;
    }
    await sandboxServe(flags, print);
    return 0;
  }
  if (command === 'rehearse') return rehearseCommand(flags, print);
  if (command === 'package') return packageCommand(flags, print);
  if (command === 'publish-actions') return publishActionsCommand(flags, print);
  if (command === 'move-tags') return moveTagsCommand(flags, print);
  return runActionCommand(command, flags, print);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isUserError(error)) process.stderr.write(`relkit: ${error.message}\nFix: ${error.fix}\n`);
    else process.stderr.write(`relkit: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = isUserError(error) ? 2 : 1;
  },
);
