import { readFile } from 'node:fs/promises';
import { confinePath, runnerTempRoot, UserError, workspaceRoot } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';
import { collectAssets, terminalRunId, type DraftReleaseRequest } from '@relkit/release';

/** Every input is read and checked here (the notes file read, the assets found), before any request. */
export async function readInputs(ctx: ActionContext): Promise<{ token: string; request: DraftReleaseRequest }> {
  const { inputs, env } = ctx;
  const { owner, repo } = inputs.repository(env);
  const repository = `${owner}/${repo}`;
  const tag = inputs.string('tag', { required: true });
  if (!/^[^\s~^:?*[\\]+$/.test(tag) || tag.endsWith('.lock') || tag.includes('..')) {
    throw new UserError(`Input \`tag\` is "${tag}", which git does not allow as a tag name.`, 'Use a tag like v1.4.0.', { input: 'tag' });
  }
  const target = inputs.string('target') ?? env.GITHUB_SHA;
  if (!target) throw new UserError('Input `target` is empty and GITHUB_SHA is not set.', 'Set `target` to the release commit.', { input: 'target' });
  const bodyFile = inputs.string('body-file');
  const workspace = workspaceRoot(env);
  // gen-relnotes leaves its notes in RUNNER_TEMP by default, so a body-file may come from there.
  const bodyPath = bodyFile
    ? confinePath(bodyFile, { input: 'body-file', roots: [workspace, ...runnerTempRoot(env)], kind: 'file', what: "the notes (e.g. gen-relnotes' `notes-file` output)" }).real
    : undefined;
  const body =
    inputs.string('body') ??
    (bodyPath
      ? await readFile(bodyPath, 'utf8').catch((error: unknown) => {
          throw new UserError(
            `Input \`body-file\`: ${bodyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
            'Give the path of the notes file (relative to the workspace).',
            { input: 'body-file' },
          );
        })
      : undefined);
  const prereleaseInput = inputs.oneOf('prerelease', ['auto', 'true', 'false'] as const, { default: 'auto' });
  const moveBranches = inputs.list('move-branches', { commas: true });
  const request: DraftReleaseRequest = {
    id: { owner, repo },
    tag,
    name: inputs.string('name') ?? tag,
    target,
    body,
    generateNotes: inputs.boolean('generate-notes', { default: false }),
    prerelease: prereleaseInput === 'auto' ? ('auto' as const) : prereleaseInput === 'true',
    makeLatest: inputs.oneOf('make-latest', ['auto', 'true', 'false', 'legacy'] as const, { default: 'auto' }),
    discussionCategory: inputs.string('discussion-category'),
    assets: await collectAssets(inputs.list('assets'), [workspace]),
    checksums: inputs.boolean('checksums', { default: true }),
    overwrite: inputs.oneOf('overwrite', ['changed', 'always', 'never'] as const, { default: 'changed' }),
    expectedAssets: inputs.list('expected-assets', { commas: true }),
    publish: inputs.boolean('publish', { default: false }),
    deleteStale: inputs.boolean('delete-stale-drafts', { default: true }),
    run: env.GITHUB_RUN_ID || terminalRunId(),
    concurrency: inputs.integer('concurrency', { default: 3, min: 1, max: 16 }),
    pushTag: inputs.boolean('push-tag', { default: false }),
    notesUrl: env.GITHUB_RUN_ID && env.GITHUB_SERVER_URL ? `${env.GITHUB_SERVER_URL}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    moveBranches,
  };
  if (moveBranches.length > 0 && !request.publish) {
    throw new UserError('`move-branches` is set but `publish` is false: branches follow published releases only.', 'Set `publish: true`, or clear `move-branches`.', { input: 'move-branches' });
  }
  return { token: inputs.string('token', { required: true }), request };
}
