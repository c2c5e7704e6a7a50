import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClients } from '@relkit/kit';
import { filesAt as filesAtRef, releaseOutcome } from '@relkit/rehearsal';
import { SANDBOX_TOKENS } from '@relkit/sandbox';
import { filesIn, scratchDir } from '../helpers/scratch.js';
import { failures, stage, type Stage } from './scenario-harness.js';
import { ACTIONS, expectDownloaded, stepLogs } from './self-release-helpers.js';

const run = promisify(execFile);

let self: Stage;
beforeAll(async () => {
  self = await stage('self');
}, 60_000);
afterAll(async () => {
  await self?.close();
  expect(self.violations).toEqual([]);
});

const repo = (name: string) => self.sandbox.state.repo(`relkit/${name}`)!;
const tag = (name: string, t: string) => repo(name).refs.get(`refs/tags/${t}`);
const head = (name: string) => repo(name).refs.get('refs/heads/main')!;

const filesAt = (name: string, ref: string) => filesAtRef(self.sandbox, `relkit/${name}`, ref);

/** A release asset `<action>.tar.gz` unpacked: path → text. */
async function assetTree(version: string, action: string): Promise<Record<string, string>> {
  const release = repo('relkit').releases.find((r) => r.tagName === `v${version}`)!;
  const asset = release.assets.find((a) => a.name === `${action}.tar.gz`)!;
  const dir = await scratchDir(`asset-${action}`);
  await writeFile(join(dir, 'asset.tar.gz'), asset.data);
  await mkdir(join(dir, 'out'));
  await run('tar', ['-xzf', join(dir, 'asset.tar.gz'), '-C', join(dir, 'out')]);
  return filesIn(join(dir, 'out', action));
}

describe('relkit releases itself: release-relkit.yml dispatched in the sandbox', () => {
  const seeded = () => Object.fromEntries(ACTIONS.map((a) => [a, tag(a, 'v0.1.0')]));

  it('mock: every job succeeds, the plan names the commits and tags, nothing changes', async () => {
    const before = releaseOutcome(self.sandbox);
    const record = await self.run({ mock: true });
    expect(record.result, failures(record)).toBe('success');
    expect(Object.keys(record.jobs)).toEqual(['bootstrap', 'release', 'actions', 'publish-relkit']);
    // Every action repository has the version release.yml pins: bootstrap writes nothing.
    expect(stepLogs(record)).toMatch(/relkit\/lock-branch: v0\.1\.0 \([0-9a-f]{12}\) already holds this tree; nothing to commit\./);
    expect(Object.keys(record.jobs.release!.called!.jobs)).toContain('bump');
    // v0.1.0 holds today's trees already: the plan is tags only.
    expect(stepLogs(record)).toMatch(
      /relkit\/lock-branch: main \([0-9a-f]{12}\) already holds this tree; nothing to commit\.[\s\S]*\[mock\] would POST \/repos\/relkit\/lock-branch\/git\/refs: create tag v1\.0\.0 at [0-9a-f]{12}/,
    );
    expect(releaseOutcome(self.sandbox)).toEqual(before);
  });

  it('v1.0.0: pins and package.json bumped, the six trees as assets, each action repository committed and tagged, published', async () => {
    const v010 = seeded();
    const record = await self.run({ mock: false, runId: '7101' });
    expect(record.result, failures(record)).toBe('success');
    const releaseCommit = head('relkit');
    expect(filesAt('relkit', releaseCommit)['package.json']).toMatch(/"version": "1\.0\.0"/);
    // The release writes its own CHANGELOG section, committed with the bump.
    expect(filesAt('relkit', releaseCommit)['CHANGELOG.md']).toMatch(/^## \[?v?1\.0\.0\]?.*$/m);
    for (const workflow of ['.github/workflows/release.yml', '.github/workflows/release-relkit.yml']) {
      const pins = [...filesAt('relkit', releaseCommit)[workflow]!.matchAll(/uses: relkit\/[a-z-]+@(v\d+\.\d+\.\d+\S*)/g)].map((m) => m[1]);
      expect(pins.length).toBeGreaterThan(0);
      expect(new Set(pins)).toEqual(new Set(['v1.0.0']));
    }
    const release = repo('relkit').releases.find((r) => r.tagName === 'v1.0.0')!;
    expect(release.draft).toBe(false);
    expect(release.assets.map((a) => a.name).sort()).toEqual(self.scenario.expect.assets);
    expect(release.body).toMatch(/names who holds a lock in the job summary/i);
    expect(release.body).toMatch(/retries an upload whose connection was reset/i);
    expect(release.body).not.toMatch(/setup-node/);
    for (const action of ACTIONS) {
      const sha = head(action);
      expect(filesAt(action, sha)).toEqual(await assetTree('1.0.0', action));
      expect(filesAt(action, sha)['action.yml']).toMatch(/^ {2}main: dist\/index\.js$/m);
      for (const t of ['v1.0.0', 'v1', 'v1.0']) expect(tag(action, t), `${action} ${t}`).toBe(sha);
      for (const t of ['v0.1.0', 'v0', 'v0.1']) expect(tag(action, t), `${action} ${t}`).toBe(v010[action]);
      expect(release.body).toContain(`\`relkit/${action}@${sha} # v1.0.0\``);
    }
    expect(release.body).toContain(`\`relkit/relkit/.github/workflows/release.yml@${releaseCommit} # v1.0.0\``);
    for (const t of ['v1.0.0', 'v1', 'v1.0']) expect(tag('relkit', t), `relkit ${t}`).toBe(releaseCommit);
  });

  it('v1.1.0 from the released main runs the actions published as v1.0.0, moves v1 and v1.x, and leaves v1.0.0 and v1.0', async () => {
    const first = Object.fromEntries([...ACTIONS, 'relkit'].map((a) => [a, tag(a, 'v1.0.0')!]));
    // A change to lock-branch's README lands between the two releases.
    const github = createGitHubClients({
      token: SANDBOX_TOKENS.admin,
      apiUrl: self.sandbox.urls.api,
      graphqlUrl: self.sandbox.urls.graphql,
      retryBaseMs: 10,
      writeIntervalMs: 0,
      notificationIntervalMs: 0,
    });
    const readme = `${filesAt('relkit', head('relkit'))['actions/lock-branch/README.md']}\nLocks are named after their holder.\n`;
    await github.graphql(`mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`, {
      input: {
        branch: { repositoryNameWithOwner: 'relkit/relkit', branchName: 'main' },
        expectedHeadOid: head('relkit'),
        message: { headline: 'lock-branch: document lock names' },
        fileChanges: { additions: [{ path: 'actions/lock-branch/README.md', contents: Buffer.from(readme).toString('base64') }] },
      },
    });
    self.scenario.inputs = { version: 'minor' };
    const record = await self.run({ mock: false, runId: '7102' });
    expect(record.result, failures(record)).toBe('success');
    const logs = stepLogs(record);
    for (const action of ['bump-version-files', 'gen-relnotes', 'draft-release']) expectDownloaded(logs, `relkit/${action}@v1.0.0`, first[action]!);
    expect(filesAt('lock-branch', tag('lock-branch', 'v1')!)['README.md']).toContain('Locks are named after their holder.');
    expect(tag('lock-branch', 'v1')).not.toBe(first['lock-branch']);
    for (const action of [...ACTIONS, 'relkit']) {
      expect(tag(action, 'v1.0.0'), `${action} v1.0.0`).toBe(first[action]);
      expect(tag(action, 'v1.0'), `${action} v1.0`).toBe(first[action]);
      expect(tag(action, 'v1'), `${action} v1`).toBe(tag(action, 'v1.1.0'));
      expect(tag(action, 'v1.1'), `${action} v1.1`).toBe(tag(action, 'v1.1.0'));
    }
    // An action whose tree did not change keeps its commit: v1.1.0 names the v1.0.0 commit.
    expect(tag('wait-for-images', 'v1.1.0')).toBe(first['wait-for-images']);
    expect(tag('relkit', 'v1')).not.toBe(first.relkit);
    expect(repo('relkit').releases.find((r) => r.tagName === 'v1.1.0')?.draft).toBe(false);
  });
});
