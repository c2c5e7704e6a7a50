import { realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { confinePath, UserError, workspaceRoot } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';
import { BUMPS, checkPresetNames, parseSpec, parseSpecLine, type BumpInputs } from '@relkit/version-files';

export type { BumpInputs };

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Every input is read and checked here, before any file is read or request sent. */
export function readInputs(ctx: ActionContext): BumpInputs {
  const { inputs, env } = ctx;
  const version = inputs.string('version');
  const bump = inputs.oneOf('bump', BUMPS);
  if (version !== undefined && bump !== undefined) {
    throw new UserError('Both `version` and `bump` are set.', 'Set only one: `version` for an exact version, `bump` to derive it from the current one.', { input: 'bump' });
  }
  const preid = inputs.string('preid');
  if (preid !== undefined && !/^[0-9A-Za-z-]+$/.test(preid)) {
    throw new UserError(`Input \`preid\` is "${preid}", which is not a pre-release identifier.`, 'Use letters, digits and hyphens, e.g. `rc` or `beta`.', { input: 'preid' });
  }

  const rawFrom = inputs.string('current-version-from');
  let currentFrom: BumpInputs['currentFrom'] = { kind: 'files' };
  if (rawFrom === 'tag' || rawFrom === 'none') currentFrom = { kind: rawFrom };
  else if (rawFrom !== undefined) {
    const entry = parseSpecLine(rawFrom, 'current-version-from');
    if (!entry)
      throw new UserError(`Input \`current-version-from\` is "${rawFrom}", a comment rather than a file.`, 'Set it to `tag`, `none` or one `files` line, e.g. `VERSION`.', {
        input: 'current-version-from',
      });
    currentFrom = { kind: 'spec', entries: [entry], label: rawFrom };
  }

  const files = parseSpec(inputs.raw('files') ?? '');
  const presets = inputs.list('preset', { commas: true });
  checkPresetNames(presets);
  if (files.length === 0 && presets.length === 0) {
    throw new UserError('Neither `files` nor `preset` says which files to change.', 'List the files in `files` (e.g. `VERSION` and `deploy/Chart.yaml: version, appVersion`) or pick a `preset`.', {
      input: 'files',
    });
  }

  const date = inputs.string('date') ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new UserError(`Input \`date\` is "${date}", not a YYYY-MM-DD date.`, 'Set `date` like 2026-07-22, or leave it empty for today.', { input: 'date' });
  }

  const workspace = workspaceRoot(env);
  const repoRoot = realpathSync(workspace.path);
  const root = confinePath(inputs.string('working-directory', { default: '.' }), { input: 'working-directory', roots: [workspace], kind: 'directory' }).real;

  const commit = inputs.oneOf('commit', ['none', 'branch', 'pull-request'] as const, { default: 'none' });
  const { owner, repo } = inputs.repository(env, { required: commit !== 'none' || currentFrom.kind === 'tag' }) ?? { owner: '', repo: '' };
  const token = inputs.string('token');
  if ((commit !== 'none' || currentFrom.kind === 'tag') && token === undefined) {
    throw new UserError(
      `\`${commit !== 'none' ? `commit: ${commit}` : 'current-version-from: tag'}\` needs a token, and \`token\` is empty.`,
      'Pass `token: ${{ github.token }}` (or an App token) with contents and pull-requests write.',
      { input: 'token' },
    );
  }
  const expectedHead = inputs.string('expected-head-sha');
  if (expectedHead !== undefined && !/^[0-9a-f]{40}$/.test(expectedHead)) {
    throw new UserError(`Input \`expected-head-sha\` is "${expectedHead}", not a full commit SHA.`, 'Give the 40-character SHA of the commit the checkout is at, or leave it empty.', {
      input: 'expected-head-sha',
    });
  }
  // A symlink in the checkout must not carry a file from elsewhere (the runner's environment, /etc) into the commit.
  const include = inputs.list('include-files', { commas: true }).map((path) => ({
    path: relative(workspace.path, resolve(workspace.path, path)).split(sep).join('/'),
    real: confinePath(path, { input: 'include-files', roots: [workspace], kind: 'file', what: 'the file (e.g. the `changelog-file` of gen-relnotes)' }).real,
  }));
  if (include.length > 0 && commit === 'none') {
    throw new UserError('`include-files` is set but `commit` is none, so nothing would commit them.', 'Set `commit: branch` or `commit: pull-request`, or clear `include-files`.', {
      input: 'include-files',
    });
  }
  const refBranch = env.GITHUB_REF?.startsWith('refs/heads/') ? env.GITHUB_REF.slice('refs/heads/'.length) : undefined;

  return {
    version,
    bump,
    preid,
    currentFrom,
    tagPrefix: inputs.raw('tag-prefix') === undefined ? '' : (inputs.string('tag-prefix') ?? ''),
    files,
    presets,
    date,
    allowDowngrade: inputs.boolean('allow-downgrade', { default: false }),
    repoRoot,
    root,
    commit,
    branch: inputs.string('branch') ?? refBranch,
    base: inputs.string('base') ?? refBranch,
    prBranch: inputs.string('pr-branch', { default: 'relkit/bump-{version}' }),
    commitMessage: inputs.string('commit-message', { default: 'Bump version to {version}' }),
    prTitle: inputs.string('pr-title'),
    prBody: inputs.string('pr-body'),
    labels: inputs.list('labels', { commas: true }),
    expectedHead,
    include,
    token,
    owner,
    repo,
  };
}
