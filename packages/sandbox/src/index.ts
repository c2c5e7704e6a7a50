export { Sandbox, startSandbox, type SandboxOptions } from './server.js';
export type { ResponseRecord, RequestLogEntry } from './request-log.js';
export { SANDBOX_TOKENS, SANDBOX_APP_ID, defaultIdentities, type SeedFixture, type SeedRepo, type SeedCommit, type SeedPull, type SeedIdentity } from './seed.js';
export { type FaultRule, type FaultKind } from './faults.js';
export type { Repository, Identity, Push, Release, PullRequest, Ruleset, Protection } from './model.js';
export { GitDirSource, type ObjectSource } from './git-dir-source.js';
