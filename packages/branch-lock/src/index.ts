export { lockBranch, type BranchLockTarget, type LockOptions, type LockOutcome, type LockMethod, type LockStatus } from './lock.js';
export { type Holder, type RunEnvironment } from './holder.js';
export { type ProtectionPut } from './protection-shape.js';
export { runLockBranch, type LockInputs, type LockClients, type LockStepResult } from './run.js';
