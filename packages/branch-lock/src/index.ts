export { lockBranch, unlockBranch, resolveBranch, rulesetName, recordRef, type BranchLockTarget, type LockOptions, type LockOutcome, type LockMethod, type LockStatus } from './lock.js';
export { resolveHolder, holderLink, type Holder, type RunEnvironment } from './holder.js';
export { protectionGetToPut, minimalLock, type ProtectionPut } from './protection-shape.js';
export { runLockBranch, type LockInputs, type LockClients, type LockStepResult } from './run.js';
