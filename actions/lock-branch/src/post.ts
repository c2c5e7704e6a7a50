import { runLockBranch } from '@relkit/branch-lock';
import { runAction } from '@relkit/kit/action';
import { readInputs } from './inputs.js';
import { report } from './report.js';

// Runs after the job whatever happened (post-if: always()); unlocks only what main was asked to give back.
await runAction(async (ctx) => {
  if (ctx.getState('unlock-on-exit') !== 'true') return;
  ctx.log('unlock-on-exit: unlocking now that the job is over.');
  const input = readInputs(ctx);
  report(ctx, input, 'unlock', await runLockBranch({ rest: ctx.github({ token: input.token }).rest, writes: ctx.writes, log: ctx.log }, input, 'unlock', process.env));
});
