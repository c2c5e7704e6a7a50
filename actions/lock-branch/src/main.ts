import { runLockBranch } from '@relkit/branch-lock';
import { runAction } from '@relkit/kit/action';
import { readInputs } from './inputs.js';
import { report } from './report.js';

await runAction(async (ctx) => {
  const input = readInputs(ctx);
  if (input.unlockOnExit && input.action === 'lock') ctx.saveState('unlock-on-exit', 'true');
  const result = await runLockBranch({ rest: ctx.github({ token: input.token }).rest, writes: ctx.writes, log: ctx.log }, input, input.action, process.env);
  report(ctx, input, input.action, result);
});
