import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readActionMetadata, runActionBundle, type ActionMetadata } from '@relkit/runner';
import { UserError } from '@relkit/kit';
import { actionsDirectory, listActions } from './actions-dir.js';

const GLOBAL_FLAGS = new Set(['json', 'repo', 'help', 'workspace']);

export function actionHelp(name: string, metadata: ActionMetadata): string {
  const lines = [`relkit ${name} — ${metadata.description ?? metadata.name}`, '', 'Inputs (flags):'];
  for (const [input, spec] of Object.entries(metadata.inputs)) {
    const extra = [spec.required ? 'required' : undefined, spec.default !== undefined && spec.default !== '' ? `default: ${spec.default}` : undefined].filter(Boolean).join(', ');
    lines.push(`  --${input}${extra ? ` (${extra})` : ''}`, `      ${(spec.description ?? '').trim().replace(/\n/g, '\n      ')}`);
  }
  lines.push('', 'Outputs:');
  for (const [output, spec] of Object.entries(metadata.outputs)) lines.push(`  ${output}: ${(spec.description ?? '').trim()}`);
  lines.push('', 'Global flags: --repo OWNER/NAME (else GITHUB_REPOSITORY), --json (print outputs as JSON), --mock.', 'The token comes from --token, else GITHUB_TOKEN or GH_TOKEN.');
  return lines.join('\n');
}

/** Runs an action's committed bundle exactly as a workflow step would, with flags as inputs. */
export async function runActionCommand(name: string, flags: Map<string, string>, print: (line: string) => void): Promise<number> {
  const known = listActions();
  if (!known.includes(name)) {
    throw new UserError(`relkit has no action or command called \`${name}\`.`, `Use one of: ${[...known, 'sandbox serve'].join(', ')} (relkit --help).`);
  }
  const actionYml = join(actionsDirectory(), name, 'action.yml');
  const metadata = readActionMetadata(actionYml);
  if (flags.has('help')) {
    print(actionHelp(name, metadata));
    return 0;
  }
  const inputs: Record<string, string> = {};
  for (const [flag, value] of flags) {
    if (GLOBAL_FLAGS.has(flag)) continue;
    if (!(flag in metadata.inputs)) {
      throw new UserError(
        `\`--${flag}\` is not an input of ${name}.`,
        `Use one of: ${Object.keys(metadata.inputs)
          .map((i) => `--${i}`)
          .join(', ')}.`,
      );
    }
    inputs[flag] = value;
  }
  const token = process.env.GITHUB_TOKEN ?? process.env.GH_TOKEN;
  if ('token' in metadata.inputs && inputs.token === undefined && token) inputs.token = token;
  const repo = flags.get('repo') ?? process.env.GITHUB_REPOSITORY;
  if (repo !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new UserError(`\`--repo ${repo}\` is not of the form OWNER/NAME.`, 'Pass --repo like `--repo metallb/metallb`.');
  if ('repository' in metadata.inputs && inputs.repository === undefined && repo) inputs.repository = repo;

  // The workspace the action reads and writes: --workspace, else GITHUB_WORKSPACE (as on a runner), else here.
  const workspace = resolve(flags.get('workspace') ?? process.env.GITHUB_WORKSPACE ?? process.cwd());
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) {
    throw new UserError(`The workspace ${workspace} is not a folder.`, 'Pass --workspace (or set GITHUB_WORKSPACE) to the folder of your checkout.');
  }
  const result = await runActionBundle({
    action: actionYml,
    inputs,
    cwd: workspace,
    env: {
      ...(repo ? { GITHUB_REPOSITORY: repo } : {}),
      ...(process.env.GITHUB_API_URL ? { GITHUB_API_URL: process.env.GITHUB_API_URL } : {}),
      ...(process.env.GITHUB_GRAPHQL_URL ? { GITHUB_GRAPHQL_URL: process.env.GITHUB_GRAPHQL_URL } : {}),
    },
    stream: !flags.has('json'),
  });
  if (flags.has('json')) {
    print(JSON.stringify({ exitCode: result.exitCode, outputs: result.outputs, annotations: result.annotations }, null, 2));
  } else {
    print('');
    print(result.failed ? `${name} failed (exit ${result.exitCode}).` : `${name} finished.`);
    for (const [key, value] of Object.entries(result.outputs)) print(`  ${key}: ${value}`);
  }
  return result.exitCode;
}
