import { describe, expect, it } from 'vitest';
import { failures, stage } from '../scenario-harness.js';
import { rehearseScenario, results } from '../scenario-suite.js';

// One file per scenario, so the suites run side by side.
rehearseScenario('kata');

describe('a release that would fail later fails in plan, before the lock or any write', () => {
  it('a broken .github/release.yml stops the Kata release in plan: nothing locked, committed or drafted', async () => {
    const broken = await stage('kata', (scenario) => {
      scenario.repos[0]!.commits!.push({
        id: 'config',
        message: 'Add release notes categories',
        files: { '.github/release.yml': 'changelog:\n  categories:\n    - title: Features\n      lables: [kind/feature]\n' },
      });
    });
    try {
      const before = broken.sandbox.dump();
      const record = await broken.run({ mock: false });
      expect(results(record)).toMatchObject({ plan: 'failure', lock: 'skipped', bump: 'skipped', draft: 'skipped', unlock: 'skipped', summary: 'failure' });
      expect(failures(record)).toMatch(/\.github\/release\.yml:4:7: unknown key "lables"/);
      expect(broken.sandbox.dump()).toEqual(before);
    } finally {
      await broken.close();
    }
  });
});
