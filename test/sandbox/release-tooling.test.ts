import { describe, expect, it } from 'vitest';
import type { SeedFixture } from '@relkit/sandbox';
import { SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';

/**
 * What release tools (release-drafter, softprops/action-gh-release, release-please,
 * peter-evans/create-pull-request) rely on, stated from GitHub's documentation.
 */

// GitHub's own example configuration, from
// https://docs.github.com/en/repositories/releasing-projects-on-github/automatically-generated-release-notes#example-configurations
const DOCUMENTED_EXAMPLE = `changelog:
  exclude:
    labels:
      - ignore-for-release
    authors:
      - octocat
  categories:
    - title: Breaking Changes 🛠
      labels:
        - Semver-Major
        - breaking-change
    - title: Exciting New Features 🎉
      labels:
        - Semver-Minor
        - enhancement
    - title: Other Changes
      labels:
        - "*"
`;

const NO_CATCH_ALL = `changelog:
  categories:
    - title: Features
      labels: [enhancement]
      exclude:
        authors:
          - bob
`;

function seed(): SeedFixture {
  const day = (n: number) => `2026-10-0${n}T12:00:00Z`;
  const pull = (number: number, user: string, labels: string[]) => ({ number, title: `Change ${number}`, user, head: `topic-${number}`, mergeCommit: `c${number}`, labels });
  return {
    repos: [
      {
        owner: 'acme',
        name: 'notes',
        commits: [
          {
            id: 'c1',
            message: 'Initial commit',
            files: {
              'README.md': '# notes\n',
              '.github/release.yml': DOCUMENTED_EXAMPLE,
              '.github/other.yml': NO_CATCH_ALL,
              '.github/bad.yml': 'changelog:\n  exclude:\n    labels: ignore-for-release\n',
            },
            author: 'alice',
            date: day(1),
          },
          { id: 'c2', message: 'Change 2 (#2)', files: { a: '2\n' }, author: 'alice', date: day(2) },
          { id: 'c3', message: 'Change 3 (#3)', files: { a: '3\n' }, author: 'bob', date: day(3) },
          { id: 'c4', message: 'Change 4 (#4)', files: { a: '4\n' }, author: 'carol', date: day(4) },
          { id: 'c5', message: 'Change 5 (#5)', files: { a: '5\n' }, author: 'octocat', date: day(5) },
          { id: 'c6', message: 'Change 6 (#6)', files: { a: '6\n' }, author: 'alice', date: day(6) },
          { id: 'c7', message: 'Change 7 (#7)', files: { a: '7\n' }, author: 'alice', date: day(7) },
        ],
        tags: { 'v1.0.0': 'c2', 'v1.1.0-rc.1': 'c4' },
        releases: [
          { tag: 'v1.0.0', name: 'v1.0.0', body: 'First', target: 'c2' },
          { tag: 'v1.1.0-rc.1', name: 'v1.1.0-rc.1', body: 'Candidate', target: 'c4', prerelease: true },
        ],
        labels: [{ name: 'enhancement' }, { name: 'breaking-change' }, { name: 'ignore-for-release' }, { name: 'bug' }],
        collaborators: { bob: 'write', carol: 'read' },
        pulls: [
          pull(2, 'alice', ['enhancement']),
          pull(3, 'bob', ['breaking-change', 'enhancement']),
          pull(4, 'carol', ['bug']),
          pull(5, 'octocat', ['enhancement']),
          pull(6, 'alice', ['ignore-for-release']),
          pull(7, 'alice', []),
        ],
      },
    ],
  };
}

const env = useSandbox(seed);
const repo = { owner: 'acme', repo: 'notes' };
const pr = (n: number) => `${env.sandbox.urls.html}/acme/notes/pull/${n}`;

describe('POST /releases/generate-notes with .github/release.yml', () => {
  it('files each pull request under its first matching category, drops excluded labels and authors, and starts at the latest release', async () => {
    const { data } = await env.client().rest.rest.repos.generateReleaseNotes({ ...repo, tag_name: 'v1.1.0', target_commitish: 'main' });
    expect(data.name).toBe('v1.1.0');
    // v1.0.0 is the latest release (the prerelease is not): #3..#7 are in range; #5 (octocat) and #6 (ignore-for-release) are excluded.
    expect(data.body).toBe(
      [
        '<!-- Release notes generated using configuration in .github/release.yml at main -->',
        '',
        "## What's Changed",
        '### Breaking Changes 🛠',
        `* Change 3 by @bob in ${pr(3)}`,
        '### Other Changes',
        `* Change 4 by @carol in ${pr(4)}`,
        `* Change 7 by @alice in ${pr(7)}`,
        '',
        '## New Contributors',
        `* @bob made their first contribution in ${pr(3)}`,
        `* @carol made their first contribution in ${pr(4)}`,
        '',
        `**Full Changelog**: ${env.sandbox.urls.html}/acme/notes/compare/v1.0.0...v1.1.0`,
      ].join('\n'),
    );
  });

  it('leaves out pull requests no category takes, honours a category exclude, and reads configuration_file_path', async () => {
    const { data } = await env
      .client()
      .rest.rest.repos.generateReleaseNotes({ ...repo, tag_name: 'v1.1.0', target_commitish: 'main', previous_tag_name: 'v1.1.0-rc.1', configuration_file_path: '.github/other.yml' });
    // From the candidate: #5..#7; only #5 carries `enhancement`.
    expect(data.body).toContain(`### Features\n* Change 5 by @octocat in ${pr(5)}`);
    expect(data.body).not.toContain(pr(6));
    expect(data.body).not.toContain(pr(7));
    expect(data.body).toContain('compare/v1.1.0-rc.1...v1.1.0');
    // From v1.0.0: #3 (bob) carries `enhancement` too, but the category excludes bob.
    const wider = await env.client().rest.rest.repos.generateReleaseNotes({ ...repo, tag_name: 'v1.1.0', previous_tag_name: 'v1.0.0', configuration_file_path: '.github/other.yml' });
    expect(wider.data.body).toContain(`### Features\n* Change 5 by @octocat in ${pr(5)}\n`);
    expect(wider.data.body).not.toContain(`${pr(3)}\n`);
  });

  it('refuses a configuration_file_path that names nothing and a previous tag that does not exist', async () => {
    const { rest } = env.client();
    await expect(rest.rest.repos.generateReleaseNotes({ ...repo, tag_name: 'v1.1.0', configuration_file_path: '.github/missing.yml' })).rejects.toMatchObject({ status: 404 });
    await expect(rest.rest.repos.generateReleaseNotes({ ...repo, tag_name: 'v1.1.0', previous_tag_name: 'v0.9.9' })).rejects.toMatchObject({ status: 422 });
    // A label list written as one string is the configuration's mistake, answered as such.
    await expect(rest.rest.repos.generateReleaseNotes({ ...repo, tag_name: 'v1.1.0', configuration_file_path: '.github/bad.yml' })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('.github/bad.yml: changelog.exclude.labels must be a list of names.'),
    });
  });

  it('uses the same configuration for generate_release_notes on a new release', async () => {
    const { data } = await env.client().rest.rest.repos.createRelease({ ...repo, tag_name: 'v1.1.0', target_commitish: 'main', draft: true, generate_release_notes: true });
    expect(data.body).toContain('### Breaking Changes 🛠');
    expect(data.body).not.toContain(pr(6));
  });
});

describe('bot commits through the REST API', () => {
  it("are GitHub-signed and carry the bot's real noreply address when they set no author, committer or signature", async () => {
    const { rest } = env.client(SANDBOX_TOKENS.githubToken);
    const head = (await rest.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const parent = await rest.rest.git.getCommit({ ...repo, commit_sha: head });
    const signed = await rest.rest.git.createCommit({ ...repo, message: 'Bump version', tree: parent.data.tree.sha, parents: [head] });
    expect(signed.data.author).toMatchObject({ name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' });
    expect(signed.data.committer).toMatchObject({ name: 'GitHub', email: 'noreply@github.com' });
    expect(signed.data.verification).toMatchObject({ verified: true, reason: 'valid' });

    // "custom author information" turns GitHub's signing off.
    const custom = await rest.rest.git.createCommit({ ...repo, message: 'Bump version', tree: parent.data.tree.sha, parents: [head], author: { name: 'Release Bot', email: 'release@example.com' } });
    expect(custom.data.verification).toMatchObject({ verified: false, reason: 'unsigned' });
  });

  it('a user token commits unsigned, as its own author', async () => {
    const { rest } = env.client(SANDBOX_TOKENS.admin);
    const head = (await rest.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const parent = await rest.rest.git.getCommit({ ...repo, commit_sha: head });
    const commit = await rest.rest.git.createCommit({ ...repo, message: 'By hand', tree: parent.data.tree.sha, parents: [head] });
    expect(commit.data.verification).toMatchObject({ verified: false, reason: 'unsigned' });
    expect(commit.data.committer.email).toMatch(/\+relkit-admin@users\.noreply\.github\.com$/);
  });
});

describe('issues, comments and assignees, as create-pull-request and release-please use them', () => {
  // peter-evans/create-pull-request documents inputs labels, assignees, milestone and reviewers,
  // which it applies to the pull request through the issues API once the PR exists.
  it('a pull request takes labels, assignees (collaborators only) and a milestone through the issue routes', async () => {
    const { rest } = env.client(SANDBOX_TOKENS.githubToken);
    const admin = env.client().rest;
    await admin.rest.git.createRef({ ...repo, ref: 'refs/heads/release-please--branches--main', sha: (await admin.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha });
    await admin.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 'CHANGELOG.md',
      message: 'chore: release 1.1.0',
      content: Buffer.from('# Changelog\n').toString('base64'),
      branch: 'release-please--branches--main',
    });
    const { data: pull } = await rest.rest.pulls.create({ ...repo, head: 'release-please--branches--main', base: 'main', title: 'chore(main): release 1.1.0' });
    const milestone = await admin.rest.issues.createMilestone({ ...repo, title: 'v1.1.0' });

    await rest.rest.issues.addLabels({ ...repo, issue_number: pull.number, labels: ['autorelease: pending'] });
    const assigned = await rest.rest.issues.addAssignees({ ...repo, issue_number: pull.number, assignees: ['bob', 'mallory'] });
    expect(assigned.status).toBe(201);
    expect(assigned.data.assignees?.map((a) => a.login)).toEqual(['bob']);
    const updated = await rest.rest.issues.update({ ...repo, issue_number: pull.number, milestone: milestone.data.number });
    expect(updated.data.milestone?.title).toBe('v1.1.0');
    expect(updated.data.pull_request?.url).toMatch(new RegExp(`/pulls/${pull.number}$`));

    const got = await rest.rest.issues.get({ ...repo, issue_number: pull.number });
    expect(got.data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual(['autorelease: pending']);
    expect((await rest.rest.pulls.get({ ...repo, pull_number: pull.number })).data.assignees?.map((a) => a.login)).toEqual(['bob']);

    const files = await rest.rest.pulls.listFiles({ ...repo, pull_number: pull.number });
    expect(files.data.map((f) => [f.filename, f.status])).toEqual([['CHANGELOG.md', 'added']]);
    expect((await rest.rest.pulls.listReviews({ ...repo, pull_number: pull.number })).data).toEqual([]);

    // release-please comments on the release PR once the release is tagged.
    const comment = await rest.rest.issues.createComment({ ...repo, issue_number: pull.number, body: ':robot: Release is at https://example.test :sunflower:' });
    expect(comment.status).toBe(201);
    expect((await rest.rest.issues.listComments({ ...repo, issue_number: pull.number })).data.map((c) => c.body)).toEqual([':robot: Release is at https://example.test :sunflower:']);
    const edited = await rest.rest.issues.updateComment({ ...repo, comment_id: comment.data.id, body: 'edited' });
    expect(edited.data.body).toBe('edited');

    const closed = await rest.rest.issues.update({ ...repo, issue_number: pull.number, state: 'closed' });
    expect(closed.data.state).toBe('closed');
  });

  it('issues are created, listed with pull requests, found by search, and closed with a reason', async () => {
    const { rest } = env.client(SANDBOX_TOKENS.githubToken);
    const created = await rest.rest.issues.create({ ...repo, title: 'Release checklist for v1.1.0', labels: ['release'], assignees: ['carol'] });
    expect(created.status).toBe(201);
    expect(created.data.pull_request).toBeUndefined();
    expect(created.data.assignees?.map((a) => a.login)).toEqual(['carol']);
    const listed = await rest.rest.issues.listForRepo({ ...repo, state: 'all', labels: 'release' });
    expect(listed.data.map((i) => i.number)).toEqual([created.data.number]);

    const found = await rest.rest.search.issuesAndPullRequests({ q: `repo:acme/notes is:issue is:open "checklist"` });
    expect(found.data.items.map((i) => i.number)).toEqual([created.data.number]);
    const merged = await rest.rest.search.issuesAndPullRequests({ q: 'repo:acme/notes is:pr is:merged label:enhancement' });
    expect(merged.data.items.map((i) => i.number).sort()).toEqual([2, 3, 5]);
    await expect(rest.rest.search.issuesAndPullRequests({ q: 'is:pr repo:nobody/nothing' })).rejects.toMatchObject({ status: 422 });

    const closed = await rest.rest.issues.update({ ...repo, issue_number: created.data.number, state: 'closed', state_reason: 'not_planned' });
    expect(closed.data).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect(closed.data.closed_at).not.toBeNull();
    await expect(rest.rest.issues.create({ ...repo, title: '' })).rejects.toMatchObject({ status: 422 });
  });

  it('collaborator permission, assignee checks, commit statuses, /rate_limit and /meta', async () => {
    const { rest } = env.client(SANDBOX_TOKENS.githubToken);
    expect((await rest.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: 'bob' })).data.permission).toBe('write');
    expect((await rest.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: 'carol' })).data.permission).toBe('read');
    expect((await rest.rest.issues.checkUserCanBeAssigned({ ...repo, assignee: 'bob' })).status).toBe(204);
    await expect(rest.rest.issues.checkUserCanBeAssigned({ ...repo, assignee: 'mallory' })).rejects.toMatchObject({ status: 404 });

    const head = (await rest.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    // The sandbox's GITHUB_TOKEN holds no `statuses` permission: a job must ask for it.
    await expect(rest.rest.repos.createCommitStatus({ ...repo, sha: head, state: 'pending', context: 'release' })).rejects.toMatchObject({ status: 403 });
    const admin = env.client().rest;
    await admin.rest.repos.createCommitStatus({ ...repo, sha: head, state: 'pending', context: 'release' });
    await admin.rest.repos.createCommitStatus({ ...repo, sha: head, state: 'success', context: 'release' });
    const combined = await rest.rest.repos.getCombinedStatusForRef({ ...repo, ref: 'main' });
    expect(combined.data).toMatchObject({ state: 'success', total_count: 1, sha: head });

    const before = await rest.rest.rateLimit.get();
    const after = await rest.rest.rateLimit.get();
    // Asking does not spend.
    expect(after.data.resources.core.used).toBe(before.data.resources.core.used);
    expect(after.data.rate).toEqual(after.data.resources.core);
    expect((await rest.rest.meta.get()).data.verifiable_password_authentication).toBe(false);
  });
});

describe('GraphQL for release-please: Repository.releases and PullRequest.files', () => {
  it("lists releases newest first with their tag commits, and a pull request's files", async () => {
    const { graphql } = env.client();
    const answer = await graphql<{
      repository: {
        releases: { nodes: Array<{ tagName: string; isDraft: boolean; isPrerelease: boolean; tagCommit: { oid: string } | null }>; pageInfo: { hasNextPage: boolean } };
        pullRequest: { files: { nodes: Array<{ path: string; changeType: string }> } };
      };
    }>(
      `
        query ($owner: String!, $repo: String!) {
          repository(owner: $owner, name: $repo) {
            releases(first: 10, orderBy: { field: CREATED_AT, direction: DESC }) {
              nodes {
                name
                tagName
                isDraft
                isPrerelease
                url
                description
                tagCommit {
                  oid
                }
              }
              pageInfo {
                hasNextPage
                endCursor
              }
            }
            pullRequest(number: 3) {
              files(first: 100) {
                nodes {
                  path
                  additions
                  deletions
                  changeType
                }
                pageInfo {
                  hasNextPage
                }
              }
            }
          }
        }
      `,
      { owner: 'acme', repo: 'notes' },
    );
    const head = (await env.client().rest.rest.git.getRef({ ...repo, ref: 'tags/v1.0.0' })).data.object.sha;
    const releases = answer.repository.releases.nodes;
    expect(releases.map((r) => r.tagName).slice(-2)).toEqual(['v1.1.0-rc.1', 'v1.0.0']);
    expect(releases.at(-1)).toMatchObject({ isDraft: false, isPrerelease: false, tagCommit: { oid: head } });
    expect(releases.at(-2)).toMatchObject({ isPrerelease: true });
    expect(answer.repository.pullRequest.files.nodes).toEqual([{ path: 'a', changeType: 'MODIFIED', additions: 0, deletions: 0 }]);
  });
});

describe("the Actions API's jobs of a run, as a release summary reads them", () => {
  it("lists an attempt's jobs to the second, each name once with filter=latest, and only to tokens with actions: read", async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 1, 12, 0, s, 250)).toISOString();
    const job = (name: string, attempt: number, conclusion: 'success' | 'failure', from: number, to: number) =>
      env.sandbox.recordWorkflowJob('acme/notes', {
        runId: 42,
        attempt,
        name,
        workflowName: 'Release',
        headSha: 'a'.repeat(40),
        headBranch: 'main',
        status: 'completed',
        conclusion,
        startedAt: at(from),
        completedAt: at(to),
      });
    job('release / Plan', 1, 'success', 0, 4);
    job('release / Build amd64', 1, 'failure', 5, 9);
    job('release / Build amd64', 2, 'success', 20, 31);

    const admin = env.client().rest;
    const first = await admin.rest.actions.listJobsForWorkflowRunAttempt({ ...repo, run_id: 42, attempt_number: 1 });
    expect(first.data.total_count).toBe(2);
    expect(first.data.jobs.map((j) => [j.name, j.conclusion, j.started_at, j.completed_at])).toEqual([
      ['release / Plan', 'success', '2026-11-01T12:00:00Z', '2026-11-01T12:00:04Z'],
      ['release / Build amd64', 'failure', '2026-11-01T12:00:05Z', '2026-11-01T12:00:09Z'],
    ]);
    const latest = await admin.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 42 });
    expect(latest.data.jobs.map((j) => [j.name, j.run_attempt])).toEqual([
      ['release / Plan', 1],
      ['release / Build amd64', 2],
    ]);
    expect((await admin.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 42, filter: 'all' })).data.total_count).toBe(3);
    await expect(admin.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 43 })).rejects.toMatchObject({ status: 404 });

    // "GitHub Apps must have the actions:read permission to use this endpoint": the sandbox's
    // GITHUB_TOKEN has none; a job token given actions: read may.
    await expect(env.client(SANDBOX_TOKENS.githubToken).rest.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 42 })).rejects.toMatchObject({ status: 403 });
    const reader = env.sandbox.mintJobToken('acme/notes', { actions: 'read' });
    expect((await env.client(reader).rest.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 42 })).data.total_count).toBe(2);
  });
});
