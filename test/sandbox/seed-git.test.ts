import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '@relkit/sandbox';
import { useSandbox } from '../helpers/sandbox.js';

/** A real git repository: a merge commit, a squash commit, an annotated tag and a release branch. */
function makeGitRepo(): { dir: string; head: string; tagObject: string } {
  const dir = mkdtempSync(join(tmpdir(), 'relkit-seed-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Alice',
        GIT_AUTHOR_EMAIL: '7+alice@users.noreply.github.com',
        GIT_COMMITTER_NAME: 'Alice',
        GIT_COMMITTER_EMAIL: '7+alice@users.noreply.github.com',
        GIT_AUTHOR_DATE: '2024-05-01T00:00:00Z',
        GIT_COMMITTER_DATE: '2024-05-01T00:00:00Z',
      },
    })
      .toString()
      .trim();
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
  mkdirSync(join(dir, 'hack'));
  writeFileSync(join(dir, 'hack', 'build.sh'), '#!/bin/sh\necho build\n', { mode: 0o755 });
  symlinkSync('build.sh', join(dir, 'hack', 'latest'));
  git('add', '.');
  git('commit', '-q', '-m', 'Improve docs (#102)');
  git('branch', 'v0.14');
  return { dir, head: git('rev-parse', 'HEAD'), tagObject: git('rev-parse', 'v0.14.8') };
}

const repo = makeGitRepo();
const env = useSandbox({
  repos: [
    {
      owner: 'metallb',
      name: 'metallb',
      gitDir: repo.dir,
      pulls: [{ number: 101, title: 'Fix speaker crash', head: 'speaker-fix', labels: ['kind/bug'], body: '```release-note\nFixed a crash\n```' }],
    },
  ],
});

describe('seeding from a local git repository', () => {
  it("imports every object with git's own ids, refs and the default branch", async () => {
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
  const gql = async (query: string) =>
    (await env.client().graphql(query)) as {
      repository: { ref: { compare: { aheadBy: number; behindBy: number; commits: { nodes: Array<{ oid: string; associatedPullRequests: { nodes: Array<{ number: number }> } }> } } } };
    };

  it('GraphQL Ref.compare and REST compare agree from an annotated tag, a lightweight tag, a branch and a SHA', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo.dir, ...args])
        .toString()
        .trim();
    const initial = git('rev-list', '--max-parents=0', 'HEAD');
    execFileSync('git', ['-C', repo.dir, 'tag', 'light', initial]);
    const fresh = await import('@relkit/sandbox').then((m) => m.startSandbox({ seed: { repos: [{ owner: 'metallb', name: 'metallb', gitDir: repo.dir }] } }));
    try {
      const client = (await import('@relkit/kit')).createGitHubClients({
        token: 'ghp_sandbox_admin',
        apiUrl: fresh.urls.api,
        graphqlUrl: fresh.urls.graphql,
        retryBaseMs: 10,
        writeIntervalMs: 0,
        notificationIntervalMs: 0,
      });
      for (const [qualified, base] of [
        ['refs/tags/v0.14.8', 'v0.14.8'],
        ['refs/tags/light', 'light'],
        ['refs/heads/v0.14', 'v0.14'],
      ] as const) {
        const answer = (await client.graphql(
          `query { repository(owner: "metallb", name: "metallb") { ref(qualifiedName: "${qualified}") { compare(headRef: "main") { aheadBy behindBy commits(first: 100) { nodes { oid } } } } } }`,
        )) as { repository: { ref: { compare: { aheadBy: number; behindBy: number; commits: { nodes: Array<{ oid: string }> } } } } };
        const restAnswer = (await client.rest.rest.repos.compareCommitsWithBasehead({ owner: 'metallb', repo: 'metallb', basehead: `${base}...main` })).data;
        expect(answer.repository.ref.compare.aheadBy, qualified).toBe(restAnswer.ahead_by);
        expect(answer.repository.ref.compare.behindBy, qualified).toBe(restAnswer.behind_by);
        expect(
          answer.repository.ref.compare.commits.nodes.map((c) => c.oid),
          qualified,
        ).toEqual(restAnswer.commits.map((c) => c.sha));
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

  it("a merged branch's own commits belong to the pull request that merged them", async () => {
    const answer = await gql(
      'query { repository(owner: "metallb", name: "metallb") { ref(qualifiedName: "refs/tags/v0.14.8") { compare(headRef: "main") { aheadBy behindBy commits(first: 100) { nodes { oid associatedPullRequests(first: 5) { nodes { number } } } } } } } }',
    );
    const numbers = answer.repository.ref.compare.commits.nodes.map((c) => c.associatedPullRequests.nodes.map((p) => p.number));
    // Fix speaker (bob's branch commit) → #101, its merge commit → #101, the squash → #102.
    expect(numbers).toEqual([[101], [101], [102]]);
  });

  it("serves a commit's tree as one tarball or zipball, the same tree `git archive` gives", async () => {
    const top = `metallb-metallb-${repo.head.slice(0, 7)}`;
    // Name, type (file, symlink, folder), mode and content of every entry.
    const describeTree = (dir: string) =>
      execFileSync('sh', [
        '-c',
        `cd "${dir}" && find . -mindepth 1 | sort | while read -r p; do printf '%s %s ' "$p" "$(stat -c '%F %a' "$p")"; if [ -L "$p" ]; then readlink "$p"; elif [ -f "$p" ]; then sha1sum < "$p"; else echo; fi; done`,
      ]).toString();
    // GitHub builds its archives with `git archive`: the same command, unpacked the same way, is the oracle.
    const gitArchive = (format: 'tar' | 'zip', unpack: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'relkit-archive-'));
      execFileSync('sh', ['-c', `git -C "${repo.dir}" archive --format=${format} --prefix=${top}/ -o "${dir}/archive" ${repo.head} && cd "${dir}" && mkdir x && ${unpack}`]);
      return describeTree(join(dir, 'x'));
    };
    const formats = [
      { format: 'tarball', extension: 'tar.gz', unpack: 'tar -xzf archive -C x', want: gitArchive('tar', 'tar -xf archive -C x') },
      { format: 'zipball', extension: 'zip', unpack: 'unzip -q archive -d x', want: gitArchive('zip', 'unzip -q archive -d x') },
    ];
    for (const { format, extension, unpack, want } of formats) {
      expect(want).toMatch(new RegExp(`\\./${top}/hack/build\\.sh regular file 7\\d5 `));
      expect(want).toMatch(new RegExp(`\\./${top}/hack/latest symbolic link 777 build\\.sh`));
      const answer = await fetch(`${env.sandbox.urls.api}/repos/metallb/metallb/${format}/${repo.head}`, { headers: { authorization: 'Bearer ghp_sandbox_admin' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-disposition')).toBe(`attachment; filename=${top}.${extension}`);
      const dir = mkdtempSync(join(tmpdir(), `relkit-${format}-`));
      writeFileSync(join(dir, 'archive'), Buffer.from(await answer.arrayBuffer()));
      execFileSync('sh', ['-c', `cd "${dir}" && mkdir x && ${unpack}`]);
      expect(describeTree(join(dir, 'x')), format).toBe(want);
    }
  });

  it('REST compare pages as GitHub documents: 250 newest unpaged, files (≤ 300, as git diff lists them) on the first page only', async () => {
    // 320 commits, each adding a file in one of 8 folders, written with git fast-import.
    const dir = mkdtempSync(join(tmpdir(), 'relkit-compare-'));
    execFileSync('git', ['init', '-q', '--bare', dir]);
    let stream = '';
    for (let i = 1; i <= 320; i++) {
      const content = `file ${i}\n`;
      stream += `commit refs/heads/main\nmark :${i}\ncommitter Dev <dev@example.com> ${1_700_000_000 + i * 60} +0000\ndata ${`change ${i}\n`.length}\nchange ${i}\n${i > 1 ? `from :${i - 1}\n` : ''}M 100644 inline dir${i % 8}/f${i}.txt\ndata ${content.length}\n${content}\n`;
    }
    execFileSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: stream });
    const base = execFileSync('git', ['-C', dir, 'rev-parse', 'main~319']).toString().trim();
    const head = execFileSync('git', ['-C', dir, 'rev-parse', 'main']).toString().trim();
    const fresh = await startSandbox({ seed: { repos: [{ owner: 'acme', name: 'big', gitDir: dir }] } });
    try {
      const get = async (query: string) => {
        const answer = await fetch(`${fresh.urls.api}/repos/acme/big/compare/${base}...main${query}`, { headers: { authorization: 'Bearer ghp_sandbox_admin' } });
        return { body: (await answer.json()) as { ahead_by: number; commits: Array<{ sha: string }>; files: Array<{ filename: string; status: string }> }, link: answer.headers.get('link') ?? '' };
      };
      const gitFiles = execFileSync('git', ['-C', dir, 'diff', '--name-only', base, head]).toString().trim().split('\n').sort();
      const unpaged = await get('');
      expect(unpaged.body.ahead_by).toBe(319);
      expect(unpaged.body.commits).toHaveLength(250);
      expect(unpaged.body.commits.at(-1)!.sha).toBe(head);
      expect(unpaged.body.files.map((f) => f.filename)).toEqual(gitFiles.slice(0, 300));
      expect(unpaged.body.files.every((f) => f.status === 'added')).toBe(true);
      const first = await get('?per_page=100&page=1');
      expect(first.body.commits).toHaveLength(100);
      expect(first.body.files).toHaveLength(300);
      expect(first.link).toMatch(/page=2>; rel="next".*page=4>; rel="last"/);
      const fourth = await get('?per_page=100&page=4');
      expect(fourth.body.commits.map((c) => c.sha).at(-1)).toBe(head);
      expect(fourth.body.files).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
