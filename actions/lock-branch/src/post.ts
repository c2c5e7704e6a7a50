import { runAction } from '@relkit/kit/action';
import { readInputs, runLockStep } from './adapter.js';

// Runs after the job whatever happened (post-if: always()); unlocks only what main was asked to give back.
await runAction(async (ctx) => {
  if (ctx.getState('unlock-on-exit') !== 'true') return;
  ctx.log('unlock-on-exit: unlocking now that the job is over.');
  await runLockStep(ctx, readInputs(ctx), 'unlock');
});
