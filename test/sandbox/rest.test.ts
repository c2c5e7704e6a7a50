import { describe, expect, it } from 'vitest';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { SANDBOX_APP_ID } from '@relkit/sandbox';

const env = useSandbox({ repos: [...(basicRepo() ?? []), ...(basicRepo('acme', 'other') ?? [])] });
const repo = { owner: 'acme', repo: 'app' };

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('git data', () => {
  it('creates blobs, trees and commits with git-compatible ids and moves refs fast-forward only', async () => {
    const { rest } = env.client();
    const main = await rest.rest.git.getRef({ ...repo, ref: 'heads/main' });
    const head = main.data.object.sha;
    const parent = await rest.rest.git.getCommit({ ...repo, commit_sha: head });
    const blob = await rest.rest.git.createBlob({ ...repo, content: 'hello\n' });
    // `git hash-object` of "hello\n"
    expect(blob.data.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const tree = await rest.rest.git.createTree({ ...repo, base_tree: parent.data.tree.sha, tree: [{ path: 'docs/hello.txt', mode: '100644', type: 'blob', sha: blob.data.sha }] });
    const commit = await rest.rest.git.createCommit({ ...repo, message: 'Add docs', tree: tree.data.sha, parents: [head] });
    const full = await rest.rest.git.getTree({ ...repo, tree_sha: tree.data.sha, recursive: 'true' });
    expect(full.data.tree.map((e) => e.path)).toEqual(expect.arrayContaining(['README.md', 'VERSION', 'docs', 'docs/hello.txt', 'src/feature.txt']));

    await rest.rest.git.createRef({ ...repo, ref: 'refs/heads/topic', sha: commit.data.sha });
    // Moving topic back to its parent is not a fast forward.
    expect(await status(rest.rest.git.updateRef({ ...repo, ref: 'heads/topic', sha: head }))).toBe(422);
    await rest.rest.git.updateRef({ ...repo, ref: 'heads/topic', sha: head, force: true });
    expect((await rest.rest.git.getRef({ ...repo, ref: 'heads/topic' })).data.object.sha).toBe(head);
    expect(await status(rest.rest.git.createRef({ ...repo, ref: 'refs/heads/topic', sha: head }))).toBe(422);
    await rest.rest.git.deleteRef({ ...repo, ref: 'heads/topic' });
    expect(await status(rest.rest.git.getRef({ ...repo, ref: 'heads/topic' }))).toBe(404);
  });

  it('serves contents, compare and commit-to-PR lookups', async () => {
    const { rest } = env.client();
    const file = await rest.rest.repos.getContent({ ...repo, path: 'VERSION' });
    expect(Buffer.from((file.data as { content: string }).content, 'base64').toString()).toBe('1.0.0\n');
    // The raw media type in both spellings, answered in the one asked for (release-drafter checks the v3 form).
    const v3 = await rest.rest.repos.getContent({ ...repo, path: 'VERSION', mediaType: { format: 'raw' } });
    expect([v3.data, v3.headers['content-type']]).toEqual(['1.0.0\n', 'application/vnd.github.v3.raw; charset=utf-8']);
    const plain = await rest.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path: 'VERSION', headers: { accept: 'application/vnd.github.raw+json' } });
    expect([plain.data, plain.headers['content-type']]).toEqual(['1.0.0\n', 'application/vnd.github.raw; charset=utf-8']);
    const cmp = await rest.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: 'v1.0.0...main' });
    expect(cmp.data.status).toBe('ahead');
    expect(cmp.data.ahead_by).toBe(2);
    expect(cmp.data.commits.map((c) => c.commit.message.trim())).toEqual(['Add feature (#2)', 'Fix bug (#3)']);
    const pulls = await rest.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: cmp.data.commits[1]!.sha });
    expect(pulls.data.map((p) => p.number)).toEqual([3]);
    expect(pulls.data[0]!.labels.map((l) => l.name)).toEqual(['kind/bug']);
  });

  it('paginates with Link headers and per_page', async () => {
    const { rest } = env.client();
    const first = await rest.rest.repos.listCommits({ ...repo, per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toMatch(/rel="next"/);
    const all = await rest.paginate(rest.rest.repos.listCommits, { ...repo, per_page: 1 });
    expect(all.map((c) => c.commit.message.trim())).toEqual(['Fix bug (#3)', 'Add feature (#2)', 'Initial commit']);
  });
});

describe('releases', () => {
  it('hides drafts from get-by-tag, creates the tag only on publish, and refuses duplicate asset names', async () => {
    const { rest } = env.client();
    const draft = await rest.rest.repos.createRelease({ ...repo, tag_name: 'v1.1.0', draft: true, target_commitish: 'main' });
    expect(await status(rest.rest.repos.getReleaseByTag({ ...repo, tag: 'v1.1.0' }))).toBe(404);
    expect(await status(rest.rest.git.getRef({ ...repo, ref: 'tags/v1.1.0' }))).toBe(404);
    // An identity without push access does not see the draft at all.
    const outsider = env.client(SANDBOX_TOKENS.outsider).rest;
    expect((await outsider.rest.repos.listReleases(repo)).data.some((r) => r.id === draft.data.id)).toBe(false);
    // A second draft for the same tag is allowed: exactly the duplicate that re-runs create on GitHub.
    const second = await rest.rest.repos.createRelease({ ...repo, tag_name: 'v1.1.0', draft: true });
    expect((await rest.rest.repos.listReleases(repo)).data.filter((r) => r.tag_name === 'v1.1.0')).toHaveLength(2);
    await rest.rest.repos.deleteRelease({ ...repo, release_id: second.data.id });

    const upload = (name: string, data: string) =>
      rest.rest.repos.uploadReleaseAsset({ ...repo, release_id: draft.data.id, name, data, url: draft.data.upload_url, headers: { 'content-type': 'text/plain' } } as never);
    const asset = await upload('notes.txt', 'hello');
    expect((asset.data as { state: string }).state).toBe('uploaded');
    const conflict = await upload('notes.txt', 'again').catch((e: { status: number; response: { data: { errors: { code: string }[] } } }) => e);
    expect((conflict as { status: number }).status).toBe(422);
    expect((conflict as { response: { data: { errors: { code: string }[] } } }).response.data.errors[0]!.code).toBe('already_exists');

    const published = await rest.rest.repos.updateRelease({ ...repo, release_id: draft.data.id, draft: false });
    expect(published.data.draft).toBe(false);
    const main = await rest.rest.git.getRef({ ...repo, ref: 'heads/main' });
    expect((await rest.rest.git.getRef({ ...repo, ref: 'tags/v1.1.0' })).data.object.sha).toBe(main.data.object.sha);
    expect((await rest.rest.repos.getReleaseByTag({ ...repo, tag: 'v1.1.0' })).data.id).toBe(draft.data.id);
    expect((await rest.rest.repos.getLatestRelease(repo)).data.tag_name).toBe('v1.1.0');
    const download = await rest.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo,
      asset_id: (asset.data as { id: number }).id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(download.data as unknown as ArrayBuffer).toString()).toBe('hello');
  });

  it('generates notes from merged pull requests since the previous tag', async () => {
    const { rest } = env.client();
    const notes = await rest.rest.repos.generateReleaseNotes({ ...repo, tag_name: 'v9.9.9', target_commitish: 'main', previous_tag_name: 'v1.0.0' });
    expect(notes.data.body).toContain('* Add feature by @bob in');
    expect(notes.data.body).toContain('* Fix bug by @carol in');
    expect(notes.data.body).toContain('## New Contributors');
  });
});

describe('protection and rulesets', () => {
  it('renders classic protection in GitHub GET shape and enforces lock_branch', async () => {
    const { rest } = env.client();
    const other = { owner: 'acme', repo: 'other' };
    expect(await status(rest.rest.repos.getBranchProtection({ ...other, branch: 'main' }))).toBe(404);
    await rest.rest.repos.updateBranchProtection({
      ...other,
      branch: 'main',
      required_status_checks: { strict: true, contexts: ['ci'] },
      enforce_admins: true,
      required_pull_request_reviews: null,
      restrictions: null,
      lock_branch: true,
    });
    const got = await rest.rest.repos.getBranchProtection({ ...other, branch: 'main' });
    expect(got.data.lock_branch).toEqual({ enabled: true });
    expect(got.data.enforce_admins).toMatchObject({ enabled: true });
    expect(got.data.required_status_checks?.checks).toEqual([{ context: 'ci', app_id: null }]);
    const head = (await rest.rest.git.getRef({ ...other, ref: 'heads/main' })).data.object.sha;
    const tree = (await rest.rest.git.getCommit({ ...other, commit_sha: head })).data.tree.sha;
    const next = await rest.rest.git.createCommit({ ...other, message: 'blocked', tree, parents: [head] });
    const refused = await rest.rest.git.updateRef({ ...other, ref: 'heads/main', sha: next.data.sha }).catch((e: any) => e);
    expect(refused.status).toBe(422);
    expect(refused.response.data.message).toMatch(/Protected branch update failed/);
    await rest.rest.repos.deleteBranchProtection({ ...other, branch: 'main' });
    await rest.rest.git.updateRef({ ...other, ref: 'heads/main', sha: next.data.sha });
  });

  it('enforces an active ruleset with an App bypass actor, and refuses GITHUB_TOKEN on administration', async () => {
    const app = env.client(SANDBOX_TOKENS.app).rest;
    const ruleset = await app.rest.repos.createRepoRuleset({
      ...repo,
      name: 'relkit-lock/main',
      target: 'branch',
      enforcement: 'active',
      conditions: { ref_name: { include: ['refs/heads/main'], exclude: [] } },
      rules: [{ type: 'update' }, { type: 'deletion' }, { type: 'non_fast_forward' }],
      bypass_actors: [{ actor_id: SANDBOX_APP_ID, actor_type: 'Integration', bypass_mode: 'always' }],
    });
    const rules = await app.rest.repos.getBranchRules({ ...repo, branch: 'main' });
    expect(rules.data.map((r) => r.type).sort()).toEqual(['deletion', 'non_fast_forward', 'update']);

    const admin = env.client(SANDBOX_TOKENS.admin).rest;
    const head = (await admin.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const tree = (await admin.rest.git.getCommit({ ...repo, commit_sha: head })).data.tree.sha;
    const next = await admin.rest.git.createCommit({ ...repo, message: 'during the lock', tree, parents: [head] });
    const refused = await admin.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: next.data.sha }).catch((e: any) => e);
    expect(refused.status).toBe(422);
    expect(refused.response.data.message).toMatch(/Repository rule violations found[\s\S]*Cannot update this protected ref/);
    await app.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: next.data.sha });

    const actionsToken = env.client(SANDBOX_TOKENS.githubToken).rest;
    const forbidden = await actionsToken.rest.repos.deleteRepoRuleset({ ...repo, ruleset_id: ruleset.data.id }).catch((e: any) => e);
    expect(forbidden.status).toBe(403);
    expect(forbidden.response.data.message).toBe('Resource not accessible by integration');
    const bypass = await app.rest.repos
      .createRepoRuleset({ ...repo, name: 'x', enforcement: 'active', bypass_actors: [{ actor_id: 15368, actor_type: 'Integration', bypass_mode: 'always' }] })
      .catch((e: any) => e);
    expect(bypass.status).toBe(422);
    expect(await status(env.client(SANDBOX_TOKENS.outsider).rest.rest.repos.getBranchProtection({ ...repo, branch: 'main' }))).toBe(404);

    await app.rest.repos.deleteRepoRuleset({ ...repo, ruleset_id: ruleset.data.id });
    expect((await admin.rest.repos.getRepoRulesets(repo)).data).toEqual([]);
  });
});

describe('pull requests', () => {
  it('creates, finds by head, refuses a duplicate, updates, requests reviewers and merges', async () => {
    const { rest } = env.client();
    const head = (await rest.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const parent = await rest.rest.git.getCommit({ ...repo, commit_sha: head });
    const tree = await rest.rest.git.createTree({ ...repo, base_tree: parent.data.tree.sha, tree: [{ path: 'VERSION', mode: '100644', type: 'blob', content: '1.1.0\n' }] });
    const commit = await rest.rest.git.createCommit({ ...repo, message: 'Bump to 1.1.0', tree: tree.data.sha, parents: [head] });
    await rest.rest.git.createRef({ ...repo, ref: 'refs/heads/relkit/bump', sha: commit.data.sha });
    const pr = await rest.rest.pulls.create({ ...repo, head: 'relkit/bump', base: 'main', title: 'Bump to 1.1.0' });
    expect(await status(rest.rest.pulls.create({ ...repo, head: 'relkit/bump', base: 'main', title: 'again' }))).toBe(422);
    const found = await rest.rest.pulls.list({ ...repo, head: 'acme:relkit/bump', state: 'open' });
    expect(found.data.map((p) => p.number)).toEqual([pr.data.number]);
    await rest.rest.issues.addLabels({ ...repo, issue_number: pr.data.number, labels: ['release'] });
    await rest.rest.pulls.requestReviewers({ ...repo, pull_number: pr.data.number, reviewers: ['alice'] });
    await rest.rest.pulls.update({ ...repo, pull_number: pr.data.number, body: 'updated' });
    const merged = await rest.rest.pulls.merge({ ...repo, pull_number: pr.data.number, merge_method: 'squash' });
    const after = await rest.rest.pulls.get({ ...repo, pull_number: pr.data.number });
    expect(after.data).toMatchObject({ merged: true, state: 'closed', body: 'updated', merge_commit_sha: merged.data.sha });
    expect(after.data.labels.map((l) => l.name)).toEqual(['release']);
    expect(after.data.requested_reviewers?.map((u) => u.login)).toEqual(['alice']);
    const version = await rest.rest.repos.getContent({ ...repo, path: 'VERSION', ref: 'main' });
    expect(Buffer.from((version.data as { content: string }).content, 'base64').toString()).toBe('1.1.0\n');
  });

  it('answers errors in GitHub shape: bad credentials, missing repository, invalid label colour', async () => {
    const bad = await env
      .client('not-a-token')
      .rest.rest.repos.get(repo)
      .catch((e: any) => e);
    expect(bad.status).toBe(401);
    expect(bad.response.data.message).toBe('Bad credentials');
    expect(await status(env.client().rest.rest.repos.get({ owner: 'acme', repo: 'missing' }))).toBe(404);
    const label = await env
      .client()
      .rest.rest.issues.createLabel({ ...repo, name: 'foo', color: 'invalid' })
      .catch((e: any) => e);
    expect(label.status).toBe(422);
    expect(label.response.data.errors).toEqual([{ resource: 'Label', code: 'invalid', field: 'color' }]);
  });
});
