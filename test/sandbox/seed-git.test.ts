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
