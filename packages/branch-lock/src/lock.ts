import { UserError, explainGitHubError, githubMessage as apiMessage, httpStatus as status, type GitHubRest, type WritePath } from '@relkit/kit';
import { holderLink, type Holder, type RunEnvironment } from './holder.js';
import { minimalLock, protectionGetToPut, type ProtectionPut } from './protection-shape.js';
import { cannotAdminister } from './errors.js';

export type LockMethod = 'ruleset' | 'protection';

export interface BranchLockTarget {
  rest: GitHubRest;
  writes: WritePath;
  owner: string;
  repo: string;
  branch: string;
  method: LockMethod;
  holder: Holder;
  env: RunEnvironment;
  log: (line: string) => void;
}

export interface LockOptions {
  bypassAppId?: number;
  failIfLockedByOther: boolean;
}

export type LockStatus = 'locked' | 'already-locked' | 'locked-by-other' | 'unlocked' | 'already-unlocked';

export interface LockOutcome {
  status: LockStatus;
  locked: boolean;
  /** Ruleset id, or `protection`. */
  lockId: string;
  holder: string;
  /** Protection method: the PUT-shaped protection before the lock (null: the branch was unprotected). */
  previousState?: ProtectionPut | null;
  /** Other holders seen on this branch. */
  others: string[];
  /** What was (or, in mock mode, would be) sent. */
  sent: { method: string; path: string; body?: unknown }[];
}

const RULESET_PREFIX = 'relkit-lock/';

export function rulesetName(branch: string, holder: Holder): string {
  return `${RULESET_PREFIX}${branch}: ${holder.id}`;
}

function holderOfRuleset(name: string, branch: string): string | undefined {
  const prefix = `${RULESET_PREFIX}${branch}: `;
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

const fullName = (t: BranchLockTarget) => `${t.owner}/${t.repo}`;

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] as number;
}

/** Resolves the branch to lock (the default branch when none is given) and checks it exists. */
export async function resolveBranch(rest: GitHubRest, owner: string, repo: string, branch: string | undefined): Promise<string> {
  let name = branch;
  try {
    if (!name) name = (await rest.rest.repos.get({ owner, repo })).data.default_branch;
  } catch (error) {
    if (status(error) === 404) {
      throw new UserError(`Repository ${owner}/${repo} was not found (404 ${apiMessage(error)}).`, 'Check `repository` (OWNER/NAME) and that the token can see it.', {
        input: 'repository',
        cause: error,
      });
    }
    throw explainGitHubError(error, `read ${owner}/${repo}`, 'Administration: write');
  }
  try {
    await rest.rest.repos.getBranch({ owner, repo, branch: name });
    return name;
  } catch (error) {
    if (status(error) !== 404) throw explainGitHubError(error, `read branch ${name} of ${owner}/${repo}`, 'Administration: write');
    const branches = await rest.paginate(rest.rest.repos.listBranches, { owner, repo, per_page: 100 });
    const wanted = name.toLowerCase();
    const similar = branches
      .map((b) => ({ name: b.name, distance: editDistance(b.name.toLowerCase(), wanted) }))
      .filter((b) => b.distance <= Math.max(2, Math.floor(wanted.length / 3)) || b.name.toLowerCase().includes(wanted) || wanted.includes(b.name.toLowerCase()))
      .sort((a, b) => a.distance - b.distance)
      .map((b) => b.name);
    throw new UserError(
      `Branch \`${name}\` does not exist in ${owner}/${repo}.`,
      similar.length > 0
        ? `Set \`branch\` to an existing branch, e.g. ${similar
            .slice(0, 5)
            .map((b) => `\`${b}\``)
            .join(', ')}.`
        : 'Set `branch` to an existing branch (leave it empty for the default branch).',
      { input: 'branch', cause: error },
    );
  }
}

/**
 * Reads classic protection, which also proves the token may administer the repository: only
 * admins get "Branch not protected"; everyone else gets 403 or a bare 404.
 */
async function readProtection(t: BranchLockTarget): Promise<ProtectionPut | null> {
  try {
    const { data } = await t.rest.rest.repos.getBranchProtection({ owner: t.owner, repo: t.repo, branch: t.branch });
    return protectionGetToPut(data);
  } catch (error) {
    if (status(error) === 404 && /Branch not protected/i.test(apiMessage(error))) return null;
    if (status(error) === 403 || status(error) === 404) throw cannotAdminister(fullName(t), error);
    throw error;
  }
}

async function relkitRulesets(t: BranchLockTarget): Promise<{ id: number; holder: string }[]> {
  const all = await t.rest.paginate(t.rest.rest.repos.getRepoRulesets, { owner: t.owner, repo: t.repo, per_page: 100, includes_parents: false });
  return all
    .map((r) => ({ id: r.id, holder: holderOfRuleset(r.name, t.branch) }))
    .filter((r): r is { id: number; holder: string } => r.holder !== undefined)
    .sort((a, b) => a.id - b.id);
}

function lockedByOther(t: BranchLockTarget, others: string[]): UserError {
  return new UserError(
    `Branch \`${t.branch}\` of ${fullName(t)} is already locked by ${others.map((o) => holderLink(o, t.env, fullName(t))).join(', ')}.`,
    'Wait for that release to finish (it unlocks at the end), unlock it with `action: unlock` and its `holder`, or set `fail-if-locked-by-other: false` to proceed anyway.',
    { input: 'fail-if-locked-by-other' },
  );
}

function rulesetBody(t: BranchLockTarget, options: LockOptions): Record<string, unknown> {
  return {
    name: rulesetName(t.branch, t.holder),
    target: 'branch',
    enforcement: 'active',
    conditions: { ref_name: { include: [`refs/heads/${t.branch}`], exclude: [] } },
    rules: [{ type: 'update' }, { type: 'deletion' }, { type: 'non_fast_forward' }],
    bypass_actors: options.bypassAppId !== undefined ? [{ actor_id: options.bypassAppId, actor_type: 'Integration', bypass_mode: 'always' }] : [],
  };
}

async function lockWithRuleset(t: BranchLockTarget, options: LockOptions): Promise<LockOutcome> {
  await readProtection(t);
  const existing = await relkitRulesets(t);
  const mine = existing.find((r) => r.holder === t.holder.id);
  const others = [...new Set(existing.filter((r) => r.holder !== t.holder.id).map((r) => r.holder))];
  if (mine) return { status: 'already-locked', locked: true, lockId: String(mine.id), holder: t.holder.id, others, sent: [] };
  if (others.length > 0 && options.failIfLockedByOther) throw lockedByOther(t, others);

  const body = rulesetBody(t, options);
  const path = `/repos/${fullName(t)}/rulesets`;
  let refused: unknown;
  try {
    await t.writes.perform(
      { method: 'POST', target: path, summary: `create ruleset "${String(body.name)}" locking ${t.branch}` },
      async () => (await t.rest.rest.repos.createRepoRuleset({ owner: t.owner, repo: t.repo, ...body } as never)).data.id,
      () => 0,
    );
  } catch (error) {
    if (status(error) === 403 || status(error) === 404) throw cannotAdminister(fullName(t), error);
    if (status(error) === 422 && options.bypassAppId !== undefined && /actor|bypass/i.test(apiMessage(error))) {
      throw new UserError(
        `GitHub refused app ${options.bypassAppId} as a bypass actor (${apiMessage(error)}).`,
        'Set `bypass-app-id` to the id of a GitHub App installed on this repository; the GitHub Actions app behind GITHUB_TOKEN (15368) can never bypass a ruleset.',
        { input: 'bypass-app-id', cause: error },
      );
    }
    // A create whose answer was lost and then retried meets its own ruleset: "Name must be unique".
    if (status(error) !== 422) throw error;
    refused = error;
  }
  if (t.writes.mock) return { status: 'locked', locked: true, lockId: 'mock', holder: t.holder.id, others, sent: [{ method: 'POST', path, body }] };

  // Two runs racing both create a ruleset; the older ruleset wins and the newer one withdraws.
  const after = await relkitRulesets(t);
  const ours = after.find((r) => r.holder === t.holder.id);
  if (!ours) {
    throw new UserError(
      `GitHub refused the lock ruleset "${String(body.name)}" (422 ${refused ? apiMessage(refused) : 'and it is not listed'}).`,
      'Check `holder` (it becomes part of the ruleset name) and `branch`; the job summary shows the ruleset that was sent.',
      { input: 'holder', ...(refused ? { cause: refused } : {}) },
    );
  }
  const winner = after[0] as { id: number; holder: string };
  if (options.failIfLockedByOther && winner.holder !== t.holder.id) {
    await t.writes.perform({ method: 'DELETE', target: `${path}/${ours.id}`, summary: `withdraw ruleset ${ours.id}: ${winner.holder} locked ${t.branch} first` }, () =>
      t.rest.rest.repos.deleteRepoRuleset({ owner: t.owner, repo: t.repo, ruleset_id: ours.id }),
    );
    throw lockedByOther(t, [winner.holder]);
  }
  return { status: 'locked', locked: true, lockId: String(ours.id), holder: t.holder.id, others, sent: [{ method: 'POST', path, body }] };
}

async function unlockRuleset(t: BranchLockTarget): Promise<LockOutcome> {
  await readProtection(t);
  const existing = await relkitRulesets(t);
  const mine = existing.filter((r) => r.holder === t.holder.id);
  const others = [...new Set(existing.filter((r) => r.holder !== t.holder.id).map((r) => r.holder))];
  if (mine.length === 0) {
    t.log(`${t.branch} holds no relkit lock of ${t.holder.id}: nothing to unlock.`);
    return { status: 'already-unlocked', locked: others.length > 0, lockId: '', holder: t.holder.id, others, sent: [] };
  }
  const sent: LockOutcome['sent'] = [];
  for (const ruleset of mine) {
    const path = `/repos/${fullName(t)}/rulesets/${ruleset.id}`;
    try {
      await t.writes.perform({ method: 'DELETE', target: path, summary: `delete ruleset ${ruleset.id}, unlocking ${t.branch}` }, () =>
        t.rest.rest.repos.deleteRepoRuleset({ owner: t.owner, repo: t.repo, ruleset_id: ruleset.id }),
      );
    } catch (error) {
      // Deleted already by a retried request whose first answer was lost.
      if (status(error) !== 404) throw error;
    }
    sent.push({ method: 'DELETE', path });
  }
  return { status: 'unlocked', locked: others.length > 0, lockId: String(mine[0]?.id ?? ''), holder: t.holder.id, others, sent };
}

/** The protection method keeps its lock record (holder + previous protection) in a ref beside the branch. */
export function recordRef(branch: string): string {
  return `relkit/locks/${branch}`;
}

interface LockRecord {
  holder: string;
  previous: ProtectionPut | null;
}

async function readRecord(t: BranchLockTarget): Promise<LockRecord | undefined> {
  try {
    const ref = await t.rest.rest.git.getRef({ owner: t.owner, repo: t.repo, ref: recordRef(t.branch) });
    const blob = await t.rest.rest.git.getBlob({ owner: t.owner, repo: t.repo, file_sha: ref.data.object.sha });
    return JSON.parse(Buffer.from(blob.data.content, 'base64').toString('utf8')) as LockRecord;
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

async function writeRecord(t: BranchLockTarget, record: LockRecord): Promise<void> {
  const path = `/repos/${fullName(t)}/git/refs/${recordRef(t.branch)}`;
  await t.writes.perform({ method: 'POST', target: path, summary: `record the lock of ${t.branch} and its previous protection` }, async () => {
    const blob = await t.rest.rest.git.createBlob({ owner: t.owner, repo: t.repo, content: JSON.stringify(record, null, 2), encoding: 'utf-8' });
    try {
      await t.rest.rest.git.createRef({ owner: t.owner, repo: t.repo, ref: `refs/${recordRef(t.branch)}`, sha: blob.data.sha });
    } catch (error) {
      if (status(error) !== 422) throw error;
      await t.rest.rest.git.updateRef({ owner: t.owner, repo: t.repo, ref: recordRef(t.branch), sha: blob.data.sha, force: true });
    }
  });
}

async function putProtection(t: BranchLockTarget, body: ProtectionPut, summary: string): Promise<void> {
  const path = `/repos/${fullName(t)}/branches/${t.branch}/protection`;
  await t.writes.perform({ method: 'PUT', target: path, summary }, async () => {
    try {
      await t.rest.rest.repos.updateBranchProtection({ owner: t.owner, repo: t.repo, branch: t.branch, ...body } as never);
    } catch (error) {
      if (status(error) === 403 || status(error) === 404) throw cannotAdminister(fullName(t), error);
      throw error;
    }
  });
}

async function lockWithProtection(t: BranchLockTarget, options: LockOptions): Promise<LockOutcome> {
  const current = await readProtection(t);
  const record = await readRecord(t);
  if (record && record.holder !== t.holder.id) {
    if (options.failIfLockedByOther) throw lockedByOther(t, [record.holder]);
    return { status: 'locked-by-other', locked: true, lockId: 'protection', holder: record.holder, previousState: record.previous, others: [record.holder], sent: [] };
  }
  if (!record && current?.lock_branch) {
    if (options.failIfLockedByOther) throw lockedByOther(t, ['branch protection set outside relkit (lock_branch is already on)']);
    return { status: 'locked-by-other', locked: true, lockId: 'protection', holder: 'outside relkit', previousState: current, others: ['outside relkit'], sent: [] };
  }
  const previous = record ? record.previous : current;
  // The record goes first: a run that dies after the PUT still leaves what unlock needs.
  if (!record) await writeRecord(t, { holder: t.holder.id, previous });
  const body = previous ? { ...previous, lock_branch: true } : minimalLock();
  const path = `/repos/${fullName(t)}/branches/${t.branch}/protection`;
  if (current?.lock_branch) return { status: 'already-locked', locked: true, lockId: 'protection', holder: t.holder.id, previousState: previous, others: [], sent: [] };
  await putProtection(t, body, previous ? `set lock_branch on ${t.branch}, keeping its protection` : `protect ${t.branch} with lock_branch (unprotected before)`);
  return { status: 'locked', locked: true, lockId: 'protection', holder: t.holder.id, previousState: previous, others: [], sent: [{ method: 'PUT', path, body }] };
}

async function unlockProtection(t: BranchLockTarget, options: LockOptions): Promise<LockOutcome> {
  await readProtection(t);
  const record = await readRecord(t);
  if (!record) {
    t.log(`${t.branch} holds no relkit protection lock: nothing to unlock.`);
    return { status: 'already-unlocked', locked: false, lockId: '', holder: t.holder.id, others: [], sent: [] };
  }
  if (record.holder !== t.holder.id && options.failIfLockedByOther) {
    throw new UserError(
      `The lock on \`${t.branch}\` is held by ${holderLink(record.holder, t.env, fullName(t))}, not by ${t.holder.id}.`,
      `Unlock with \`holder: ${record.holder}\`, or set \`fail-if-locked-by-other: false\` to remove it anyway.`,
      { input: 'holder' },
    );
  }
  const path = `/repos/${fullName(t)}/branches/${t.branch}/protection`;
  const sent: LockOutcome['sent'] = [];
  if (record.previous) {
    await putProtection(t, record.previous, `restore the protection ${t.branch} had before the lock`);
    sent.push({ method: 'PUT', path, body: record.previous });
  } else {
    await t.writes.perform({ method: 'DELETE', target: path, summary: `remove the protection relkit added to ${t.branch}` }, async () => {
      try {
        await t.rest.rest.repos.deleteBranchProtection({ owner: t.owner, repo: t.repo, branch: t.branch });
      } catch (error) {
        if (status(error) !== 404) throw error;
      }
    });
    sent.push({ method: 'DELETE', path });
  }
  await t.writes.perform({ method: 'DELETE', target: `/repos/${fullName(t)}/git/refs/${recordRef(t.branch)}`, summary: 'remove the lock record' }, async () => {
    try {
      await t.rest.rest.git.deleteRef({ owner: t.owner, repo: t.repo, ref: recordRef(t.branch) });
    } catch (error) {
      if (status(error) !== 422 && status(error) !== 404) throw error;
    }
  });
  return { status: 'unlocked', locked: false, lockId: 'protection', holder: record.holder, previousState: record.previous, others: [], sent };
}

export async function lockBranch(t: BranchLockTarget, options: LockOptions): Promise<LockOutcome> {
  return t.method === 'ruleset' ? lockWithRuleset(t, options) : lockWithProtection(t, options);
}

export async function unlockBranch(t: BranchLockTarget, options: LockOptions): Promise<LockOutcome> {
  return t.method === 'ruleset' ? unlockRuleset(t) : unlockProtection(t, options);
}
