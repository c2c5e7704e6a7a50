import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { startSandbox, SANDBOX_TOKENS, type Sandbox } from '@relkit/sandbox';
import { runAction } from '../test/helpers/action.js';
import { median, report } from './report.js';

const LATENCY_MS = 50;
const ASSETS = 20;
const SIZE = 5 * 1024 * 1024;

function uploadStats(sandbox: Sandbox): { uploads: number; bytes: number; requests: number } {
  const uploads = sandbox.log.filter((e) => e.server === 'uploads');
  return { uploads: uploads.length, bytes: uploads.length * SIZE, requests: sandbox.log.length };
}

it('draft-release: 20 assets of 5 MiB, concurrency 1 vs 3, and a re-run after a failure at the 10th', async () => {
  const sandbox = await startSandbox({ latencyMs: LATENCY_MS, seed: { repos: [{ owner: 'acme', name: 'app', commits: [{ id: 'c1', message: 'init', files: { VERSION: '1.0.0\n' } }] }] } });
  const dir = await mkdtemp(join(tmpdir(), 'relkit-bench-assets-'));
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (let i = 0; i < ASSETS; i++) await writeFile(join(dir, `asset-${String(i).padStart(2, '0')}.bin`), randomBytes(SIZE));
    const head = sandbox.state.repo('acme', 'app')!.refs.get('refs/heads/main')!;
    const run = (tag: string, inputs: Record<string, string>) =>
      runAction(
        'draft-release',
        sandbox,
        { token: SANDBOX_TOKENS.app, tag, assets: 'asset-*.bin', checksums: 'false', ...inputs },
        { cwd: dir, env: { GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: head, GITHUB_RUN_ID: '9001' } },
      );
    for (const concurrency of ['1', '3']) {
      const times: number[] = [];
      let stats = { uploads: 0, bytes: 0, requests: 0 };
      for (let attempt = 0; attempt < 3; attempt++) {
        sandbox.log.length = 0;
        const started = performance.now();
        const result = await run(`v1.${concurrency}.${attempt}`, { concurrency });
        times.push(performance.now() - started);
        if (result.failed) throw new Error(result.stdout);
        stats = uploadStats(sandbox);
      }
      rows.push({
        scenario: `upload 20 × 5 MiB, concurrency ${concurrency}`,
        'median ms': Math.round(median(times)),
        uploads: stats.uploads,
        'MiB sent': stats.bytes / 1024 ** 2,
        requests: stats.requests,
      });
    }
    // The 10th upload and every one after it fail hard; the re-run must send only what is missing.
    sandbox.addFault({ method: 'POST', path: '/assets', kind: 'status', status: 502, nth: 10, times: 1000 });
    sandbox.log.length = 0;
    const failed = await run('v2.0.0', { concurrency: '1' });
    if (!failed.failed) throw new Error('the injected failure did not fail the run');
    const beforeRerun = uploadStats(sandbox);
    sandbox.faults.clear();
    sandbox.log.length = 0;
    const started = performance.now();
    const rerun = await run('v2.0.0', { concurrency: '3' });
    const ms = performance.now() - started;
    if (rerun.failed) throw new Error(rerun.stdout);
    const after = uploadStats(sandbox);
    const uploadedFirst = JSON.parse(rerun.outputs.assets!).filter((a: { action: string }) => a.action === 'skipped').length;
    rows.push({ scenario: 'first run, failing from the 10th upload on', 'median ms': '—', uploads: beforeRerun.uploads, 'MiB sent': beforeRerun.bytes / 1024 ** 2, requests: beforeRerun.requests });
    rows.push({
      scenario: `re-run: ${uploadedFirst} assets skipped, ${ASSETS - uploadedFirst} uploaded`,
      'median ms': Math.round(ms),
      uploads: after.uploads,
      'MiB sent': after.bytes / 1024 ** 2,
      requests: after.requests,
    });
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
  report('draft-release', LATENCY_MS, rows);
});
