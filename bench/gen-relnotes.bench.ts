import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { it } from 'vitest';
import { createGitHubClients } from '@relkit/kit';
import { defaultConfig, generateNotes } from '@relkit/relnotes';
import { startSandbox, SANDBOX_TOKENS, type Sandbox } from '@relkit/sandbox';
import { buildHistoryRepo as buildRepo } from './history-repo.js';
import { report } from './report.js';

const LATENCY_MS = 100;
const SIZES = process.env.RELKIT_BENCH_SIZES ? process.env.RELKIT_BENCH_SIZES.split(',').map(Number) : [100, 1000, 5000];
const BASELINE_PARALLEL = 8;

/**
 * Sequential request rounds: requests that overlap in time are one round; a request that starts
 * after every request of the current round has ended opens the next. Independent of how long the
 * sandbox spends computing an answer.
 */
function rounds(log: Array<{ at: number; ms: number }>): number {
  let count = 0;
  let roundEnd = -Infinity;
  for (const entry of [...log].sort((a, b) => a.at - b.at)) {
    if (entry.at >= roundEnd) {
      count++;
      roundEnd = entry.at + entry.ms;
    } else roundEnd = Math.max(roundEnd, entry.at + entry.ms);
  }
  return count;
}

async function measure(sandbox: Sandbox, work: () => Promise<unknown>): Promise<{ requests: number; graphql: number; ms: number; rounds: number }> {
  sandbox.log.length = 0;
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  return { requests: sandbox.log.length, graphql: sandbox.log.filter((e) => e.server === 'graphql').length, ms: Math.round(ms), rounds: rounds(sandbox.log) };
}

it('gen-relnotes: requests and wall time for 100, 1,000 and 5,000 commits against a per-commit baseline', async () => {
  const rows: Array<Record<string, string | number>> = [];
  for (const size of SIZES) {
    const dir = buildRepo(size);
    const sandbox = await startSandbox({ seed: { repos: [{ owner: 'acme', name: 'app', gitDir: dir }] } });
    try {
      sandbox.latencyMs = LATENCY_MS;
      const clients = createGitHubClients({ token: SANDBOX_TOKENS.admin, apiUrl: sandbox.urls.api, graphqlUrl: sandbox.urls.graphql, writeIntervalMs: 0, notificationIntervalMs: 0, retryBaseMs: 50 });
      const request = {
        id: { owner: 'acme', repo: 'app' },
        to: 'main',
        from: 'v1.0.0',
        version: '1.1.0',
        tagPrefix: '',
        paths: [],
        config: defaultConfig(),
        parallel: 4,
        date: '2026-01-01',
        serverUrl: 'https://github.com',
        log: () => undefined,
        warn: () => undefined,
      };
      let prs = 0;
      const api = await measure(sandbox, async () => {
        const doc = await generateNotes(clients, { ...request, localDir: undefined });
        prs = doc.entries.length;
      });
      const local = await measure(sandbox, () => generateNotes(clients, { ...request, localDir: dir }));
      const shas = execFileSync('git', ['rev-list', 'v1.0.0..main'], { cwd: dir }).toString().trim().split('\n');
      const baseline = await measure(sandbox, async () => {
        let next = 0;
        const worker = async () => {
          while (next < shas.length) {
            const sha = shas[next++]!;
            await clients.rest.rest.repos.listPullRequestsAssociatedWithCommit({ owner: 'acme', repo: 'app', commit_sha: sha });
          }
        };
        await Promise.all(Array.from({ length: BASELINE_PARALLEL }, worker));
      });
      const target = Math.ceil(size / 100) + Math.ceil(prs / 100) + 3;
      const targetLocal = Math.ceil(prs / 100) + 3;
      const targetRounds = Math.ceil(prs / 100 / request.parallel) + 3;
      rows.push({
        commits: size,
        path: 'API only',
        requests: api.requests,
        'GraphQL queries': api.graphql,
        target: `≤ ${target}`,
        'wall ms': api.ms,
        rounds: api.rounds,
        'wall/latency': Number((api.ms / LATENCY_MS).toFixed(1)),
        'vs baseline requests': `${(baseline.requests / api.requests).toFixed(0)}×`,
        'vs baseline wall': `${(baseline.ms / api.ms).toFixed(1)}×`,
      });
      rows.push({
        commits: size,
        path: 'local clone',
        requests: local.requests,
        'GraphQL queries': local.graphql,
        target: `≤ ${targetLocal}`,
        'wall ms': local.ms,
        rounds: `${local.rounds} (≤ ${targetRounds})`,
        'wall/latency': Number((local.ms / LATENCY_MS).toFixed(1)),
        'vs baseline requests': `${(baseline.requests / local.requests).toFixed(0)}×`,
        'vs baseline wall': `${(baseline.ms / local.ms).toFixed(1)}×`,
      });
      rows.push({
        commits: size,
        path: `baseline: GET /commits/{sha}/pulls per commit (${BASELINE_PARALLEL} in flight)`,
        requests: baseline.requests,
        'GraphQL queries': 0,
        target: '',
        'wall ms': baseline.ms,
        rounds: '—',
        'wall/latency': Number((baseline.ms / LATENCY_MS).toFixed(1)),
        'vs baseline requests': '1×',
        'vs baseline wall': '1×',
      });
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  report('gen-relnotes', LATENCY_MS, rows);
});

it('gen-relnotes with the pacing it has in Actions: 8 PRs in 100 and 1,000 commits at 50 ms a request', async () => {
  const rows: Array<Record<string, string | number>> = [];
  for (const size of [100, 1000]) {
    const dir = buildRepo(size, 8);
    const sandbox = await startSandbox({ seed: { repos: [{ owner: 'acme', name: 'app', gitDir: dir }] } });
    try {
      sandbox.latencyMs = 50;
      // Default pacing (no writeIntervalMs): what a workflow run gets.
      const clients = createGitHubClients({ token: SANDBOX_TOKENS.admin, apiUrl: sandbox.urls.api, graphqlUrl: sandbox.urls.graphql });
      const request = {
        id: { owner: 'acme', repo: 'app' },
        to: 'main',
        from: 'v1.0.0',
        version: '1.1.0',
        tagPrefix: '',
        paths: [],
        config: defaultConfig(),
        parallel: 4,
        date: '2026-01-01',
        serverUrl: 'https://github.com',
        log: () => undefined,
        warn: () => undefined,
      };
      // One run first: the sandbox's first answers build its caches, which GitHub's do not.
      await generateNotes(clients, { ...request, localDir: undefined });
      let prs = 0;
      const api = await measure(sandbox, async () => {
        prs = (await generateNotes(clients, { ...request, localDir: undefined })).entries.filter((e) => e.pr !== undefined).length;
      });
      const local = await measure(sandbox, () => generateNotes(clients, { ...request, localDir: dir }));
      for (const [path, m] of [
        ['API only', api],
        ['local clone', local],
      ] as const) {
        // release-drafter on the same job, both run as actions: `npm run bench:peers` (bench/results/gen-relnotes-vs-release-drafter.json).
        rows.push({ commits: size, PRs: prs, path, requests: m.requests, target: `≤ ${Math.ceil(size / 100) + 3}`, 'wall ms': m.ms });
      }
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  report('gen-relnotes-paced', 50, rows);
});
