import { describe, expect, it, beforeEach } from 'vitest';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { errors, runAction } from '../helpers/action.js';
import { SANDBOX_APP_ID } from '@relkit/sandbox';

const env = useSandbox({ repos: basicRepo() });
const repo = { owner: 'acme', repo: 'app' };
const lock = (inputs: Record<string, string | number | boolean | undefined>, runId = '1001', extra: Record<string, string> = {}) =>
  runAction('lock-branch', env.sandbox, { token: SANDBOX_TOKENS.app, ...inputs }, { env: { GITHUB_RUN_ID: runId, ...extra } });

async function relkitRulesets(): Promise<string[]> {
  const { data } = await env.client().rest.rest.repos.getRepoRulesets(repo);
  return data.map((r) => r.name).filter((n) => n.startsWith('relkit-lock/'));
}

/** Tries to move main one commit forward as `token`; returns the HTTP status. */
async function push(token: string): Promise<number> {
  const admin = env.client().rest;
  const head = (await admin.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
  const tree = (await admin.rest.git.getCommit({ ...repo, commit_sha: head })).data.tree.sha;
  const next = await admin.rest.git.createCommit({ ...repo, message: `push by ${token}`, tree, parents: [head] });
  try {
    await env.client(token).rest.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: next.data.sha });
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

beforeEach(async () => {
  env.sandbox.faults.clear();
  const rest = env.client().rest;
  for (const r of (await rest.rest.repos.getRepoRulesets(repo)).data) await rest.rest.repos.deleteRepoRuleset({ ...repo, ruleset_id: r.id });
  await rest.rest.repos.deleteBranchProtection({ ...repo, branch: 'main' }).catch(() => undefined);
  await rest.rest.git.deleteRef({ ...repo, ref: 'relkit/locks/main' }).catch(() => undefined);
});

describe('lock-branch, ruleset method', () => {
  it('locks main against pushes, lets the bypass App push, and unlocks', async () => {
    const locked = await lock({ 'bypass-app-id': SANDBOX_APP_ID });
    expect(errors(locked)).toEqual([]);
    expect(locked.outputs).toMatchObject({ locked: 'true', holder: 'run 1001' });
    expect(await relkitRulesets()).toEqual(['relkit-lock/main: run 1001']);
    expect(locked.summary).toContain('| Result | locked |');
    expect(await push(SANDBOX_TOKENS.admin)).toBe(422);
    expect(await push(SANDBOX_TOKENS.app)).toBe(200);

    const unlocked = await lock({ action: 'unlock' });
    expect(unlocked.outputs).toMatchObject({ locked: 'false', 'lock-id': locked.outputs['lock-id'] });
    expect(await relkitRulesets()).toEqual([]);
    expect(await push(SANDBOX_TOKENS.admin)).toBe(200);
    const again = await lock({ action: 'unlock' });
    expect(again.exitCode).toBe(0);
    expect(again.summary).toContain('was not locked by this holder');
  });

  it('is re-run safe: a second attempt of the same run keeps the one ruleset', async () => {
    const first = await lock({});
    const second = await lock({}, '1001', { GITHUB_RUN_ATTEMPT: '2' });
    expect(second.outputs['lock-id']).toBe(first.outputs['lock-id']);
    expect(second.summary).toContain('already locked by this holder');
    expect(await relkitRulesets()).toEqual(['relkit-lock/main: run 1001']);
  });

  it('refuses a lock held by another run, naming that run, unless told to proceed', async () => {
    await lock({});
    const other = await lock({}, '2002');
    expect(other.exitCode).toBe(1);
    expect(errors(other)[0]).toMatch(/already locked by run 1001 \(http:\/\/127\.0\.0\.1:\d+\/_html\/acme\/app\/actions\/runs\/1001\)/);
    expect(errors(other)[0]).toMatch(/Fix: Wait for that release to finish/);
    expect(await relkitRulesets()).toEqual(['relkit-lock/main: run 1001']);
    const forced = await lock({ 'fail-if-locked-by-other': 'false' }, '2002');
    expect(forced.exitCode).toBe(0);
    expect((await relkitRulesets()).sort()).toEqual(['relkit-lock/main: run 1001', 'relkit-lock/main: run 2002']);
  });

  it('lets exactly one of three concurrent runs hold the lock', async () => {
    const results = await Promise.all([lock({}, '3001'), lock({}, '3002'), lock({}, '3003')]);
    expect(results.filter((r) => r.exitCode === 0)).toHaveLength(1);
    const names = await relkitRulesets();
    expect(names).toHaveLength(1);
    const winner = results.find((r) => r.exitCode === 0)!;
    expect(names[0]).toBe(`relkit-lock/main: ${winner.outputs.holder}`);
  });

  it('explains that GITHUB_TOKEN cannot lock, before writing anything', async () => {
    const result = await lock({ token: SANDBOX_TOKENS.githubToken });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toMatch(/This token cannot administer branches of acme\/app/);
    expect(errors(result)[0]).toMatch(/GITHUB_TOKEN never has Administration permission; use a GitHub App token \(actions\/create-github-app-token\)/);
    expect(result.stdout).not.toMatch(/\n\s+at /);
    expect(await relkitRulesets()).toEqual([]);
  });

  it('explains a token GitHub rejects, and a ruleset GitHub refuses for another reason', async () => {
    const badToken = await lock({ token: 'not-a-token' });
    expect(errors(badToken)[0]).toMatch(/^GitHub rejected the token while trying to read acme\/app \(401 Bad credentials\)\.\nFix: Pass a valid/);
    env.sandbox.addFault({ method: 'POST', path: '/rulesets', kind: 'status', status: 422, message: 'Validation Failed: name is too long', times: 5 });
    const refused = await lock({});
    expect(errors(refused)[0]).toMatch(/^GitHub refused the lock ruleset "relkit-lock\/main: run 1001" \(422 Validation Failed: name is too long\)\.\nFix: Check `holder`/);
    expect(refused.stdout).not.toMatch(/\n\s+at /);
    expect(await relkitRulesets()).toEqual([]);
  });

  it('explains a bypass actor GitHub refuses', async () => {
    const result = await lock({ 'bypass-app-id': 15368 });
    expect(errors(result)[0]).toMatch(/GitHub refused app 15368 as a bypass actor/);
    expect(errors(result)[0]).toMatch(/GITHUB_TOKEN \(15368\) can never bypass a ruleset/);
  });

  it('validates inputs before the first request and names them', async () => {
    env.sandbox.log.length = 0;
    const bad = await lock({ method: 'branch-protection' });
    expect(errors(bad)[0]).toBe('Input `method` has the value "branch-protection", which is not valid.\nFix: Set `method` to one of `ruleset`, `protection`.');
    const badBool = await lock({ 'unlock-on-exit': 'yes' });
    expect(errors(badBool)[0]).toMatch(/Input `unlock-on-exit`/);
    expect(env.sandbox.log).toHaveLength(0);
    const missing = await lock({ branch: 'mian' });
    expect(errors(missing)[0]).toMatch(/Branch `mian` does not exist in acme\/app\.\nFix: Set `branch` to an existing branch, e.g. `main`/);
  });

  it('in mock mode reads, checks the token and plans the ruleset without sending it', async () => {
    const result = await lock({ mock: 'true', 'bypass-app-id': SANDBOX_APP_ID });
    expect(result.exitCode).toBe(0);
    expect(await relkitRulesets()).toEqual([]);
    expect(result.summary).toContain('Planned writes (mock mode: nothing was sent)');
    expect(result.summary).toContain('POST | `/repos/acme/app/rulesets`');
    expect(result.summary).toContain('"actor_id": 1001');
    const denied = await lock({ mock: 'true', token: SANDBOX_TOKENS.githubToken });
    expect(errors(denied)[0]).toMatch(/cannot administer branches/);
  });

  it('unlocks in the post step after the job, when unlock-on-exit is set', async () => {
    const main = await lock({ 'unlock-on-exit': 'true' });
    expect(main.state).toEqual({ 'unlock-on-exit': 'true' });
    expect(await relkitRulesets()).toHaveLength(1);
    const post = await runAction('lock-branch', env.sandbox, { token: SANDBOX_TOKENS.app, 'unlock-on-exit': 'true' }, { step: 'post', state: main.state });
    expect(post.exitCode).toBe(0);
    expect(await relkitRulesets()).toEqual([]);
    const noState = await runAction('lock-branch', env.sandbox, { token: SANDBOX_TOKENS.app }, { step: 'post', state: {} });
    expect(noState.exitCode).toBe(0);
  });

  it("runs the post step after a failed main step without touching another holder's lock", async () => {
    await lock({}, '4001');
    const main = await lock({ 'unlock-on-exit': 'true' }, '4002');
    expect(main.exitCode).toBe(1);
    const post = await runAction('lock-branch', env.sandbox, { token: SANDBOX_TOKENS.app, 'unlock-on-exit': 'true' }, { step: 'post', state: main.state, env: { GITHUB_RUN_ID: '4002' } });
    expect(post.exitCode).toBe(0);
    expect(post.summary).toContain('was not locked by this holder');
    expect(await relkitRulesets()).toEqual(['relkit-lock/main: run 4001']);
  });
});

describe('lock-branch under faults', () => {
  // Every call lock and unlock make: repository, branch, protection read, ruleset list, create, delete.
  const calls: [string, string][] = [
    ['GET', '/repos/acme/app'],
    ['GET', '/branches/main'],
    ['GET', '/protection'],
    ['GET', '/rulesets'],
    ['POST', '/rulesets'],
    ['DELETE', '/rulesets/'],
  ];
  for (const kind of ['status', 'reset'] as const) {
    it(`succeeds through a ${kind === 'status' ? '502' : 'connection reset'} at each lock and unlock call, leaving exactly one ruleset then none`, async () => {
      for (const [method, p] of calls) {
        env.sandbox.faults.clear();
        env.sandbox.addFault({ method, path: p, kind, status: 502 });
        const locked = await lock({});
        expect(errors(locked), `${kind} on ${method} ${p}`).toEqual([]);
        expect(await relkitRulesets()).toEqual(['relkit-lock/main: run 1001']);
        const unlocked = await lock({ action: 'unlock' });
        expect(errors(unlocked)).toEqual([]);
        expect(await relkitRulesets()).toEqual([]);
        expect(env.sandbox.faults.list()[0]?.fired, `${kind} on ${method} ${p} fired`).toBe(1);
      }
    });
  }

  it('waits out a 429 with retry-after', async () => {
    env.sandbox.addFault({ method: 'POST', path: '/rulesets', kind: 'status', status: 429, retryAfter: 1 });
    const locked = await lock({});
    expect(errors(locked)).toEqual([]);
    expect(await relkitRulesets()).toHaveLength(1);
  });

  it('when a run fails for good, a re-run completes the lock with no duplicate', async () => {
    env.sandbox.addFault({ method: 'POST', path: '/rulesets', kind: 'status', status: 500, times: 10 });
    const failed = await lock({});
    expect(failed.exitCode).toBe(1);
    expect(await relkitRulesets()).toEqual([]);
    env.sandbox.faults.clear();
    // The create reached GitHub but its answer was lost: the retry meets "Name must be unique".
    env.sandbox.addFault({ method: 'POST', path: '/rulesets', kind: 'reset', nth: 2 });
    const rerun = await lock({}, '1001', { GITHUB_RUN_ATTEMPT: '2' });
    expect(errors(rerun)).toEqual([]);
    expect(await relkitRulesets()).toEqual(['relkit-lock/main: run 1001']);
  });
});

describe('lock-branch, protection method', () => {
  const shapes: Record<string, Record<string, unknown>> = {
    'the @octokit/fixtures maximal protection': {
      required_status_checks: { strict: true, contexts: ['foo/bar'] },
      required_pull_request_reviews: { dismissal_restrictions: { users: ['alice'], teams: [] }, dismiss_stale_reviews: true, require_code_owner_reviews: false },
      restrictions: { users: ['alice'], teams: ['a-team'] },
      enforce_admins: true,
    },
    'the @octokit/fixtures minimal protection': { required_status_checks: null, required_pull_request_reviews: null, restrictions: null, enforce_admins: false },
    'checks with app ids, linear history, conversation resolution': {
      required_status_checks: {
        strict: false,
        checks: [
          { context: 'ci/build', app_id: 15368 },
          { context: 'dco', app_id: null },
        ],
      },
      required_pull_request_reviews: { required_approving_review_count: 2, require_last_push_approval: true, bypass_pull_request_allowances: { users: ['bob'], teams: [] } },
      restrictions: null,
      enforce_admins: false,
      required_linear_history: true,
      required_conversation_resolution: true,
      allow_fork_syncing: true,
      block_creations: true,
    },
  };

  for (const [name, protection] of Object.entries(shapes)) {
    it(`round-trips ${name} byte for byte`, async () => {
      const rest = env.client().rest;
      await rest.rest.repos.updateBranchProtection({ ...repo, branch: 'main', ...protection } as never);
      const before = await fetch(`${env.sandbox.urls.api}/repos/acme/app/branches/main/protection`, { headers: { authorization: `token ${SANDBOX_TOKENS.admin}` } }).then((r) => r.text());
      const locked = await lock({ method: 'protection' });
      expect(errors(locked)).toEqual([]);
      expect((await rest.rest.repos.getBranchProtection({ ...repo, branch: 'main' })).data.lock_branch?.enabled).toBe(true);
      expect(JSON.parse(locked.outputs['previous-state']!)).toMatchObject({ lock_branch: false });
      const unlocked = await lock({ method: 'protection', action: 'unlock' });
      expect(errors(unlocked)).toEqual([]);
      const after = await fetch(`${env.sandbox.urls.api}/repos/acme/app/branches/main/protection`, { headers: { authorization: `token ${SANDBOX_TOKENS.admin}` } }).then((r) => r.text());
      expect(after).toBe(before);
    });
  }

  it('gives an unprotected branch a minimal lock and removes it again', async () => {
    const locked = await lock({ method: 'protection' });
    expect(locked.outputs['previous-state']).toBe('null');
    expect(await push(SANDBOX_TOKENS.admin)).toBe(422);
    const relock = await lock({ method: 'protection' }, '1001', { GITHUB_RUN_ATTEMPT: '3' });
    expect(relock.summary).toContain('already locked by this holder');
    await lock({ method: 'protection', action: 'unlock' });
    const status = await env
      .client()
      .rest.rest.repos.getBranchProtection({ ...repo, branch: 'main' })
      .then(
        () => 200,
        (e: { status: number }) => e.status,
      );
    expect(status).toBe(404);
    expect(await push(SANDBOX_TOKENS.admin)).toBe(200);
  });

  it('keeps the original protection when the lock PUT fails for good, and a re-run finishes it', async () => {
    const rest = env.client().rest;
    await rest.rest.repos.updateBranchProtection({ ...repo, branch: 'main', ...shapes['the @octokit/fixtures maximal protection'] } as never);
    const before = (await rest.rest.repos.getBranchProtection({ ...repo, branch: 'main' })).data;
    env.sandbox.addFault({ method: 'PUT', path: '/protection', kind: 'status', status: 502, times: 10 });
    expect((await lock({ method: 'protection' })).exitCode).toBe(1);
    env.sandbox.faults.clear();
    const rerun = await lock({ method: 'protection' }, '1001', { GITHUB_RUN_ATTEMPT: '2' });
    expect(errors(rerun)).toEqual([]);
    await lock({ method: 'protection', action: 'unlock' });
    expect((await rest.rest.repos.getBranchProtection({ ...repo, branch: 'main' })).data).toEqual(before);
  });
});
