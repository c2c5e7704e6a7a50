import { readFile } from 'node:fs/promises';
import { confinePath, runnerTempRoot, UserError, workspaceRoot } from '@relkit/kit';
import { runAction } from '@relkit/kit/action';
import { checkBranchesToMove, collectAssets, moveBranches, runDraftRelease, terminalRunId } from '@relkit/release';

await runAction(async (ctx) => {
  const { inputs } = ctx;
  const { owner, repo } = inputs.repository(process.env)!;
  const repository = `${owner}/${repo}`;
  const tag = inputs.string('tag', { required: true });
  if (!/^[^\s~^:?*[\\]+$/.test(tag) || tag.endsWith('.lock') || tag.includes('..')) {
    throw new UserError(`Input \`tag\` is "${tag}", which git does not allow as a tag name.`, 'Use a tag like v1.4.0.', { input: 'tag' });
  }
  const target = inputs.string('target') ?? process.env.GITHUB_SHA;
  if (!target) throw new UserError('Input `target` is empty and GITHUB_SHA is not set.', 'Set `target` to the release commit.', { input: 'target' });
  const bodyFile = inputs.string('body-file');
  const workspace = workspaceRoot(process.env);
  // gen-relnotes leaves its notes in RUNNER_TEMP by default, so a body-file may come from there.
  const bodyPath = bodyFile ? confinePath(bodyFile, { input: 'body-file', roots: [workspace, ...runnerTempRoot(process.env)], kind: 'file', what: 'the notes (e.g. gen-relnotes\' `notes-file` output)' }).real : undefined;
  const body =
    inputs.string('body') ??
    (bodyPath
      ? await readFile(bodyPath, 'utf8').catch((error: unknown) => {
          throw new UserError(`Input \`body-file\`: ${bodyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Give the path of the notes file (relative to the workspace).', { input: 'body-file' });
        })
      : undefined);
  const prereleaseInput = inputs.oneOf('prerelease', ['auto', 'true', 'false'] as const, { default: 'auto' });
  const request = {
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
    run: process.env.GITHUB_RUN_ID || terminalRunId(),
    concurrency: inputs.integer('concurrency', { default: 3, min: 1, max: 16 }),
    pushTag: inputs.boolean('push-tag', { default: false }),
    notesUrl: process.env.GITHUB_RUN_ID && process.env.GITHUB_SERVER_URL ? `${process.env.GITHUB_SERVER_URL}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined,
  };
  const branchesToMove = inputs.list('move-branches', { commas: true });
  if (branchesToMove.length > 0 && !request.publish) {
    throw new UserError('`move-branches` is set but `publish` is false: branches follow published releases only.', 'Set `publish: true`, or clear `move-branches`.', { input: 'move-branches' });
  }
  const github = ctx.github({ token: inputs.string('token', { required: true }) });
  if (branchesToMove.length > 0) checkBranchesToMove(branchesToMove, (await github.rest.rest.repos.get({ owner, repo })).data.default_branch);
  const result = await runDraftRelease({ github, writes: ctx.writes, log: ctx.log }, request);
  // In mock mode nothing was published, but the moves a real run would make are still listed.
  const moves = branchesToMove.length > 0 && (result.published || ctx.writes.mock) ? await moveBranches({ github, writes: ctx.writes, log: ctx.log }, { owner, repo }, branchesToMove, result.targetSha) : [];

  ctx.setOutput('id', result.release.id || '');
  ctx.setOutput('url', result.release.html_url);
  ctx.setOutput('upload-url', result.release.upload_url);
  ctx.setOutput('tag', tag);
  ctx.setOutput('draft', !result.published);
  ctx.setOutput('published', result.published);
  ctx.setOutput('created', result.created);
  ctx.setOutput('tag-pushed', result.tagPushed ?? '');
  ctx.setOutput('moved-branches', moves.map(({ branch, from, to, action }) => ({ branch, from: from ?? null, to, action })));
  ctx.setOutput('assets', result.assets.map(({ name, size, sha256, url, action }) => ({ name, size, sha256, url, action })));
  if (result.bodyTruncated) ctx.warn(`The release notes were cut at GitHub's 125,000-character limit${request.notesUrl ? `; the body links to ${request.notesUrl}` : ''}.`);

  const state = result.published ? `published${result.makeLatest ? ` (make_latest: ${result.makeLatest})` : ''}` : ctx.writes.mock ? 'draft (mock: nothing changed)' : 'draft';
  ctx.summary.heading(`Release ${tag}${ctx.writes.mock ? ' (mock)' : ''}`, 2);
  ctx.summary.paragraph(`${result.release.html_url ? `[${result.release.name ?? tag}](${result.release.html_url})` : tag} — ${state}; ${result.created ? 'created by this run' : 'existing draft reused'}${result.deleted.length ? `; deleted drafts ${result.deleted.join(', ')}` : ''}.`);
  if (result.assets.length > 0) ctx.summary.table(['Asset', 'Size', 'sha256', 'Action'], result.assets.map((a) => [a.name, String(a.size), `\`${a.sha256}\``, a.action]));
  if (result.tagPushed) ctx.summary.paragraph(`Tag \`${tag}\` ${result.tagPushed === 'created' ? (ctx.writes.mock ? 'would be pushed (mock)' : 'pushed') : 'already'} at \`${result.targetSha.slice(0, 12)}\`.`);
  if (moves.length > 0) ctx.summary.table(['Branch', 'From', 'To', 'Action'], moves.map((m) => [m.branch, m.from ? `\`${m.from.slice(0, 12)}\`` : '(new)', `\`${m.to.slice(0, 12)}\``, ctx.writes.mock && m.action !== 'unchanged' ? `${m.action} (mock)` : m.action]));
});
