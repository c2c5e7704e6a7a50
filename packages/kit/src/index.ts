export { UserError, isUserError, explainGitHubError, httpStatus, githubMessage } from './errors.js';
export { Inputs, type InputSource } from './inputs.js';
export { parseDuration, formatDuration } from './duration.js';
export { WritePath, type WriteDescription, type WriteRecord, type WriteStatus, type Logger } from './writes.js';
export { SummaryBuilder, writePlanSection, type Cell } from './summary.js';
export { createGitHubClients, isContentCreating, type GitHubClients, type GitHubClientOptions, type GitHubRest, type GitHubGraphql, type UploadRequest, type UploadAnswer } from './github-client.js';
export { runBounded } from './parallel.js';
export { confinePath, checkPattern, workspaceRoot, runnerTempRoot, type PathRoot, type PathKind, type ConfinedPath } from './paths.js';
export { escapeHtml, escapeRegex, fillPlaceholders, unknownPlaceholders } from './text.js';
