import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { rehearse, scenario as loadScenario, scenarioSeed, selfScenario, startLocalRegistry, SCENARIOS, type JobRecord, type RunRecord } from '@relkit/rehearsal';
import { startSandbox } from '@relkit/sandbox';
import { scratchDir } from '../test/helpers/scratch.js';
import { report } from './report.js';

const LATENCY_MS = 50;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACTIONS = fileURLToPath(new URL('../actions/', import.meta.url));
const RELEASE_YML = fileURLToPath(new URL('../.github/workflows/release.yml', import.meta.url));

it('release.yml: API requests and wall time of each seed release, rehearsed (sandbox, 50 ms a request)', async () => {
  const registry = await startLocalRegistry();
  const rows: Array<Record<string, string | number>> = [];
  try {
    // `self`: relkit releasing itself through release-relkit.yml into relkit/relkit and six action repositories.
    for (const name of [...Object.keys(SCENARIOS), 'self']) {
      for (const mock of [true, false]) {
        const scenario = name === 'self' ? selfScenario(ROOT) : loadScenario(name);
        const sandbox = await startSandbox({ latencyMs: LATENCY_MS, seed: scenarioSeed(scenario) });
        try {
          const started = Date.now();
          const record = await rehearse({ scenario, sandbox, registry, mock, actionsDir: ACTIONS, workflowFile: RELEASE_YML, workdir: await scratchDir(`bench-${name}`) });
          const wall = Date.now() - started;
          if (record.result !== 'success')
            throw new Error(`${name}${mock ? ' (mock)' : ''} failed: ${JSON.stringify(Object.fromEntries(Object.entries(record.jobs).map(([id, j]) => [id, j.result])))}`);
          // Installation tokens are minted and revoked by create-github-app-token in mock runs too.
          const tokenCalls = sandbox.log.filter((e) => e.path.startsWith('/app/installations/') || e.path === '/installation/token').length;
          const writes = sandbox.log.filter((e) => e.method !== 'GET' && e.server !== 'graphql').length - tokenCalls;
          const jobsOf = (run: RunRecord): JobRecord[] => Object.values(run.jobs).flatMap((j) => (j.called ? jobsOf(j.called) : [j]));
          const ran = jobsOf(record).filter((j) => j.result !== 'skipped');
          rows.push({
            scenario: `${name}${mock ? ' (mock)' : ''}`,
            jobs: ran.length,
            requests: sandbox.log.length,
            'REST writes': writes,
            'app-token calls': tokenCalls,
            graphql: sandbox.log.filter((e) => e.server === 'graphql').length,
            'wall s': Number((wall / 1000).toFixed(1)),
            'slowest job': ran.reduce((a, b) => (b.durationMs > a.durationMs ? b : a)).id,
          });
        } finally {
          await sandbox.close();
        }
      }
    }
  } finally {
    await registry.stop();
  }
  report('release-workflow', `${LATENCY_MS} ms a request; every job's actions run from the committed bundles under Node 24`, rows);
}, 600_000);
