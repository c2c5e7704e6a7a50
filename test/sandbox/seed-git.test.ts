import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/sandbox.js';

/** A real git repository: a merge commit, a squash commit, an annotated tag and a release branch. */
function makeGitRepo(): { dir: string; head: string; tagObject: string } {
  const dir = mkdtempSync(join(tmpdir(), 'relkit-seed-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: '7+alice@users.noreply.github.com', GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: '7+alice@users.noreply.github.com', GIT_AUTHOR_DATE: '2024-05-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-05-01T00:00:00Z' } }).toString().trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'VERSION'), '0.14.8\n');
  git('add', '.');
  git('commit', '-q', '-m', 'Initial');
  git('tag', '-a', 'v0.14.8', '-m', 'v0.14.8');
  git('checkout', '-q', '-b', 'speaker-fix');
  writeFileSync(join(dir, 'speaker.go'), 'package speaker\n');
  git('add', '.');
  git('commit', '-q', '-m', 'Fix speaker');
  git('checkout', '-q', 'main');
  git('merge', '-q', '--no-ff', 'speaker-fix', '-m', 'Merge pull request #101 from bob/speaker-fix\n\nFix speaker crash');
  writeFileSync(join(dir, 'docs.md'), 'docs\n');
  git('add', '.');
  git('commit', '-q', '-m', 'Improve docs (#102)');
  git('branch', 'v0.14');
  return { dir, head: git('rev-parse', 'HEAD'), tagObject: git('rev-parse', 'v0.14.8') };
}

const repo = makeGitRepo();
const env = useSandbox({ repos: [{ owner: 'metallb', name: 'metallb', gitDir: repo.dir, pulls: [{ number: 101, title: 'Fix speaker crash', head: 'speaker-fix', labels: ['kind/bug'], body: '```release-note\nFixed a crash\n```' }] }] });

describe('seeding from a local git repository', () => {
  it('imports every object with git\'s own ids, refs and the default branch', async () => {
    const { rest } = env.client();
    const main = await rest.rest.git.getRef({ owner: 'metallb', repo: 'metallb', ref: 'heads/main' });
    expect(main.data.object.sha).toBe(repo.head);
    const tag = await rest.rest.git.getRef({ owner: 'metallb', repo: 'metallb', ref: 'tags/v0.14.8' });
    expect(tag.data.object).toMatchObject({ sha: repo.tagObject, type: 'tag' });
    const annotated = await rest.rest.git.getTag({ owner: 'metallb', repo: 'metallb', tag_sha: repo.tagObject });
    expect(annotated.data.tag).toBe('v0.14.8');
    const branches = await rest.rest.repos.listBranches({ owner: 'metallb', repo: 'metallb' });
    expect(branches.data.map((b) => b.name).sort()).toEqual(['main', 'speaker-fix', 'v0.14']);
    expect((await rest.rest.repos.get({ owner: 'metallb', repo: 'metallb' })).data.default_branch).toBe('main');
  });

  it('derives pull requests from merge and squash messages, enriched by the fixture', async () => {
    const { rest } = env.client();
    const pulls = await rest.rest.pulls.list({ owner: 'metallb', repo: 'metallb', state: 'all', direction: 'asc', sort: 'created' });
    const byNumber = new Map(pulls.data.map((p) => [p.number, p]));
    expect(byNumber.get(101)).toMatchObject({ title: 'Fix speaker crash', user: { login: 'bob' }, body: '```release-note\nFixed a crash\n```' });
    expect(byNumber.get(101)!.labels.map((l) => l.name)).toEqual(['kind/bug']);
    expect(byNumber.get(102)).toMatchObject({ title: 'Improve docs', user: { login: 'alice' } });
    const associated = await rest.rest.repos.listPullRequestsAssociatedWithCommit({ owner: 'metallb', repo: 'metallb', commit_sha: repo.head });
    expect(associated.data.map((p) => p.number)).toEqual([102]);
  });
});

describe('history as GitHub answers it, from a seeded repository', () => {
  const gql = async (query: string) => (await env.client().graphql(query)) as { repository: { ref: { compare: { aheadBy: number; behindBy: number; commits: { nodes: Array<{ oid: string; associatedPullRequests: { nodes: Array<{ number: number }> } }> } } } } };

  it('GraphQL Ref.compare and REST compare agree from an annotated tag, a lightweight tag, a branch and a SHA', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-C', repo.dir, ...args]).toString().trim();
    const initial = git('rev-list', '--max-parents=0', 'HEAD');
    execFileSync('git', ['-C', repo.dir, 'tag', 'light', initial]);
    const fresh = await import('@relkit/sandbox').then((m) => m.startSandbox({ seed: { repos: [{ owner: 'metallb', name: 'metallb', gitDir: repo.dir }] } }));
    try {
      const client = (await import('@relkit/kit')).createGitHubClients({ token: 'ghp_sandbox_admin', apiUrl: fresh.urls.api, graphqlUrl: fresh.urls.graphql, retryBaseMs: 10, writeIntervalMs: 0, notificationIntervalMs: 0 });
      for (const [qualified, base] of [['refs/tags/v0.14.8', 'v0.14.8'], ['refs/tags/light', 'light'], ['refs/heads/v0.14', 'v0.14']] as const) {
        const answer = (await client.graphql(`query { repository(owner: "metallb", name: "metallb") { ref(qualifiedName: "${qualified}") { compare(headRef: "main") { aheadBy behindBy commits(first: 100) { nodes { oid } } } } } }`)) as { repository: { ref: { compare: { aheadBy: number; behindBy: number; commits: { nodes: Array<{ oid: string }> } } } } };
        const restAnswer = (await client.rest.rest.repos.compareCommitsWithBasehead({ owner: 'metallb', repo: 'metallb', basehead: `${base}...main` })).data;
        expect(answer.repository.ref.compare.aheadBy, qualified).toBe(restAnswer.ahead_by);
        expect(answer.repository.ref.compare.behindBy, qualified).toBe(restAnswer.behind_by);
        expect(answer.repository.ref.compare.commits.nodes.map((c) => c.oid), qualified).toEqual(restAnswer.commits.map((c) => c.sha));
      }
      // From the initial commit (the annotated tag's): Initial..main is the merge, its branch commit and the squash.
      const bySha = (await client.rest.rest.repos.compareCommitsWithBasehead({ owner: 'metallb', repo: 'metallb', basehead: `${initial}...main` })).data;
      expect(bySha.ahead_by).toBe(3);
      const fromTag = (await client.rest.rest.repos.compareCommitsWithBasehead({ owner: 'metallb', repo: 'metallb', basehead: 'v0.14.8...main' })).data;
      expect(fromTag.ahead_by).toBe(3);
    } finally {
      await fresh.close();
      execFileSync('git', ['-C', repo.dir, 'tag', '-d', 'light']);
    }
  });

  it('a merged branch\'s own commits belong to the pull request that merged them', async () => {
    const answer = await gql('query { repository(owner: "metallb", name: "metallb") { ref(qualifiedName: "refs/tags/v0.14.8") { compare(headRef: "main") { aheadBy behindBy commits(first: 100) { nodes { oid associatedPullRequests(first: 5) { nodes { number } } } } } } } }');
    const numbers = answer.repository.ref.compare.commits.nodes.map((c) => c.associatedPullRequests.nodes.map((p) => p.number));
    // Fix speaker (bob's branch commit) → #101, its merge commit → #101, the squash → #102.
    expect(numbers).toEqual([[101], [101], [102]]);
  });

  it('serves a commit\'s tree as one tarball, as actions/checkout downloads it without git', async () => {
    const answer = await fetch(`${env.sandbox.urls.api}/repos/metallb/metallb/tarball/${repo.head}`, { headers: { authorization: 'Bearer ghp_sandbox_admin' } });
    expect(answer.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'relkit-tarball-'));
    writeFileSync(join(dir, 'a.tar.gz'), Buffer.from(await answer.arrayBuffer()));
    const listing = execFileSync('tar', ['-tzf', join(dir, 'a.tar.gz')]).toString().trim().split('\n').sort();
    expect(listing).toEqual([`metallb-metallb-${repo.head.slice(0, 7)}/`, `metallb-metallb-${repo.head.slice(0, 7)}/VERSION`, `metallb-metallb-${repo.head.slice(0, 7)}/docs.md`, `metallb-metallb-${repo.head.slice(0, 7)}/speaker.go`]);
    execFileSync('tar', ['-xzf', join(dir, 'a.tar.gz'), '-C', dir, '--strip-components=1']);
    expect(execFileSync('cat', [join(dir, 'VERSION')]).toString()).toBe('0.14.8\n');
  });
});
