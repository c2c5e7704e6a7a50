import { runAction } from '@relkit/kit/action';
import { readInputs, runLockStep } from './adapter.js';

await runAction(async (ctx) => {
  const input = readInputs(ctx);
  if (input.unlockOnExit && input.action === 'lock') ctx.saveState('unlock-on-exit', 'true');
  await runLockStep(ctx, input, input.action);
});
