import { afterAll, describe, expect, it } from 'vitest';
import { failures, stage, type Stage } from './scenario-harness.js';
import { ACTIONS, expectDownloaded, stepLogs } from './self-release-helpers.js';

describe("relkit's very first release, from an empty GitHub (self-first)", () => {
  let first: Stage | undefined;
  afterAll(async () => {
    await first?.close();
  });

  it('mock: the pinned actions do not exist yet, so the release cannot be set up, and nothing is written', async () => {
    first = await stage('self-first');
    const before = first.sandbox.dump();
    const record = await first.run({ mock: true });
    expect(record.jobs.bootstrap!.result).toBe('success');
    expect(record.jobs.release!.result).toBe('failure');
    expect(failures(record)).toMatch(/Unable to resolve action `?relkit\/[a-z-]+@v\d+\.\d+\.\d+/);
    expect(first.sandbox.dump()).toEqual(before);
  });

  it('no-mock: bootstrap publishes the pinned version of each action, then the release uses them and publishes', async () => {
    const record = await first!.run({ mock: false, runId: '7201' });
    expect(record.result, failures(record)).toBe('success');
    const version = first!.scenario.expect.version;
    const state = first!.sandbox.state;
    for (const action of ACTIONS) expect(state.repo(`relkit/${action}`)!.refs.get(`refs/tags/v${version}`), action).toBeDefined();
    // The release's jobs ran the actions bootstrap had just published.
    for (const action of ['bump-version-files', 'gen-relnotes', 'draft-release']) {
      expectDownloaded(stepLogs(record), `relkit/${action}@v${version}`, state.repo(`relkit/${action}`)!.refs.get(`refs/tags/v${version}`)!);
    }
    const release = state.repo('relkit/relkit')!.releases.find((r) => r.tagName === `v${version}`)!;
    expect(release.draft).toBe(false);
  });
});
