import type { LockInputs } from '@relkit/branch-lock';
import { UserError } from '@relkit/kit';
import type { ActionContext } from '@relkit/kit/action';

export type { LockInputs };

/** Every input is read and checked here, before anything is sent. */
export function readInputs(ctx: ActionContext): LockInputs {
  const { inputs } = ctx;
  const { owner, repo } = inputs.repository(ctx.env);
  const input: LockInputs = {
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
  if (input.method === 'protection' && input.bypassAppId !== undefined) {
    throw new UserError('`bypass-app-id` only works with `method: ruleset`.', 'Remove `bypass-app-id`, or use `method: ruleset`.', { input: 'bypass-app-id' });
  }
  return input;
}
