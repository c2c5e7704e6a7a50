export { runAction, runStepOn, outputValue, type ActionContext, type ActionHost, type ActionStep } from './run.js';
