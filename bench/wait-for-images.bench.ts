import { it } from 'vitest';
import { buildTargets, waitForImages } from '@relkit/image-wait';
import { RegistryClient } from '@relkit/oci';
import { startFaultProxy } from '../test/helpers/fault-proxy.js';
import { startRegistry } from '../test/helpers/registry.js';
import { report } from './report.js';

const IMAGES = 50;
const WINDOW_MS = 20_000;
const INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 4_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

it('wait-for-images: 50 images pushed at random moments within 20 s', async () => {
  const registry = await startRegistry();
  const proxy = await startFaultProxy(registry.url);
  try {
    const names = Array.from({ length: IMAGES }, (_, n) => `bench/image-${n}`);
    const targets = buildTargets({ images: names.map((n) => `${proxy.host}/${n}`), tag: 'v1.0.0', platforms: [], sameDigestAs: [] });
    const pushedAt = new Map<string, number>();
    const seenAt = new Map<string, number>();
    const started = Date.now();
    const pushes = names.map(async (name) => {
      await new Promise((r) => setTimeout(r, Math.random() * WINDOW_MS));
      await registry.pushImage(name, 'v1.0.0');
      pushedAt.set(`${proxy.host}/${name}:v1.0.0`, Date.now());
    });
    const result = await waitForImages({
      client: new RegistryClient(),
      targets,
      timeoutMs: 120_000,
      intervalMs: INTERVAL_MS,
      maxIntervalMs: MAX_INTERVAL_MS,
      concurrency: 8,
      log: () => undefined,
      onReady: (state) => seenAt.set(state.target.name, Date.now()),
    });
    await Promise.all(pushes);
    const ended = Date.now();
    if (!result.ready) throw new Error('not every image was found');

    const latencies = [...seenAt].map(([name, at]) => at - pushedAt.get(name)!);
    const manifestRequests = proxy.seen.filter((r) => r.path.includes('/manifests/'));
    const perImage = new Map<string, number[]>();
    for (const r of manifestRequests) {
      const name = r.path.split('/manifests/')[0]!;
      perImage.set(name, [...(perImage.get(name) ?? []), r.at]);
    }
    let minGap = Infinity;
    let perMinute = 0;
    for (const times of perImage.values()) {
      for (let i = 1; i < times.length; i++) minGap = Math.min(minGap, times[i]! - times[i - 1]!);
      perMinute += times.length / ((ended - started) / 60_000);
    }
    const lastPush = Math.max(...pushedAt.values());
    report(
      'wait-for-images',
      `${IMAGES} images pushed at random within ${WINDOW_MS / 1000}s to a local docker-registry; interval ${INTERVAL_MS / 1000}s, max-interval ${MAX_INTERVAL_MS / 1000}s, concurrency 8`,
      [
        { measure: 'detection latency p50 (push → noticed)', value: percentile(latencies, 50), unit: 'ms' },
        { measure: 'detection latency p95', value: percentile(latencies, 95), unit: 'ms' },
        { measure: 'detection latency max', value: Math.max(...latencies), unit: 'ms' },
        { measure: 'bound: max-interval + one round trip', value: MAX_INTERVAL_MS, unit: 'ms (+rtt)' },
        { measure: 'manifest requests per image per minute (mean)', value: Number((perMinute / perImage.size).toFixed(1)), unit: 'req/min' },
        { measure: 'requests per image in all (mean)', value: Number((manifestRequests.length / IMAGES).toFixed(1)), unit: 'req' },
        { measure: 'shortest gap between two requests for one image', value: minGap, unit: 'ms' },
        { measure: 'wait ended after the last push', value: ended - lastPush, unit: 'ms' },
        { measure: 'whole wait', value: result.waitedMs, unit: 'ms' },
      ],
    );
  } finally {
    await proxy.stop();
    await registry.stop();
  }
});
