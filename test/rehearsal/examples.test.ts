import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRegistry, type LocalRegistry } from '@relkit/rehearsal';
import { failures, stage } from './scenario-harness.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
/** The project each example releases: the scenario it is rehearsed against. */
const SCENARIO: Record<string, string> = {
  'gateway-api-inference-extension-rc.yml': 'gaie',
  'kata-multi-arch.yml': 'kata',
  'kata.yml': 'kata',
  'kube-rs.yml': 'kube-rs',
  'kubernetes.yml': 'kubernetes',
  'metallb.yml': 'metallb',
};

let registry: LocalRegistry;
beforeAll(async () => {
  registry = await startLocalRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

it('every example has a scenario', () => {
  expect(
    readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.yml'))
      .sort(),
  ).toEqual(Object.keys(SCENARIO).sort());
});

/**
 * Each example runs as the user's own workflow_dispatch workflow, with the secrets a repository can
 * hold: with the App it releases; without one it either releases or stops before anything is written,
 * saying what to add, and never waits out a timeout.
 */
describe.each(Object.keys(SCENARIO))('examples/%s', (file) => {
  const caller = { name: file, content: readFileSync(`${EXAMPLES}${file}`, 'utf8') };

  it('releases with the App', async () => {
    const current = await stage(SCENARIO[file]!);
    try {
      const record = await current.run({ mock: false, registry, caller });
      expect(failures(record)).toBe('');
      expect(current.violations).toEqual([]);
    } finally {
      await current.close();
    }
  });

  it('without an App, releases or stops before any write with a cause and a fix', async () => {
    const current = await stage(SCENARIO[file]!);
    try {
      const before = current.sandbox.dump();
      const started = Date.now();
      const record = await current.run({ mock: false, registry, caller, secrets: 'github-token-only' });
      expect(Date.now() - started).toBeLessThan(60_000);
      if (record.result !== 'success') {
        expect(failures(record)).toMatch(/::error::[^\n]*Fix: /);
        expect(current.sandbox.dump()).toEqual(before);
      }
    } finally {
      await current.close();
    }
  });
});
