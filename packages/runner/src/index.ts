export { runActionBundle, inputEnvName, inputEnvironment, type RunOptions, type RunResult } from './run-bundle.js';
export { readActionMetadata, entryPoint, type ActionMetadata, type ActionInput } from './action-metadata.js';
export { parseFileCommands, parseWorkflowCommands, type Annotation } from './file-commands.js';
