import { runLockBranch } from '@relkit/branch-lock';
import type { ActionContext } from '@relkit/kit/action';
import { readInputs } from './inputs.js';
import { report } from './report.js';

export async function mainStep(ctx: ActionContext): Promise<void> {
  const input = readInputs(ctx);
  if (input.unlockOnExit && input.action === 'lock') ctx.saveState('unlock-on-exit', 'true');
  const result = await runLockBranch({ rest: ctx.github({ token: input.token }).rest, writes: ctx.writes, log: ctx.log }, input, input.action, ctx.env);
  report(ctx, input, input.action, result);
}

// Runs after the job whatever happened (post-if: always()); unlocks only what main was asked to give back.
export async function postStep(ctx: ActionContext): Promise<void> {
  if (ctx.getState('unlock-on-exit') !== 'true') return;
  ctx.log('unlock-on-exit: unlocking now that the job is over.');
  const input = readInputs(ctx);
  report(ctx, input, 'unlock', await runLockBranch({ rest: ctx.github({ token: input.token }).rest, writes: ctx.writes, log: ctx.log }, input, 'unlock', ctx.env));
}
