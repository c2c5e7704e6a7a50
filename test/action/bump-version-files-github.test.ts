import { cp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errors, runAction } from '../helpers/action.js';
import { SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { scratchDir } from '../helpers/scratch.js';

const FILES: Record<string, string> = {
  VERSION: '1.0.0\n',
  'deploy/Chart.yaml': '# The chart\nname: app\nversion: 1.0.0 # bumped by relkit\nappVersion: "v1.0.0"\n',
  'README.md': '# app\n',
};
const SPEC = 'VERSION\ndeploy/Chart.yaml: version, appVersion';

const env = useSandbox({ repos: [] });
let repoCount = 0;

/** A fresh repository in the sandbox and a checkout of its main branch on disk. */
async function setup(): Promise<{ name: string; dir: string; head: string; repository: string }> {
  const name = `app${++repoCount}`;
  env.sandbox.addRepo({
    owner: 'acme',
    name,
    commits: [{ id: 'c1', message: 'Initial commit', files: FILES, author: 'alice', date: '2026-01-01T00:00:00Z' }],
    labels: [{ name: 'release' }],
  });
  const dir = await scratchDir('checkout');
  for (const [path, content] of Object.entries(FILES)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const head = (await env.client().rest.rest.git.getRef({ owner: 'acme', repo: name, ref: 'heads/main' })).data.object.sha;
  return { name, dir, head, repository: `acme/${name}` };
}

async function copyCheckout(dir: string): Promise<string> {
  const copy = await scratchDir('checkout');
  await cp(dir, copy, { recursive: true });
  return copy;
}

function bump(repo: { dir: string; head: string; repository: string }, inputs: Record<string, string>, dir = repo.dir) {
  return runAction(
    'bump-version-files',
    env.sandbox,
    { token: SANDBOX_TOKENS.githubToken, files: SPEC, version: '1.1.0', ...inputs },
    { cwd: dir, env: { GITHUB_REPOSITORY: repo.repository, GITHUB_SHA: repo.head, GITHUB_REF: 'refs/heads/main' } },
  );
}

async function fileAt(name: string, ref: string, path: string): Promise<string> {
  const { data } = await env.client().rest.rest.repos.getContent({ owner: 'acme', repo: name, path, ref });
  return Buffer.from((data as { content: string }).content, 'base64').toString();
}

async function headOf(name: string, branch = 'main'): Promise<string> {
  return (await env.client().rest.rest.git.getRef({ owner: 'acme', repo: name, ref: `heads/${branch}` })).data.object.sha;
}

async function openPulls(name: string) {
  return (await env.client().rest.rest.pulls.list({ owner: 'acme', repo: name, state: 'open' })).data;
}

describe('bump-version-files reads the current version from tags', () => {
  it('bumps from the highest semver tag with the prefix, ignoring other tags', async () => {
    const repo = await setup();
    const admin = env.client().rest;
    for (const tag of ['v1.0.0', 'v1.2.0', 'v1.10.0-rc.1', 'v1.9.3', 'chart-9.9.9', 'nightly']) {
      await admin.rest.git.createRef({ owner: 'acme', repo: repo.name, ref: `refs/tags/${tag}`, sha: repo.head });
    }
    const result = await bump(repo, { version: '', bump: 'prerelease', preid: 'rc', 'current-version-from': 'tag' });
    expect(errors(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ version: '1.10.0-rc.2', 'previous-version': '1.10.0-rc.1', tag: 'v1.10.0-rc.2', prerelease: 'true' });
    expect(await readFile(join(repo.dir, 'deploy/Chart.yaml'), 'utf8')).toContain('appVersion: "v1.10.0-rc.2"');
    expect(result.summary).toContain('from tag v1.10.0-rc.1');
  });
});

describe('bump-version-files commits through the API', () => {
  it('commits to the branch once, signed by GitHub, and a re-run adds nothing', async () => {
    const repo = await setup();
    const pristine = await copyCheckout(repo.dir);
    const first = await bump(repo, { commit: 'branch' });
    expect(errors(first)).toEqual([]);
    const head = await headOf(repo.name);
    expect(first.outputs['commit-sha']).toBe(head);
    const commit = (await env.client().rest.rest.git.getCommit({ owner: 'acme', repo: repo.name, commit_sha: head })).data;
    expect(commit.parents.map((p) => p.sha)).toEqual([repo.head]);
    expect(commit.verification?.verified).toBe(true);
    expect(commit.message).toBe('Bump version to 1.1.0');
    expect(await fileAt(repo.name, 'main', 'VERSION')).toBe('1.1.0\n');
    expect(await fileAt(repo.name, 'main', 'deploy/Chart.yaml')).toBe('# The chart\nname: app\nversion: 1.1.0 # bumped by relkit\nappVersion: "v1.1.0"\n');
    expect(await readFile(join(repo.dir, 'VERSION'), 'utf8')).toBe('1.1.0\n');

    // "Re-run failed jobs": a fresh checkout of the same commit, the same inputs.
    const again = await bump(repo, { commit: 'branch' }, pristine);
    expect(errors(again)).toEqual([]);
    expect(again.outputs['commit-sha']).toBe(head);
    expect(await headOf(repo.name)).toBe(head);
    expect(again.stdout).toContain('already has these 2 files: nothing to commit');
  });

  it('commits include-files (a changelog another step wrote) in the same commit, once', async () => {
    const repo = await setup();
    await writeFile(join(repo.dir, 'CHANGELOG.md'), '## 1.1.0\n\n- A change\n');
    const pristine = await copyCheckout(repo.dir);
    const first = await bump(repo, { commit: 'branch', 'include-files': 'CHANGELOG.md' });
    expect(errors(first)).toEqual([]);
    const head = await headOf(repo.name);
    expect(first.outputs['commit-sha']).toBe(head);
    const { data } = await env.client().rest.rest.repos.getCommit({ owner: 'acme', repo: repo.name, ref: head });
    expect(data.files!.map((f) => f.filename).sort()).toEqual(['CHANGELOG.md', 'VERSION', 'deploy/Chart.yaml']);
    expect(await fileAt(repo.name, 'main', 'CHANGELOG.md')).toBe('## 1.1.0\n\n- A change\n');
    expect(first.summary).toContain('`CHANGELOG.md`');

    const again = await bump(repo, { commit: 'branch', 'include-files': 'CHANGELOG.md' }, pristine);
    expect(errors(again)).toEqual([]);
    expect(await headOf(repo.name)).toBe(head);

    const missing = await bump(repo, { commit: 'branch', 'include-files': 'NOTES.md' });
    expect(errors(missing).join('\n')).toMatch(/Input `include-files`: "NOTES.md" does not exist in the workspace/);
    const noCommit = await bump(repo, { 'include-files': 'CHANGELOG.md' });
    expect(errors(noCommit).join('\n')).toMatch(/`include-files` is set but `commit` is none/);
    expect(await headOf(repo.name)).toBe(head);
  });

  it('detects a concurrent push and overwrites nothing', async () => {
    const repo = await setup();
    const admin = env.client().rest;
    const current = await admin.rest.repos.getContent({ owner: 'acme', repo: repo.name, path: 'VERSION' });
    await admin.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: repo.name,
      path: 'VERSION',
      message: 'someone else',
      content: Buffer.from('1.0.1\n').toString('base64'),
      sha: (current.data as { sha: string }).sha,
    });
    const theirs = await headOf(repo.name);
    const result = await bump(repo, { commit: 'branch' });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toMatch(/Branch main of acme\/app\d+ moved to [0-9a-f]{12} after the checkout at [0-9a-f]{12}.*VERSION.*nothing was committed, nothing was overwritten/);
    expect(errors(result).join('\n')).toContain('Fix: Someone pushed to main meanwhile');
    expect(await headOf(repo.name)).toBe(theirs);
    expect(await fileAt(repo.name, 'main', 'VERSION')).toBe('1.0.1\n');
  });

  it('opens one pull request, and a second run updates the same one', async () => {
    const repo = await setup();
    const pristine = await copyCheckout(repo.dir);
    const first = await bump(repo, { commit: 'pull-request', labels: 'release' });
    expect(errors(first)).toEqual([]);
    const pulls = await openPulls(repo.name);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!).toMatchObject({ number: Number(first.outputs['pull-request-number']), title: 'Bump version to 1.1.0', head: { ref: 'relkit/bump-1.1.0' }, base: { ref: 'main' } });
    expect(pulls[0]!.labels.map((l) => l.name)).toEqual(['release']);
    expect(first.outputs['pull-request-url']).toBe(pulls[0]!.html_url);
    const branchHead = await headOf(repo.name, 'relkit/bump-1.1.0');
    expect(first.outputs['commit-sha']).toBe(branchHead);
    expect(await headOf(repo.name)).toBe(repo.head);
    expect(await fileAt(repo.name, 'relkit/bump-1.1.0', 'deploy/Chart.yaml')).toContain('appVersion: "v1.1.0"');

    const second = await bump(repo, { commit: 'pull-request', labels: 'release', 'pr-title': 'Release {tag}' }, pristine);
    expect(errors(second)).toEqual([]);
    expect(second.outputs['pull-request-number']).toBe(first.outputs['pull-request-number']);
    expect(await headOf(repo.name, 'relkit/bump-1.1.0')).toBe(branchHead);
    const after = await openPulls(repo.name);
    expect(after).toHaveLength(1);
    expect(after[0]!.title).toBe('Release v1.1.0');
    expect(second.summary).toContain('updated');
  });

  it('converges when a run fails half way: the re-run opens the one pull request on the one commit', async () => {
    const repo = await setup();
    env.sandbox.addFault({ method: 'POST', path: `/repos/acme/${repo.name}/pulls`, kind: 'status', status: 502, times: 20 });
    const failed = await bump(repo, { commit: 'pull-request' });
    expect(failed.failed).toBe(true);
    expect(await openPulls(repo.name)).toHaveLength(0);
    const committed = await headOf(repo.name, 'relkit/bump-1.1.0');
    // The checkout is only written once the pull request exists, so the same workspace can re-run.
    expect(await readFile(join(repo.dir, 'VERSION'), 'utf8')).toBe('1.0.0\n');
    env.sandbox.faults.clear();

    env.sandbox.addFault({ method: 'POST', path: `/repos/acme/${repo.name}/pulls`, kind: 'status', status: 502, times: 1 });
    const rerun = await bump(repo, { commit: 'pull-request' });
    expect(await readFile(join(repo.dir, 'VERSION'), 'utf8')).toBe('1.1.0\n');
    expect(errors(rerun)).toEqual([]);
    expect(await openPulls(repo.name)).toHaveLength(1);
    expect(await headOf(repo.name, 'relkit/bump-1.1.0')).toBe(committed);
    const commits = (await env.client().rest.rest.pulls.listCommits({ owner: 'acme', repo: repo.name, pull_number: Number(rerun.outputs['pull-request-number']) })).data;
    expect(commits).toHaveLength(1);
    env.sandbox.faults.clear();
  });

  it('resets a relkit branch that holds only relkit commits of something else, and commits the bump on the checkout', async () => {
    const repo = await setup();
    const admin = env.client().rest;
    await admin.rest.git.createRef({ owner: 'acme', repo: repo.name, ref: 'refs/heads/relkit/bump-1.1.0', sha: repo.head });
    await admin.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: repo.name,
      path: 'stray.txt',
      branch: 'relkit/bump-1.1.0',
      message: 'Bump version to 1.1.0\n\nRelkit-Branch: relkit/bump-1.1.0',
      content: Buffer.from('x').toString('base64'),
    });
    const result = await bump(repo, { commit: 'pull-request' });
    expect(errors(result)).toEqual([]);
    const head = await headOf(repo.name, 'relkit/bump-1.1.0');
    const commit = (await admin.rest.git.getCommit({ owner: 'acme', repo: repo.name, commit_sha: head })).data;
    expect(commit.parents.map((p) => p.sha)).toEqual([repo.head]);
    expect(commit.message).toBe('Bump version to 1.1.0\n\nRelkit-Branch: relkit/bump-1.1.0');
    expect(result.summary).toMatch(/reset relkit\/bump-1\.1\.0/);
  });

  it('never resets a pull request branch a human pushed to, and says which commit blocks it', async () => {
    const repo = await setup();
    const admin = env.client().rest;
    await admin.rest.git.createRef({ owner: 'acme', repo: repo.name, ref: 'refs/heads/relkit/bump-1.1.0', sha: repo.head });
    await admin.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: repo.name,
      path: 'stray.txt',
      branch: 'relkit/bump-1.1.0',
      message: 'Fix the chart too',
      content: Buffer.from('x').toString('base64'),
    });
    const human = await headOf(repo.name, 'relkit/bump-1.1.0');
    const result = await bump(repo, { commit: 'pull-request' });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toContain(`has 1 commit(s) relkit did not make: ${human.slice(0, 12)} by relkit-admin ("Fix the chart too")`);
    expect(await headOf(repo.name, 'relkit/bump-1.1.0')).toBe(human);
    expect(await openPulls(repo.name)).toHaveLength(0);
  });

  it('in mock mode reads everything, plans the branch, commit and pull request, and sends nothing', async () => {
    const repo = await setup();
    const before = JSON.stringify(env.sandbox.dump());
    const result = await bump(repo, { commit: 'pull-request', labels: 'release', mock: 'true' });
    expect(errors(result)).toEqual([]);
    expect(await openPulls(repo.name)).toHaveLength(0);
    await expect(headOf(repo.name, 'relkit/bump-1.1.0')).rejects.toMatchObject({ status: 404 });
    expect(await readFile(join(repo.dir, 'VERSION'), 'utf8')).toBe('1.0.0\n');
    for (const planned of ['create branch relkit/bump-1.1.0', 'commit 2 file(s): Bump version to 1.1.0', 'open a pull request relkit/bump-1.1.0 → main', 'label the pull request release']) {
      expect(result.summary).toContain(planned);
    }
    expect(result.stdout).toContain('+1.1.0');
    expect(JSON.stringify(env.sandbox.dump())).toBe(before);
  });
});
