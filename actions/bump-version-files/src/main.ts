import { runAction } from '@relkit/kit/action';
import { readInputs } from './inputs.js';
import { runBump } from './run-bump.js';

await runAction(async (ctx) => {
  await runBump(ctx, readInputs(ctx, process.env), process.env);
});
