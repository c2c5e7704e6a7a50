import type { LockInputs, LockOutcome, LockStepResult } from '@relkit/branch-lock';
import type { ActionContext } from '@relkit/kit/action';

const STATUS_TEXT: Record<LockOutcome['status'], string> = {
  locked: 'locked',
  'already-locked': 'already locked by this holder (nothing changed)',
  'locked-by-other': 'locked by another holder',
  unlocked: 'unlocked',
  'already-unlocked': 'was not locked by this holder (nothing changed)',
};

/** Outputs and the job summary of a lock or unlock, for the main step and the post step alike. */
export function report(ctx: ActionContext, input: LockInputs, action: 'lock' | 'unlock', { outcome, branch, holder }: LockStepResult): void {
  ctx.setOutput('locked', outcome.locked);
  ctx.setOutput('lock-id', outcome.lockId);
  ctx.setOutput('holder', outcome.holder);
  if (input.method === 'protection') ctx.setOutput('previous-state', outcome.previousState === undefined ? '' : JSON.stringify(outcome.previousState));

  const repoName = `${input.owner}/${input.repo}`;
  ctx.summary
    .heading(`${action === 'lock' ? 'Lock' : 'Unlock'} ${repoName}@${branch}${ctx.writes.mock ? ' (mock)' : ''}`, 2)
    .table(
      ['', ''],
      [
        ['Branch', `\`${branch}\``],
        ['Method', input.method],
        ['Holder', holder.url ? `[${holder.id}](${holder.url})` : holder.id],
        ['Result', STATUS_TEXT[outcome.status]],
        ['Lock id', outcome.lockId || '—'],
        ...(outcome.others.length > 0 ? [['Other holders', outcome.others.join(', ')]] : []),
      ],
    );
  for (const request of outcome.sent) {
    if (request.body !== undefined) ctx.summary.details(`${request.method} ${request.path}`, `\`\`\`json\n${JSON.stringify(request.body, null, 2)}\n\`\`\``);
  }
  ctx.summary.details(
    'Unlock by hand if everything else fails',
    input.method === 'ruleset'
      ? `Delete the ruleset named \`relkit-lock/${branch}: ${holder.id}\` under Settings → Rules → Rulesets, or:\n\n\`gh api -X DELETE repos/${repoName}/rulesets/${outcome.lockId || '<id>'}\``
      : `Restore the branch protection in Settings → Branches (the previous state is the \`previous-state\` output), then delete the lock record: \`gh api -X DELETE repos/${repoName}/git/refs/relkit/locks/${branch}\``,
  );
}
