import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesAt, releaseOutcome } from '@relkit/rehearsal';
import type { SeedRepo } from '@relkit/sandbox';
import { SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { filesIn, scratchDir } from '../helpers/scratch.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli/index.js');
const PUBLISHED = ['lock-branch', 'draft-release'];

const actionRepo = (name: string): SeedRepo => ({
  owner: 'relkit',
  name,
  ownerType: 'Organization',
  commits: [{ id: 'c1', message: 'Initial commit', files: { 'README.md': `# ${name}\n`, 'old-notes.txt': 'from before relkit published here\n' } }],
});

const env = useSandbox({
  accounts: [{ login: 'relkit', type: 'Organization' }],
  repos: [
    ...PUBLISHED.map(actionRepo),
    { owner: 'relkit', name: 'relkit', ownerType: 'Organization', commits: [{ id: 'r1', message: 'relkit 1.0.0', files: { 'package.json': '{"version":"1.0.0"}\n' } }], tags: { 'v1.0.0': 'r1' } },
  ],
});

let trees: string;
beforeAll(async () => {
  trees = join(await scratchDir('trees'), 'publish');
  await run(process.execPath, [bin, 'package', '--out', trees, '--actions', PUBLISHED.join(',')], { cwd: root });
});

function relkit(...args: string[]) {
  return run(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, ...env.sandbox.env(), GITHUB_TOKEN: SANDBOX_TOKENS.app, RELKIT_WRITE_INTERVAL_MS: '0', RELKIT_RETRY_BASE_MS: '20', GITHUB_STEP_SUMMARY: '' },
  }).catch((e: { code: number; stdout: string; stderr: string }) => e);
}

const repo = (name: string) => env.sandbox.state.repo(`relkit/${name}`)!;
const tag = (name: string, t: string) => repo(name).refs.get(`refs/tags/${t}`);
const head = (name: string) => repo(name).refs.get('refs/heads/main')!;
// A GraphQL commit would move a head, which the tests check; REST writes are counted.
const writes = () => env.sandbox.log.filter((e) => e.server !== 'graphql' && e.method !== 'GET').length;

const filesAtCommit = (name: string, commit: string) => filesAt(env.sandbox, `relkit/${name}`, commit);

describe('relkit publish-actions and move-tags', () => {
  it('mock: reads every repository, plans the commits and tags, sends nothing', async () => {
    const before = releaseOutcome(env.sandbox);
    const result = await relkit('publish-actions', '--version', '1.0.0', '--trees', trees, '--mock');
    expect('code' in result ? result.stderr : '').toBe('');
    expect(result.stdout).toMatch(/\[mock\] would GRAPHQL createCommitOnBranch relkit\/lock-branch@main: commit \d+ file\(s\), delete 1: lock-branch v1\.0\.0/);
    expect(result.stdout).toMatch(/\[mock\] would POST \/repos\/relkit\/draft-release\/git\/refs: create tag v1\.0 at the new commi/);
    expect(releaseOutcome(env.sandbox)).toEqual(before);
  });

  it('commits each tree (signed, old files gone) and tags v1.0.0, v1 and v1.0 on it; a re-run changes nothing', async () => {
    const result = await relkit('publish-actions', '--version', '1.0.0', '--trees', trees, '--source', 'relkit/relkit@r1');
    expect('code' in result ? result.stderr : '').toBe('');
    for (const name of PUBLISHED) {
      const sha = head(name);
      expect(filesAtCommit(name, sha)).toEqual(await filesIn(join(trees, name)));
      const commit = repo(name).objects.commit(sha)!;
      // Signed by GitHub, as createCommitOnBranch commits are.
      expect(commit.signature).toBeTruthy();
      expect(commit.committer.email).toBe('noreply@github.com');
      expect(commit.message).toMatch(new RegExp(`^${name} v1\\.0\\.0\\n\\nPublished from relkit/relkit@r1`));
      for (const t of ['v1.0.0', 'v1', 'v1.0']) expect(tag(name, t)).toBe(sha);
    }
    const heads = PUBLISHED.map(head);
    const before = writes();
    const again = await relkit('publish-actions', '--version', '1.0.0', '--trees', trees);
    expect(again.stdout).toMatch(/relkit\/lock-branch: already-present [0-9a-f]{40}; v1\.0\.0 unchanged, v1 unchanged, v1\.0 unchanged/);
    expect(PUBLISHED.map(head)).toEqual(heads);
    expect(writes()).toBe(before);
  });

  it('a minor release moves v1, adds v1.1 and leaves v1.0.0 and v1.0; a later patch of 1.0 never pulls v1 back', async () => {
    const first = Object.fromEntries(PUBLISHED.map((n) => [n, head(n)]));
    await writeFile(join(trees, 'lock-branch/README.md'), '# lock-branch\n\nNow with more.\n');
    const minor = await relkit('publish-actions', '--version', '1.1.0', '--trees', trees);
    expect('code' in minor ? minor.stderr : '').toBe('');
    expect(head('lock-branch')).not.toBe(first['lock-branch']);
    expect(repo('lock-branch').objects.commit(head('lock-branch'))!.parents).toEqual([first['lock-branch']]);
    // draft-release's tree did not change: v1.1.0 names the same commit as v1.0.0.
    expect(head('draft-release')).toBe(first['draft-release']);
    for (const name of PUBLISHED) {
      expect(tag(name, 'v1.0.0')).toBe(first[name]);
      expect(tag(name, 'v1.0')).toBe(first[name]);
      expect(tag(name, 'v1.1.0')).toBe(head(name));
      expect(tag(name, 'v1.1')).toBe(head(name));
      expect(tag(name, 'v1')).toBe(head(name));
    }
    await writeFile(join(trees, 'lock-branch/README.md'), '# lock-branch\n\nA patch of 1.0.\n');
    const patch = await relkit('publish-actions', '--version', '1.0.1', '--trees', trees);
    expect(patch.stdout).toMatch(/relkit\/lock-branch: committed [0-9a-f]{40}; v1\.0\.1 created, v1 kept \(stays with v1\.1\.0, which is newer\), v1\.0 moved/);
    expect(tag('lock-branch', 'v1')).toBe(tag('lock-branch', 'v1.1.0'));
    expect(tag('lock-branch', 'v1.0')).toBe(tag('lock-branch', 'v1.0.1'));
  });

  it('a pre-release gets its own tag only', async () => {
    const v1 = PUBLISHED.map((n) => tag(n, 'v1'));
    const rc = await relkit('publish-actions', '--version', 'v1.2.0-rc.1', '--trees', trees);
    expect('code' in rc ? rc.stderr : '').toBe('');
    expect(PUBLISHED.map((n) => tag(n, 'v1'))).toEqual(v1);
    expect(PUBLISHED.map((n) => tag(n, 'v1.2.0-rc.1'))).toEqual(PUBLISHED.map(head));
    expect(PUBLISHED.map((n) => tag(n, 'v1.2'))).toEqual([undefined, undefined]);
  });

  it('refuses to move a release tag: a changed tree for an existing version fails before any repository is written', async () => {
    await writeFile(join(trees, 'lock-branch/README.md'), '# lock-branch\n\nRewritten history.\n');
    const before = releaseOutcome(env.sandbox);
    const failed = await relkit('publish-actions', '--version', '1.1.0', '--trees', trees);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(
      /relkit\/lock-branch already has v1\.1\.0 at [0-9a-f]{12}, holding other files than this release's tree; a release tag is never moved\.\nFix: Release the next version instead/,
    );
    expect(releaseOutcome(env.sandbox)).toEqual(before);
  });

  it('names a repository that does not exist, and a missing version', async () => {
    const failed = await relkit('publish-actions', '--version', '1.3.0', '--trees', trees, '--owner', 'nobody');
    expect((failed as { stderr: string }).stderr).toMatch(/nobody\/draft-release does not exist, or the token cannot see it\.\nFix: Create nobody\/draft-release/);
    const noVersion = await relkit('publish-actions', '--trees', trees);
    expect((noVersion as { stderr: string }).stderr).toMatch(/relkit needs `--version`\.\nFix: Usage: relkit publish-actions/);
  });

  it('a read GitHub refuses while planning is a cause and a fix, not a stack trace, and nothing is written', async () => {
    const before = releaseOutcome(env.sandbox);
    const fault = env.sandbox.addFault({ method: 'GET', path: '/git/commits/', status: 403, times: 20 });
    const failed = await relkit('publish-actions', '--version', '1.3.0', '--trees', trees);
    env.sandbox.faults.clear();
    expect(fault).toBeGreaterThan(0);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(/^relkit: The token may not read relkit\/(lock-branch|draft-release) \(403 [^\n]*\)\.\nFix: Use a token with contents: read permission/);
    expect((failed as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
    expect(releaseOutcome(env.sandbox)).toEqual(before);
  });

  it('move-tags: v1 and v1.0 of relkit/relkit follow its published v1.0.0; an unpublished version is refused', async () => {
    const moved = await relkit('move-tags', '--repo', 'relkit/relkit', '--version', '1.0.0');
    expect(moved.stdout).toContain('relkit/relkit: v1.0.0 unchanged, v1 created, v1.0 created');
    const r = env.sandbox.state.repo('relkit/relkit')!;
    expect(r.refs.get('refs/tags/v1')).toBe(r.refs.get('refs/tags/v1.0.0'));
    const missing = await relkit('move-tags', '--repo', 'relkit/relkit', '--version', '1.4.0');
    expect((missing as { stderr: string }).stderr).toMatch(/relkit\/relkit has no tag v1\.4\.0: the release is not published yet\./);
  });
});
