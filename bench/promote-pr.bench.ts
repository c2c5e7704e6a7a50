import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'vitest';
import { promoteInManifest } from '@relkit/promotion';
import { defaultIdentities, startSandbox, SANDBOX_TOKENS } from '@relkit/sandbox';
import { runAction } from '../test/helpers/action.js';
import { REAL_WORLD } from '../test/helpers/real-world.js';
import { startRegistry } from '../test/helpers/registry.js';
import { median, report } from './report.js';

const LATENCY_MS = 50;
const MANIFEST = 'registry.k8s.io/images/k8s-staging-gaie/images.yaml';
const IMAGES = ['charts/inferencepool', 'charts/body-based-routing', 'epp', 'bbr', 'lora-syncer'];
const STAGING = 'us-central1-docker.pkg.dev/k8s-staging-images/gaie';
const digestOf = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
const FORK_TOKEN = 'ghp_bench_release_bot';

it('promote-pr: API requests to open, re-run and update the promotion pull request (sandbox, 50 ms a request)', async () => {
  const original = await readFile(join(REAL_WORLD, 'k8s-promoter/images.yaml'), 'utf8');
  const sandbox = await startSandbox({
    latencyMs: LATENCY_MS,
    seed: {
      identities: [...defaultIdentities(), { token: FORK_TOKEN, kind: 'user', login: 'release-bot' }],
      repos: [
        { owner: 'kubernetes', name: 'k8s.io', commits: [{ id: 'c1', message: 'init', files: { [MANIFEST]: original } }] },
        { owner: 'release-bot', ownerType: 'User', name: 'k8s.io', fork: 'kubernetes/k8s.io', commits: [] },
      ],
    },
  });
  const digests = (seed: string) => JSON.stringify(Object.fromEntries(IMAGES.map((image, n) => [`${STAGING}/${image}:v1.0.1`, digestOf(`${seed}${n}`)])));
  const base = { repository: 'kubernetes/k8s.io', 'promoter-manifest': MANIFEST, images: IMAGES.join('\n'), 'staging-registry': STAGING, tags: 'v1.0.1', name: 'gaie', labels: 'area/artifacts' };
  const scenarios: Array<[string, Record<string, string>, string]> = [
    ['open (branch, signed commit, PR, labels)', { digests: digests('1') }, SANDBOX_TOKENS.admin],
    ['re-run, nothing new', { digests: digests('1') }, SANDBOX_TOKENS.admin],
    ['re-run after a staging rebuild (reset + commit + update)', { digests: digests('2') }, SANDBOX_TOKENS.admin],
    ['mock run', { digests: digests('3'), mock: 'true' }, SANDBOX_TOKENS.admin],
    ['fork: open a cross-repository PR', { digests: digests('1'), fork: 'release-bot', branch: 'relkit/fork/{tag}', labels: '' }, FORK_TOKEN],
    ['fork: re-run, nothing new', { digests: digests('1'), fork: 'release-bot', branch: 'relkit/fork/{tag}', labels: '' }, FORK_TOKEN],
  ];
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (const [scenario, inputs, token] of scenarios) {
      sandbox.log.length = 0;
      const started = performance.now();
      const result = await runAction('promote-pr', sandbox, { ...base, ...inputs, token }, { env: { HOME: '/nonexistent' } });
      const ms = performance.now() - started;
      if (result.failed) throw new Error(result.stdout);
      const graphql = sandbox.log.filter((e) => e.server === 'graphql').length;
      rows.push({
        scenario,
        operation: result.outputs.operation ?? '',
        requests: sandbox.log.length,
        'GraphQL calls': graphql,
        'REST writes': sandbox.log.filter((e) => e.server !== 'graphql' && e.method !== 'GET').length,
        ms: Math.round(ms),
      });
    }
  } finally {
    await sandbox.close();
  }
  report('promote-pr-api', LATENCY_MS, rows);
});

it('promote-pr: staging digests from a real registry and a large manifest', async () => {
  const registry = await startRegistry();
  const rows: Array<Record<string, string | number>> = [];
  try {
    const count = 50;
    const names = Array.from({ length: count }, (_, n) => `image-${n}`);
    for (const name of names) await registry.pushImage(`staging/${name}`, 'v2.0.0');
    const sandbox = await startSandbox({ seed: { repos: [{ owner: 'kubernetes', name: 'k8s.io', commits: [{ id: 'c1', message: 'init', files: { 'images.yaml': '' } }] }] } });
    try {
      const times: number[] = [];
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        const result = await runAction(
          'promote-pr',
          sandbox,
          {
            repository: 'kubernetes/k8s.io',
            'promoter-manifest': 'images.yaml',
            images: names.join('\n'),
            'staging-registry': `${registry.host}/staging`,
            tags: 'v2.0.0',
            token: SANDBOX_TOKENS.admin,
            mock: 'true',
          },
          { env: { HOME: '/nonexistent' } },
        );
        times.push(performance.now() - started);
        if (result.failed) throw new Error(result.stdout);
      }
      rows.push({ scenario: `resolve ${count} staging digests (HEAD each, 8 at a time) + plan, mock`, items: count, 'median ms': Math.round(median(times)) });
    } finally {
      await sandbox.close();
    }
  } finally {
    await registry.stop();
  }

  // A manifest the size of the busiest real ones: 400 images × 60 digests = 24,000 lines.
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    lines.push(`- name: image-${i}`, '  dmap:');
    for (let d = 0; d < 60; d++) lines.push(`    "${digestOf(`${i.toString(16)}${d.toString(16)}f`)}": ["v1.${d}.0"]`);
  }
  const text = `${lines.join('\n')}\n`;
  const promotions = Array.from({ length: 400 }, (_, i) => ({ name: `image-${i}`, digest: digestOf(`e${i.toString(16)}`), tags: ['v2.0.0'] }));
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    promoteInManifest({ path: 'images.yaml', bom: false, text }, promotions);
    times.push(performance.now() - started);
  }
  rows.push({ scenario: `edit a ${Math.round(text.length / 1024)} KiB manifest (24,000 lines): 400 new digests, read back and checked`, items: 400, 'median ms': Math.round(median(times)) });
  report('promote-pr-scale', 'real registry on loopback; manifest edit in process', rows);
});
