import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { confinePath, runnerTempRoot, UserError, workspaceRoot } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';
import type { RelnotesInputs } from '@relkit/relnotes';

/** Every input and path is read and checked here, before the first request and the first write. */
export function readInputs(ctx: ActionContext): RelnotesInputs & { token: string } {
  const { inputs, env } = ctx;
  const { owner, repo } = inputs.repository(env);
  const format = inputs.oneOf('format', ['markdown', 'keep-a-changelog', 'json'] as const, { default: 'markdown' });
  const date = inputs.string('date') ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UserError(`Input \`date\` is "${date}", not YYYY-MM-DD.`, 'Set `date` like 2026-07-22, or leave it empty for today.', { input: 'date' });
  const version = inputs.string('version');
  const to = inputs.string('to') ?? env.GITHUB_SHA;
  if (!to) throw new UserError('Input `to` is empty and GITHUB_SHA is not set.', 'Set `to` to the release commit, tag or branch.', { input: 'to' });
  const root = workspaceRoot(env);
  const workspace = root.path;
  const token = inputs.string('token', { required: true });
  const changelogFile = inputs.string('changelog-file');
  if (changelogFile && !version) throw new UserError('`changelog-file` needs `version` to name the section.', 'Set `version`, e.g. 4.2.0.', { input: 'version' });
  // The changelog is committed from the checkout; the notes file may also go to RUNNER_TEMP (its default).
  const changelog = changelogFile ? { given: changelogFile, real: confinePath(changelogFile, { input: 'changelog-file', roots: [root], kind: 'output' }).real } : undefined;
  const outputInput = inputs.string('output-file');
  const outputFile = outputInput
    ? confinePath(outputInput, { input: 'output-file', roots: [root, ...runnerTempRoot(env)], kind: 'output' }).real
    : join(env.RUNNER_TEMP ?? workspace, `relkit-notes-${env.GITHUB_RUN_ID ?? process.pid}.${format === 'json' ? 'json' : 'md'}`);
  const configInput = inputs.string('config');
  const localConfig = configInput ?? ['.github/release.yml', '.github/release.yaml'].find((p) => existsSync(join(workspace, p)));
  const config = localConfig ? { given: localConfig, real: confinePath(localConfig, { input: 'config', roots: [root], kind: 'file', what: 'a release.yml' }).real } : undefined;
  return {
    token,
    owner,
    repo,
    from: inputs.string('from'),
    to,
    version,
    tagPrefix: inputs.string('tag-prefix') ?? '',
    paths: inputs.list('path'),
    format,
    date,
    header: inputs.string('header'),
    footer: inputs.string('footer'),
    workspace,
    config,
    changelog,
    outputFile,
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
  };
}
