import { lockBranch, resolveBranch, resolveHolder, unlockBranch, type LockOutcome } from '@relkit/branch-lock';
import { UserError } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';

export interface LockInputs {
  token: string;
  owner: string;
  repo: string;
  branch: string | undefined;
  action: 'lock' | 'unlock';
  method: 'ruleset' | 'protection';
  bypassAppId: number | undefined;
  holder: string | undefined;
  unlockOnExit: boolean;
  failIfLockedByOther: boolean;
}

/** Every input is read and checked here, before anything is sent. */
export function readInputs(ctx: ActionContext): LockInputs {
  const { inputs } = ctx;
  const { owner, repo } = inputs.repository(process.env)!;
  return {
    token: inputs.string('token', { required: true }),
    owner,
    repo,
    branch: inputs.string('branch'),
    action: inputs.oneOf('action', ['lock', 'unlock'] as const, { default: 'lock' }),
    method: inputs.oneOf('method', ['ruleset', 'protection'] as const, { default: 'ruleset' }),
    bypassAppId: inputs.integer('bypass-app-id', { min: 1 }),
    holder: inputs.string('holder'),
    unlockOnExit: inputs.boolean('unlock-on-exit', { default: false }),
    failIfLockedByOther: inputs.boolean('fail-if-locked-by-other', { default: true }),
  };
}

const STATUS_TEXT: Record<LockOutcome['status'], string> = {
  locked: 'locked',
  'already-locked': 'already locked by this holder (nothing changed)',
  'locked-by-other': 'locked by another holder',
  unlocked: 'unlocked',
  'already-unlocked': 'was not locked by this holder (nothing changed)',
};

export async function runLockStep(ctx: ActionContext, input: LockInputs, action: 'lock' | 'unlock'): Promise<LockOutcome> {
  if (input.method === 'protection' && input.bypassAppId !== undefined) {
    throw new UserError('`bypass-app-id` only works with `method: ruleset`.', 'Remove `bypass-app-id`, or use `method: ruleset`.', { input: 'bypass-app-id' });
  }
  const { rest } = ctx.github({ token: input.token });
  const branch = await resolveBranch(rest, input.owner, input.repo, input.branch);
  const holder = resolveHolder(input.holder, process.env);
  const target = { rest, writes: ctx.writes, owner: input.owner, repo: input.repo, branch, method: input.method, holder, env: process.env, log: ctx.log };
  const options = { failIfLockedByOther: input.failIfLockedByOther, ...(input.bypassAppId !== undefined ? { bypassAppId: input.bypassAppId } : {}) };
  const outcome = action === 'lock' ? await lockBranch(target, options) : await unlockBranch(target, options);

  ctx.setOutput('locked', outcome.locked);
  ctx.setOutput('lock-id', outcome.lockId);
  ctx.setOutput('holder', outcome.holder);
  if (input.method === 'protection') ctx.setOutput('previous-state', outcome.previousState === undefined ? '' : JSON.stringify(outcome.previousState));

  const repoName = `${input.owner}/${input.repo}`;
  ctx.summary.heading(`${action === 'lock' ? 'Lock' : 'Unlock'} ${repoName}@${branch}${ctx.writes.mock ? ' (mock)' : ''}`, 2).table(
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
  return outcome;
}
