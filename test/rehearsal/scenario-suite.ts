import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAt, releaseOutcome, startLocalRegistry, type LocalRegistry, type ReleaseOutcome, type RunRecord } from '@relkit/rehearsal';
import type { FaultRule } from '@relkit/sandbox';
import { failures, stage, type Stage } from './scenario-harness.js';

/**
 * Each release process released through release.yml by the rehearsal runner: the committed bundles
 * under Node 24 against the sandbox over HTTP and a real registry. A mock run first (nothing may
 * change), then the real run (the state a correct release leaves), then, in a fresh sandbox, a run
 * whose middle job fails on a fault that outlasts the attempt, finished by "Re-run failed jobs".
 */
const FAULTS = {
  // An upload that keeps failing: every build leg fails after its retries.
  kata: { job: 'build', rule: { method: 'POST', path: '/releases/', times: 10_000, status: 502 } },
  metallb: { job: 'draft', rule: { method: 'POST', path: '/repos/metallb/metallb/releases', times: 10_000, status: 503 } },
  kubernetes: { job: 'promote', rule: { method: 'POST', path: '/repos/kubernetes/k8s.io/pulls', times: 10_000, status: 502 } },
  gaie: { job: 'promote', rule: { method: 'POST', path: '/repos/gaie-bot/k8s.io/git/refs', times: 10_000, status: 500 } },
  'kube-rs': { job: 'draft', rule: { method: 'POST', path: '/repos/kube-rs/kube/releases', times: 10_000, status: 502 } },
} satisfies Record<string, { job: string; rule: FaultRule }>;

/** What the summary job wrote to the job summary. */
function summaryOf(record: RunRecord): string {
  return record.jobs.summary?.legs[0]?.steps.find((s) => s.name === 'Write the release summary')?.summary ?? '';
}

export function results(record: RunRecord): Record<string, string> {
  return Object.fromEntries(Object.entries(record.jobs).map(([id, job]) => [id, job.result]));
}

/** The outcome with the sandbox's own addresses taken out, so two sandboxes compare. */
function comparable(current: Stage): ReleaseOutcome {
  const { html, api } = current.sandbox.urls;
  return releaseOutcome(current.sandbox, (text) => text.replaceAll(html, 'HTML').replaceAll(api, 'API'));
}

/** Defines the rehearsal tests of one scenario: its own registry, a mock run, a real run, a fault and a re-run. */
export function rehearseScenario(name: keyof typeof FAULTS & string): void {
  describe(`the ${name} release, rehearsed`, () => {
    let registry: LocalRegistry;
    beforeAll(async () => {
      registry = await startLocalRegistry();
    });
    afterAll(async () => {
      await registry?.stop();
    });

    let clean: Stage;
    let cleanOutcome: ReleaseOutcome;
    afterAll(async () => {
      await clean?.close();
      expect(clean?.violations ?? []).toEqual([]);
    });

    it('mock: every job reads and plans, the sandbox is left exactly as it was', async () => {
      clean = await stage(name);
      const before = clean.sandbox.dump();
      const record = await clean.run({ mock: true, registry });
      expect(failures(record)).toBe('');
      expect(record.result).toBe('success');
      expect(clean.sandbox.dump()).toEqual(before);
      const bump = record.jobs.bump!.legs[0]!.steps.find((s) => s.id === 'bump');
      if (clean.scenario.inputs['bump-mode'] !== 'none') expect(bump?.summary).toMatch(/\(mock\)/);
      expect(summaryOf(record)).toMatch(/mock: nothing was changed/);
    });

    it('no-mock: files, tag, one release with its assets and notes, promotion, images and locks end right', async () => {
      const { scenario, sandbox } = clean;
      const expected = scenario.expect;
      const protectionsBefore = releaseOutcome(sandbox).repositories[scenario.repository]!.protections;
      const record = await clean.run({ mock: false, registry });
      expect(failures(record)).toBe('');
      expect(record.jobs.plan!.outputs).toMatchObject({ version: expected.version, tag: expected.tag });

      for (const [path, content] of Object.entries(expected.files)) {
        const text = fileAt(sandbox, scenario.repository, expected.branch, path);
        if (typeof content === 'string') expect(text, path).toBe(content);
        else expect(text, path).toMatch(content);
      }
      const repo = sandbox.state.repo(scenario.repository)!;
      const head = repo.refs.get(`refs/heads/${expected.branch}`);
      const releases = repo.releases.filter((r) => r.tagName === expected.tag);
      expect(releases).toHaveLength(1);
      const release = releases[0]!;
      expect({ draft: release.draft, prerelease: release.prerelease, latest: repo.latestReleaseId === release.id }).toEqual({
        draft: !expected.published,
        prerelease: expected.prerelease,
        latest: expected.latest,
      });
      // A published release's tag points at the release commit; a draft has no tag yet.
      expect(repo.refs.get(`refs/tags/${expected.tag}`)).toBe(expected.published ? head : undefined);
      expect(release.targetCommitish).toBe(head);
      const assetNames = release.assets.map((a) => a.name).sort();
      expect(assetNames).toEqual([...expected.assets].sort());
      if (assetNames.includes('SHA256SUMS')) {
        const sums = release.assets.find((a) => a.name === 'SHA256SUMS')!.data.toString('utf8');
        for (const asset of release.assets.filter((a) => a.name !== 'SHA256SUMS')) expect(sums).toContain(`  ${asset.name}`);
      }
      for (const note of expected.notes) expect(release.body).toMatch(note);
      expect(release.body).not.toMatch(/#\d+.*NONE|kernel config version|golang\.org\/x\/net/);

      if (scenario.images) {
        const digests = JSON.parse(record.jobs.images!.outputs.digests!) as Record<string, string>;
        expect(Object.keys(digests).sort()).toEqual(scenario.images.staging.map((s) => `${registry.host}/${s}:${expected.tag}`).sort());
      }
      if (scenario.promoter) {
        const promoter = sandbox.state.repo(scenario.promoter.repository)!;
        expect(promoter.pulls).toHaveLength(1);
        const pull = promoter.pulls[0]!;
        const digests = JSON.parse(record.jobs.images!.outputs.digests!) as Record<string, string>;
        const manifest = fileAt(sandbox, scenario.promoter.repository, pull.mergedAt ? 'main' : pull.headRef, scenario.promoter.manifest)!;
        for (const digest of Object.values(digests)) expect(manifest).toContain(`"${digest}": ["${expected.tag}"]`);
        expect(pull.mergedAt !== null).toBe(Boolean(scenario.images?.production));
        if (scenario.images?.production) expect(record.jobs.promote!.legs[0]!.steps.find((s) => s.name === 'Wait for the promoted images')!.conclusion).toBe('success');
      }
      for (const branch of expected.movedBranches ?? []) expect(repo.refs.get(`refs/heads/${branch}`)).toBe(head);

      const after = releaseOutcome(sandbox).repositories[scenario.repository]!;
      expect(after.rulesets).toEqual([]);
      expect(after.protections).toEqual(protectionsBefore);
      expect(record.jobs.lock!.result).toBe(expected.locked ? 'success' : 'skipped');
      if (expected.locked) {
        expect(record.jobs.lock!.legs[0]!.steps.find((s) => s.id === 'lock')!.outputs.locked).toBe('true');
        expect(record.jobs.unlock!.result).toBe('success');
      }
      cleanOutcome = comparable(clean);
    });

    it('a middle job that fails on a lasting fault, then "Re-run failed jobs", ends exactly as the clean run', async () => {
      const faulty = await stage(name);
      try {
        const { job, rule } = FAULTS[name];
        faulty.sandbox.addFault(rule);
        const first = await faulty.run({ mock: false, registry });
        expect(results(first)[job]).toBe('failure');
        expect(results(first).publish).toBe('skipped');
        expect(results(first).summary).toBe('failure');
        // The summary draws the run as a graph of its jobs with their results.
        const summary = summaryOf(first);
        expect(summary).toContain('```mermaid\nflowchart LR\n  plan --> lock\n  lock --> bump\n');
        // Each job that ran shows how long it took, read from the Actions API with the App's token.
        expect(summary).toMatch(new RegExp(`\n  ${job}\\["${job}: failure, \\d+s"\\]:::failure\n`));
        expect(summary).toMatch(/\n {2}plan\["plan: success, \d+s"\]:::success\n/);
        expect(summary).toContain('| Job | Result | Duration |');
        expect(summary).toContain('  publish["publish: skipped"]:::skipped');
        const repo = faulty.sandbox.state.repo(faulty.scenario.repository)!;
        // The branch is unlocked after the failed attempt too.
        expect(repo.rulesets).toEqual([]);
        if (faulty.scenario.expect.locked) {
          expect(results(first).lock).toBe('success');
          expect(results(first).unlock).toBe('success');
        }

        faulty.sandbox.faults.clear();
        const second = await faulty.run({ mock: false, registry, previous: first });
        expect(failures(second)).toBe('');
        expect(second.attempt).toBe(2);
        // Jobs that succeeded keep their first attempt; the failed one and its dependents ran again.
        expect(second.jobs.plan!.attempt).toBe(1);
        expect(second.jobs[job]!.attempt).toBe(2);
        expect(second.jobs.summary!.attempt).toBe(2);
        expect(comparable(faulty)).toEqual(cleanOutcome);
        expect(faulty.violations).toEqual([]);
      } finally {
        await faulty.close();
      }
    });
  });
}
