import type { ActionContext } from '@relkit/kit/action';
import { runDraftRelease } from '@relkit/release';
import { readInputs } from './inputs.js';

export async function mainStep(ctx: ActionContext): Promise<void> {
  const { token, request } = await readInputs(ctx);
  const result = await runDraftRelease({ github: ctx.github({ token }), writes: ctx.writes, log: ctx.log }, request);
  const { moves } = result;
  const { tag } = request;

  ctx.setOutput('id', result.release.id || '');
  ctx.setOutput('url', result.release.html_url);
  ctx.setOutput('upload-url', result.release.upload_url);
  ctx.setOutput('tag', tag);
  ctx.setOutput('draft', !result.published);
  ctx.setOutput('published', result.published);
  ctx.setOutput('created', result.created);
  ctx.setOutput('tag-pushed', result.tagPushed ?? '');
  ctx.setOutput(
    'moved-branches',
    moves.map(({ branch, from, to, action }) => ({ branch, from: from ?? null, to, action })),
  );
  ctx.setOutput(
    'assets',
    result.assets.map(({ name, size, sha256, url, action }) => ({ name, size, sha256, url, action })),
  );
  if (result.bodyTruncated) ctx.warn(`The release notes were cut at GitHub's 125,000-character limit${request.notesUrl ? `; the body links to ${request.notesUrl}` : ''}.`);

  const state = result.published ? `published${result.makeLatest ? ` (make_latest: ${result.makeLatest})` : ''}` : ctx.writes.mock ? 'draft (mock: nothing changed)' : 'draft';
  ctx.summary.heading(`Release ${tag}${ctx.writes.mock ? ' (mock)' : ''}`, 2);
  ctx.summary.paragraph(
    `${result.release.html_url ? `[${result.release.name ?? tag}](${result.release.html_url})` : tag} — ${state}; ${result.created ? 'created by this run' : 'existing draft reused'}${result.deleted.length ? `; deleted drafts ${result.deleted.join(', ')}` : ''}.`,
  );
  if (result.assets.length > 0)
    ctx.summary.table(
      ['Asset', 'Size', 'sha256', 'Action'],
      result.assets.map((a) => [a.name, String(a.size), `\`${a.sha256}\``, a.action]),
    );
  if (result.tagPushed)
    ctx.summary.paragraph(`Tag \`${tag}\` ${result.tagPushed === 'created' ? (ctx.writes.mock ? 'would be pushed (mock)' : 'pushed') : 'already'} at \`${result.targetSha.slice(0, 12)}\`.`);
  if (moves.length > 0)
    ctx.summary.table(
      ['Branch', 'From', 'To', 'Action'],
      moves.map((m) => [m.branch, m.from ? `\`${m.from.slice(0, 12)}\`` : '(new)', `\`${m.to.slice(0, 12)}\``, ctx.writes.mock && m.action !== 'unchanged' ? `${m.action} (mock)` : m.action]),
    );
}
