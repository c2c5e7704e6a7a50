export { runAction, outputValue, type ActionContext } from './run.js';
