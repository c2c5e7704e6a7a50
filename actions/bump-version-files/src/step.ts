import type { ActionContext } from '@relkit/kit/action';
import { runBumpVersionFiles, type BumpInputs, type BumpOutcome } from '@relkit/version-files';
import { readInputs } from './inputs.js';

const DIFF_LIMIT = 60_000;

function summarize(ctx: ActionContext, input: BumpInputs, outcome: BumpOutcome): void {
  const { plan, notes } = outcome;
  const { summary } = ctx;
  summary.heading(`Bump to ${plan.version.version}${plan.previous ? ` (from ${plan.previous.version})` : ''}${ctx.writes.mock ? ' (mock)' : ''}`, 2);
  for (const note of notes) summary.paragraph(`⚠️ ${note}`);
  const rows: Array<[string, string]> = [
    ['Version', `\`${plan.version.version}\`${plan.version.prerelease.length ? ' (pre-release)' : ''}`],
    ['Previous', plan.previous ? `\`${plan.previous.version}\` from ${plan.previousSource}` : `unknown${plan.previousSource ? ` (nothing in ${plan.previousSource})` : ''}`],
    ['Tag', `\`${plan.tag}\``],
    ['Files', `${plan.files.length} changed of ${plan.examined} read; ${plan.found} place(s) found`],
  ];
  if (input.include.length > 0) rows.push(['Included', input.include.map((p) => `\`${p.path}\``).join(', ')]);
  const commit = outcome.commit ?? outcome.proposal?.commit;
  if (commit)
    rows.push([
      'Commit',
      commit.status === 'planned' ? 'planned (mock)' : `\`${commit.sha?.slice(0, 12)}\` ${commit.status === 'already-present' ? '(already there: nothing new committed)' : '(signed by GitHub)'}`,
    ]);
  if (outcome.proposal) {
    const pr = outcome.proposal.pullRequest;
    rows.push(['Pull request', pr.number !== undefined ? `[#${pr.number}](${pr.url}) ${pr.status}` : `${pr.status} (mock)`]);
  }
  summary.table(['', ''], rows);
  const changes = plan.files.flatMap((f) => f.changes.map((c) => [`\`${f.path}\``, String(c.line), `\`${c.selector}\``, `\`${c.from}\` → \`${c.to}\``]));
  if (changes.length > 0) summary.table(['File', 'Line', 'Selector', 'Change'], changes.slice(0, 200));
  if (changes.length > 200) summary.paragraph(`… and ${changes.length - 200} more changes.`);
  let diff = '';
  for (const file of plan.files) {
    if (diff.length > DIFF_LIMIT) break;
    diff += file.diff;
  }
  if (diff)
    summary.details(`Diff (${plan.files.length} file${plan.files.length === 1 ? '' : 's'})`, `\`\`\`diff\n${diff.length > DIFF_LIMIT ? `${diff.slice(0, DIFF_LIMIT)}\n… (truncated)` : diff}\`\`\``);
  else summary.paragraph(`Every file already has ${plan.version.version}: nothing to change.`);
}

export async function mainStep(ctx: ActionContext): Promise<void> {
  const input = readInputs(ctx);
  const outcome = await runBumpVersionFiles({ github: (token) => ctx.github({ token }), writes: ctx.writes, log: ctx.log, warn: ctx.warn }, input, ctx.env);
  const { plan, changed } = outcome;
  const commit = outcome.commit ?? outcome.proposal?.commit;
  ctx.setOutput('version', plan.version.version);
  ctx.setOutput('previous-version', plan.previous?.version ?? '');
  ctx.setOutput('tag', plan.tag);
  ctx.setOutput('prerelease', plan.version.prerelease.length > 0);
  ctx.setOutput('changed', changed.length > 0 || commit?.status === 'committed');
  ctx.setOutput('changed-files', changed);
  ctx.setOutput('commit-sha', commit?.sha ?? '');
  ctx.setOutput('pull-request-number', outcome.proposal?.pullRequest.number ?? '');
  ctx.setOutput('pull-request-url', outcome.proposal?.pullRequest.url ?? '');
  summarize(ctx, input, outcome);
}
