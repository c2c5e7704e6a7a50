export { loadWorkflow, WorkflowError, type LoadedWorkflow } from './workflow.js';
export { runWorkflow, type ActionCall, type ActionHandler, type ActionOutcome, type RunWorkflowOptions } from './run.js';
export { bundledActions } from './bundled-actions.js';
export { evaluateExpression, truthy, asString, ExpressionFailure, type StatusScope } from './expressions.js';
export { expandMatrix } from './matrix.js';
export { runShell, type ShellOutcome } from './steps.js';
export type { JobRecord, JobResult, RunRecord, StepRecord } from './records.js';
export { artifactActions } from './artifact-actions.js';
