import { runAction } from '@relkit/kit/action';
import { mainStep } from './step.js';

await runAction(mainStep);
