export { runActionBundle, inputEnvName, inputEnvironment, type RunOptions, type RunResult } from './run-bundle.js';
export { readActionMetadata, type ActionMetadata, type ActionInput } from './action-metadata.js';
export { parseFileCommands, type Annotation } from './file-commands.js';
