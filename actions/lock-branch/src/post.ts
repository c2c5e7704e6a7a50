import { runAction } from '@relkit/kit/action';
import { postStep } from './step.js';

await runAction(postStep);
