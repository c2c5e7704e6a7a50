import { createHash } from 'node:crypto';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { errors, runAction } from '../helpers/action.js';
import { SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { scratchDir } from '../helpers/scratch.js';

const env = useSandbox({ repos: [] });
let n = 0;
let repo: { name: string; head: string; full: string };

beforeEach(async () => {
  const name = `rel${++n}`;
  env.sandbox.addRepo({
    owner: 'acme',
    name,
    commits: [
      { id: 'c1', message: 'init', files: { VERSION: '1.0.0\n' } },
      { id: 'c2', message: 'second', files: { VERSION: '1.1.0\n' } },
    ],
  });
  const head = (await env.client().rest.rest.git.getRef({ owner: 'acme', repo: name, ref: 'heads/main' })).data.object.sha;
  repo = { name, head, full: `acme/${name}` };
  env.sandbox.faults.clear();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await scratchDir('release-ws');
  for (const [path, content] of Object.entries(files)) await writeFile(join(dir, path), content);
  return dir;
}

function release(inputs: Record<string, string>, cwd?: string, runId = '5001') {
  return runAction(
    'draft-release',
    env.sandbox,
    { token: SANDBOX_TOKENS.githubToken, ...inputs },
    { ...(cwd ? { cwd } : {}), env: { GITHUB_REPOSITORY: repo.full, GITHUB_SHA: repo.head, GITHUB_RUN_ID: runId } },
  );
}

async function releasesFor(tag: string) {
  const all = (await env.client().rest.rest.repos.listReleases({ owner: 'acme', repo: repo.name, per_page: 100 })).data;
  return all.filter((r) => r.tag_name === tag);
}

async function assetsOf(id: number) {
  return (await env.client().rest.rest.repos.listReleaseAssets({ owner: 'acme', repo: repo.name, release_id: id })).data
    .map((a) => ({ name: a.name, digest: a.digest }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

const ARCHES = ['amd64', 'arm64', 's390x', 'ppc64le'];
const tarball = (arch: string, salt = '') => `kata-static-${arch}${salt}\n`;

describe('draft-release, the Kata shape', () => {
  it('a create step, four parallel upload jobs, a final publish: one release, four assets and SHA256SUMS, published and latest', async () => {
    const created = await release({ tag: 'v1.1.0', body: 'Notes for 1.1.0' });
    expect(errors(created)).toEqual([]);
    expect(created.outputs).toMatchObject({ created: 'true', draft: 'true', published: 'false' });

    const jobs = await Promise.all(ARCHES.map(async (arch) => release({ tag: 'v1.1.0', assets: `kata-static-${arch}.tar.xz` }, await workspace({ [`kata-static-${arch}.tar.xz`]: tarball(arch) }))));
    for (const job of jobs) expect(errors(job)).toEqual([]);

    const names = ARCHES.map((a) => `kata-static-${a}.tar.xz`);
    const final = await release({ tag: 'v1.1.0', publish: 'true', 'expected-assets': names.join(',') });
    expect(errors(final)).toEqual([]);
    expect(final.outputs).toMatchObject({ published: 'true', draft: 'false' });

    const releases = await releasesFor('v1.1.0');
    expect(releases).toHaveLength(1);
    expect(releases[0]!.draft).toBe(false);
    const assets = await assetsOf(releases[0]!.id);
    expect(assets.map((a) => a.name)).toEqual(['SHA256SUMS', ...names.sort()]);
    for (const arch of ARCHES) expect(assets.find((a) => a.name === `kata-static-${arch}.tar.xz`)!.digest).toBe(`sha256:${sha256(tarball(arch))}`);
    const sums = ARCHES.map((a) => `kata-static-${a}.tar.xz`)
      .sort()
      .map((name) => `${sha256(tarball(name.slice('kata-static-'.length, -'.tar.xz'.length)))}  ${name}\n`)
      .join('');
    expect(assets.find((a) => a.name === 'SHA256SUMS')!.digest).toBe(`sha256:${sha256(sums)}`);
    expect((await env.client().rest.rest.repos.getLatestRelease({ owner: 'acme', repo: repo.name })).data.tag_name).toBe('v1.1.0');
    expect((await env.client().rest.rest.git.getRef({ owner: 'acme', repo: repo.name, ref: 'tags/v1.1.0' })).data.object.sha).toBe(repo.head);
  });

  it('four jobs racing to create converge on one draft', async () => {
    const jobs = await Promise.all(ARCHES.map(async (arch) => release({ tag: 'v2.0.0', assets: `a-${arch}.bin` }, await workspace({ [`a-${arch}.bin`]: arch }))));
    for (const job of jobs) expect(errors(job)).toEqual([]);
    const releases = await releasesFor('v2.0.0');
    expect(releases).toHaveLength(1);
    expect(new Set(jobs.map((j) => j.outputs.id))).toEqual(new Set([String(releases[0]!.id)]));
    expect((await assetsOf(releases[0]!.id)).map((a) => a.name)).toEqual(['SHA256SUMS', ...ARCHES.map((a) => `a-${a}.bin`).sort()]);
  });

  it('refuses to publish while an expected asset is missing, and says which', async () => {
    await release({ tag: 'v1.1.0', assets: 'only.bin' }, await workspace({ 'only.bin': 'x' }));
    const final = await release({ tag: 'v1.1.0', publish: 'true', 'expected-assets': 'only.bin,missing.bin' });
    expect(final.failed).toBe(true);
    expect(errors(final).join('\n')).toMatch(/expected assets missing from the draft: missing\.bin[\s\S]*Fix: Re-run the jobs that upload them/);
    expect((await releasesFor('v1.1.0'))[0]!.draft).toBe(true);
  });
});

describe('draft-release is re-run safe', () => {
  it('after faults at uploads and API calls, a re-run ends with one release, every asset once, no stale draft', async () => {
    const dir = await workspace({ 'a.bin': 'A', 'b.bin': 'B', 'c.bin': 'C' });
    env.sandbox.addFault({ method: 'POST', path: '/assets', kind: 'status', status: 502, nth: 2, times: 20 });
    const failed = await release({ tag: 'v3.0.0', assets: '*.bin', publish: 'true' }, dir);
    expect(failed.failed).toBe(true);
    env.sandbox.faults.clear();
    env.sandbox.addFault({ method: 'POST', path: '/assets', kind: 'reset', times: 1 });
    env.sandbox.addFault({ method: 'GET', path: '/releases', kind: 'status', status: 500, times: 1 });
    const rerun = await release({ tag: 'v3.0.0', assets: '*.bin', publish: 'true' }, dir);
    expect(errors(rerun)).toEqual([]);
    const releases = await releasesFor('v3.0.0');
    expect(releases).toHaveLength(1);
    expect(releases[0]!.draft).toBe(false);
    expect(await assetsOf(releases[0]!.id)).toEqual([
      { name: 'SHA256SUMS', digest: `sha256:${sha256(['A', 'B', 'C'].map((c) => `${sha256(c)}  ${c.toLowerCase()}.bin\n`).join(''))}` },
      { name: 'a.bin', digest: `sha256:${sha256('A')}` },
      { name: 'b.bin', digest: `sha256:${sha256('B')}` },
      { name: 'c.bin', digest: `sha256:${sha256('C')}` },
    ]);
  });

  const FAULTS: Array<[string, string]> = [
    ['GET', '/releases'],
    ['POST', '/releases'],
    ['GET', '/assets'],
    ['POST', '/assets'],
    ['DELETE', '/releases/assets/'],
    ['PATCH', '/releases/'],
    ['GET', '/git/ref/'],
  ];
  for (const [method, path] of FAULTS) {
    it(`converges after ${method} ${path} keeps failing: one release, every asset once`, async () => {
      const dir = await workspace({ 'a.bin': 'A', 'b.bin': 'B' });
      // A stale SHA256SUMS makes the run delete an asset, so the DELETE path is exercised too.
      const seeded = await release({ tag: 'v9.0.0', assets: 'a.bin' }, dir);
      expect(errors(seeded)).toEqual([]);
      env.sandbox.addFault({ method, path, kind: 'status', status: 500, times: 50 });
      const failed = await release({ tag: 'v9.0.0', assets: '*.bin', publish: 'true' }, dir);
      expect(failed.failed).toBe(true);
      env.sandbox.faults.clear();
      const rerun = await release({ tag: 'v9.0.0', assets: '*.bin', publish: 'true' }, dir);
      expect(errors(rerun)).toEqual([]);
      const releases = await releasesFor('v9.0.0');
      expect(releases).toHaveLength(1);
      expect(releases[0]!.draft).toBe(false);
      expect((await assetsOf(releases[0]!.id)).map((a) => `${a.name} ${a.digest}`)).toEqual([
        `SHA256SUMS sha256:${sha256(`${sha256('A')}  a.bin\n${sha256('B')}  b.bin\n`)}`,
        `a.bin sha256:${sha256('A')}`,
        `b.bin sha256:${sha256('B')}`,
      ]);
    });
  }

  it('a re-run after success uploads nothing; a changed file is re-uploaded alone', async () => {
    const dir = await workspace({ 'a.bin': 'A', 'b.bin': 'B' });
    expect(errors(await release({ tag: 'v4.0.0', assets: '*.bin' }, dir))).toEqual([]);
    env.sandbox.log.length = 0;
    const again = await release({ tag: 'v4.0.0', assets: '*.bin' }, dir);
    expect(JSON.parse(again.outputs.assets!).map((a: { action: string }) => a.action)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(env.sandbox.log.filter((e) => e.server === 'uploads')).toHaveLength(0);
    await writeFile(join(dir, 'b.bin'), 'B2');
    env.sandbox.log.length = 0;
    const changed = await release({ tag: 'v4.0.0', assets: '*.bin' }, dir);
    expect(JSON.parse(changed.outputs.assets!).map((a: { name: string; action: string }) => `${a.name}:${a.action}`)).toEqual(['a.bin:skipped', 'b.bin:replaced', 'SHA256SUMS:replaced']);
    expect(env.sandbox.log.filter((e) => e.server === 'uploads')).toHaveLength(2);
  });

  it('a new workflow run deletes the stale relkit draft of an earlier run and makes its own', async () => {
    const first = await release({ tag: 'v5.0.0' }, undefined, '7001');
    const second = await release({ tag: 'v5.0.0' }, undefined, '7002');
    expect(errors(second)).toEqual([]);
    const releases = await releasesFor('v5.0.0');
    expect(releases.map((r) => String(r.id))).toEqual([second.outputs.id]);
    expect(second.outputs.id).not.toBe(first.outputs.id);
  });
});

describe('draft-release decides latest and pre-release', () => {
  it('v1.4.3 published after v1.5.0 leaves v1.5.0 latest; an RC is a pre-release and never latest', async () => {
    expect(errors(await release({ tag: 'v1.5.0', publish: 'true' }))).toEqual([]);
    expect(errors(await release({ tag: 'v1.4.3', publish: 'true' }))).toEqual([]);
    const latest = async () => (await env.client().rest.rest.repos.getLatestRelease({ owner: 'acme', repo: repo.name })).data.tag_name;
    expect(await latest()).toBe('v1.5.0');
    const rc = await release({ tag: 'v1.6.0-rc.1', publish: 'true' });
    expect(errors(rc)).toEqual([]);
    expect((await releasesFor('v1.6.0-rc.1'))[0]!.prerelease).toBe(true);
    expect(await latest()).toBe('v1.5.0');
  });

  it('move-branches points live-website at the release once published (created, then force-moved, then left alone)', async () => {
    const admin = env.client().rest;
    const first = (await admin.rest.repos.getCommit({ owner: 'acme', repo: repo.name, ref: repo.head })).data.parents[0]!.sha;
    const branchAt = async (branch: string) => (await admin.rest.git.getRef({ owner: 'acme', repo: repo.name, ref: `heads/${branch}` })).data.object.sha;
    await admin.rest.git.createRef({ owner: 'acme', repo: repo.name, ref: 'refs/heads/live-website', sha: first });

    const mock = await release({ tag: 'v7.0.0', publish: 'true', 'move-branches': 'live-website, stable', mock: 'true' });
    expect(errors(mock)).toEqual([]);
    expect(mock.stdout).toMatch(/move the branch live-website from [0-9a-f]{12} to [0-9a-f]{12} \(force\)/);
    expect(await branchAt('live-website')).toBe(first);

    const published = await release({ tag: 'v7.0.0', publish: 'true', 'move-branches': 'live-website, stable' });
    expect(errors(published)).toEqual([]);
    expect(JSON.parse(published.outputs['moved-branches']!)).toEqual([
      { branch: 'live-website', from: first, to: repo.head, action: 'moved' },
      { branch: 'stable', from: null, to: repo.head, action: 'created' },
    ]);
    expect(await branchAt('live-website')).toBe(repo.head);
    expect(await branchAt('stable')).toBe(repo.head);
    const again = await release({ tag: 'v7.0.0', publish: 'true', 'move-branches': 'live-website, stable' });
    expect(JSON.parse(again.outputs['moved-branches']!).map((m: { action: string }) => m.action)).toEqual(['unchanged', 'unchanged']);

    const main = await release({ tag: 'v7.0.0', publish: 'true', 'move-branches': 'main' });
    expect(errors(main).join('\n')).toMatch(/lists main, the default branch/);
    const draftOnly = await release({ tag: 'v7.0.1', 'move-branches': 'live-website' });
    expect(errors(draftOnly).join('\n')).toMatch(/`move-branches` is set but `publish` is false/);
    expect(await releasesFor('v7.0.1')).toEqual([]);
  });

  it('never moves an existing tag: publishing at another commit is refused', async () => {
    const admin = env.client().rest;
    const first = (await admin.rest.repos.getCommit({ owner: 'acme', repo: repo.name, ref: repo.head })).data.parents[0]!.sha;
    await admin.rest.git.createRef({ owner: 'acme', repo: repo.name, ref: 'refs/tags/v6.0.0', sha: first });
    const result = await release({ tag: 'v6.0.0', publish: 'true' });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toMatch(/tag v6\.0\.0 already exists at [0-9a-f]{12}, not at the target [0-9a-f]{12}/);
  });
});

describe('draft-release explains what GitHub refuses', () => {
  it('GITHUB_TOKEN on a target that changes workflows: the fix names an App token', async () => {
    const admin = env.client().rest;
    await admin.rest.repos
      .createOrUpdateFileContents({ owner: 'acme', repo: repo.name, path: '.github/workflows/ci.yml', branch: 'feature', message: 'ci', content: Buffer.from('on: push\n').toString('base64') })
      .catch(async () => {
        await admin.rest.git.createRef({ owner: 'acme', repo: repo.name, ref: 'refs/heads/feature', sha: repo.head });
        await admin.rest.repos.createOrUpdateFileContents({
          owner: 'acme',
          repo: repo.name,
          path: '.github/workflows/ci.yml',
          branch: 'feature',
          message: 'ci',
          content: Buffer.from('on: push\n').toString('base64'),
        });
      });
    const result = await release({ tag: 'v10.0.0', target: 'feature', publish: 'true' });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toMatch(/workflows[\s\S]*Fix: GITHUB_TOKEN cannot create releases on a commit that changes workflows; use a GitHub App token with the workflows permission/);
  });

  it('cuts a body over 125,000 characters with a pointer to the full notes, and warns', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => `* change ${i} ${'x'.repeat(50)}`).join('\n');
    // As gen-relnotes hands it over: a file (an input this long would not fit in the environment).
    const cwd = await workspace({ 'notes.md': body });
    const result = await runAction(
      'draft-release',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, tag: 'v11.0.0', 'body-file': 'notes.md' },
      { cwd, env: { GITHUB_REPOSITORY: repo.full, GITHUB_SHA: repo.head, GITHUB_RUN_ID: '5001', GITHUB_SERVER_URL: 'https://github.com' } },
    );
    expect(errors(result)).toEqual([]);
    const [created] = await releasesFor('v11.0.0');
    expect(created!.body!.length).toBeLessThanOrEqual(125_000);
    expect(created!.body).toContain(`truncated at GitHub's 125,000-character limit; full notes: https://github.com/${repo.full}/actions/runs/5001`);
    expect(result.annotations.some((a) => a.level === 'warning' && /cut at GitHub's 125,000-character limit/.test(a.message))).toBe(true);
  });

  it('works with immutable releases: everything is uploaded while a draft, and a re-run after publishing is a no-op', async () => {
    const name = `immutable${n}`;
    env.sandbox.addRepo({ owner: 'acme', name, immutableReleases: true, commits: [{ id: 'c1', message: 'init', files: { VERSION: '1.0.0\n' } }] });
    repo = { ...repo, name, full: `acme/${name}`, head: (await env.client().rest.rest.git.getRef({ owner: 'acme', repo: name, ref: 'heads/main' })).data.object.sha };
    const dir = await workspace({ 'a.bin': 'A' });
    expect(errors(await release({ tag: 'v1.0.0', assets: 'a.bin', publish: 'true' }, dir))).toEqual([]);
    env.sandbox.log.length = 0;
    const again = await release({ tag: 'v1.0.0', assets: 'a.bin', publish: 'true' }, dir);
    expect(errors(again)).toEqual([]);
    expect(again.outputs).toMatchObject({ published: 'true', created: 'false' });
    expect(env.sandbox.log.filter((e) => e.method !== 'GET')).toEqual([]);
  });
});

describe('draft-release in mock mode and with bad input', () => {
  it('mock lists the release, each asset with size and hash, and sends nothing', async () => {
    const dir = await workspace({ 'a.bin': 'AAAA' });
    const before = JSON.stringify(env.sandbox.dump());
    const result = await release({ tag: 'v7.0.0', assets: 'a.bin', publish: 'true', mock: 'true' }, dir);
    expect(errors(result)).toEqual([]);
    expect(JSON.stringify(env.sandbox.dump())).toBe(before);
    expect(result.summary).toContain('create the draft release v7.0.0');
    expect(result.summary).toContain(`upload a.bin (4 bytes, sha256 ${sha256('AAAA').slice(0, 12)}`);
    expect(result.summary).toContain('publish v7.0.0');
  });

  it('refuses a file over 2 GiB before any upload (a sparse file, so the test stays small)', async () => {
    const dir = await workspace({ 'small.bin': 's' });
    await writeFile(join(dir, 'huge.iso'), '');
    await truncate(join(dir, 'huge.iso'), 2 * 1024 ** 3 + 1);
    env.sandbox.log.length = 0;
    const result = await release({ tag: 'v12.0.0', assets: 'small.bin\nhuge.iso' }, dir);
    expect(errors(result).join('\n')).toMatch(/huge\.iso is 2\.00 GiB; GitHub takes at most 2 GiB an asset/);
    expect(env.sandbox.log).toHaveLength(0);
  });

  it('falls back to GitHub generated notes when no body is given', async () => {
    const result = await release({ tag: 'v13.0.0', 'generate-notes': 'true' });
    expect(errors(result)).toEqual([]);
    // No pull request was merged into this repository: GitHub's notes are the changelog link alone.
    expect((await releasesFor('v13.0.0'))[0]!.body).toMatch(/^\*\*Full Changelog\*\*: \S+\/commits\/v13\.0\.0\n/);
  });

  it('refuses a missing asset file and a name collision before any request', async () => {
    const dir = await workspace({ 'a b.bin': 'x', 'a.b.bin': 'y' });
    env.sandbox.log.length = 0;
    const missing = await release({ tag: 'v8.0.0', assets: 'nope.tar.gz' }, dir);
    expect(errors(missing).join('\n')).toMatch(/Input `assets`: "nope\.tar\.gz" matches no file/);
    const clash = await release({ tag: 'v8.0.0', assets: '*.bin' }, dir);
    expect(errors(clash).join('\n')).toMatch(/would both be named "a\.b\.bin"/);
    expect(env.sandbox.log).toHaveLength(0);
  });
});

describe('push-tag: the tag before the release, for builds that run on a tag push', () => {
  it('pushes the tag at the target once (a re-run keeps it), and refuses one elsewhere before making a draft', async () => {
    const first = await release({ tag: 'v1.1.0', target: repo.head, 'push-tag': 'true' });
    expect(errors(first)).toEqual([]);
    expect(first.outputs['tag-pushed']).toBe('created');
    const tagged = (await env.client().rest.rest.git.getRef({ owner: 'acme', repo: repo.name, ref: 'tags/v1.1.0' })).data.object.sha;
    expect(tagged).toBe(repo.head);
    const again = await release({ tag: 'v1.1.0', target: repo.head, 'push-tag': 'true' });
    expect(again.outputs['tag-pushed']).toBe('unchanged');
    expect(await releasesFor('v1.1.0')).toHaveLength(1);

    const parent = (await env.client().rest.rest.repos.getCommit({ owner: 'acme', repo: repo.name, ref: repo.head })).data.parents[0]!.sha;
    await env.client().rest.rest.git.createRef({ owner: 'acme', repo: repo.name, ref: 'refs/tags/v1.2.0', sha: parent });
    const refused = await release({ tag: 'v1.2.0', target: repo.head, 'push-tag': 'true' });
    expect(errors(refused).join('\n')).toMatch(/Tag v1\.2\.0 already exists at [0-9a-f]{12}, not at the release commit [0-9a-f]{12}\.[\s\S]*Fix: A pushed tag is never moved/);
    expect(refused.stderr + refused.stdout).not.toMatch(/\n\s+at /);
    expect(await releasesFor('v1.2.0')).toEqual([]);
  });
});
