import { it } from 'vitest';
import { startSandbox, SANDBOX_TOKENS } from '@relkit/sandbox';
import { runAction } from '../test/helpers/action.js';
import { median, report, type BenchRow } from './report.js';

const LATENCY_MS = 50;
const RUNS = 5;

it('lock-branch: requests and time for lock and unlock', async () => {
  const sandbox = await startSandbox({
    latencyMs: LATENCY_MS,
    seed: {
      repos: [
        {
          owner: 'acme',
          name: 'app',
          commits: [{ id: 'c1', message: 'init', files: { VERSION: '1.0.0\n' } }],
          protections: { main: { required_status_checks: { strict: true, contexts: ['ci'] }, enforce_admins: false } },
        },
      ],
    },
  });
  const rows: BenchRow[] = [];
  try {
    for (const method of ['ruleset', 'protection']) {
      for (const action of ['lock', 'lock (re-run)', 'unlock']) {
        const times: number[] = [];
        let requests = 0;
        let writes = 0;
        for (let i = 0; i < RUNS; i++) {
          if (action === 'lock') await runAction('lock-branch', sandbox, { token: SANDBOX_TOKENS.app, method, action: 'unlock' });
          if (action !== 'lock') await runAction('lock-branch', sandbox, { token: SANDBOX_TOKENS.app, method });
          sandbox.log.length = 0;
          const started = Date.now();
          const result = await runAction('lock-branch', sandbox, { token: SANDBOX_TOKENS.app, method, action: action === 'unlock' ? 'unlock' : 'lock' });
          times.push(Date.now() - started);
          if (result.exitCode !== 0) throw new Error(result.stdout);
          requests = sandbox.log.length;
          writes = sandbox.log.filter((e) => e.method !== 'GET').length;
        }
        rows.push({ scenario: `${method}: ${action}`, requests, writes, medianMs: median(times), runs: RUNS });
      }
    }
  } finally {
    await sandbox.close();
  }
  report('lock-branch', LATENCY_MS, rows as unknown as Array<Record<string, string | number>>);
});
