import type { GitHubRest, WritePath } from '@relkit/kit';
import { resolveHolder, type Holder, type RunEnvironment } from './holder.js';
import { lockBranch, resolveBranch, unlockBranch, type LockMethod, type LockOutcome } from './lock.js';

/** What lock-branch was asked, every input already checked (actions/lock-branch/src/inputs.ts). */
export interface LockInputs {
  token: string;
  owner: string;
  repo: string;
  branch: string | undefined;
  action: 'lock' | 'unlock';
  method: LockMethod;
  bypassAppId: number | undefined;
  holder: string | undefined;
  unlockOnExit: boolean;
  failIfLockedByOther: boolean;
}

export interface LockClients {
  rest: GitHubRest;
  writes: WritePath;
  log: (line: string) => void;
}

export interface LockStepResult {
  outcome: LockOutcome;
  /** The branch locked or unlocked (the default branch when none was named). */
  branch: string;
  holder: Holder;
}

/** lock-branch's main step (`lock` or `unlock`) and its post step (`unlock`), one call each. */
export async function runLockBranch(clients: LockClients, input: LockInputs, action: 'lock' | 'unlock', env: RunEnvironment): Promise<LockStepResult> {
  const branch = await resolveBranch(clients.rest, input.owner, input.repo, input.branch);
  const holder = resolveHolder(input.holder, env);
  const target = { rest: clients.rest, writes: clients.writes, owner: input.owner, repo: input.repo, branch, method: input.method, holder, env, log: clients.log };
  const options = { failIfLockedByOther: input.failIfLockedByOther, ...(input.bypassAppId !== undefined ? { bypassAppId: input.bypassAppId } : {}) };
  const outcome = action === 'lock' ? await lockBranch(target, options) : await unlockBranch(target, options);
  return { outcome, branch, holder };
}
