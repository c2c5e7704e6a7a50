import { describe, expect, it } from 'vitest';
import { buildTargets, parsePlatforms, waitForImages, type Clock } from '@relkit/image-wait';
import { CredentialStore, RegistryClient } from '@relkit/oci';
import { useRegistry } from '../helpers/registry.js';

/**
 * A clock that runs the wait in virtual time: each sleep first plays the events due before it
 * ends (an image pushed at second 95), so minutes of waiting take milliseconds. A sleep cut short by
 * a finished poll does not move time, so every poll's answer lands at the virtual time it was asked.
 */
function virtualClock(events: Array<{ at: number; run: () => Promise<unknown> }>): Clock {
  let now = 0;
  return {
    now: () => now,
    async sleep(ms, signal) {
      // With a signal the wait is racing polls in flight: give them (real, loopback) time to finish.
      if (signal) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2_000);
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (signal.aborted) return;
      } else await new Promise((resolve) => setImmediate(resolve));
      const until = now + ms;
      while (events.length > 0 && events[0]!.at <= until) {
        const event = events.shift()!;
        now = Math.max(now, event.at);
        await event.run();
      }
      now = Math.max(now, until);
    },
  };
}

describe('waitForImages in-process, on a virtual clock, against a real registry', () => {
  const registry = useRegistry();
  const amd64 = { os: 'linux', architecture: 'amd64' };
  const arm64 = { os: 'linux', architecture: 'arm64' };

  it('reports progress at most once a reminder: how many are in, what each lacks per platform, and the time left', async () => {
    await registry.pushIndex('acme/app', 'v2.0.0', [amd64]);
    const lines: string[] = [];
    const clock = virtualClock([
      { at: 95_000, run: () => registry.pushIndex('acme/sidecar', 'v2.0.0', [amd64, arm64]) },
      { at: 150_000, run: () => registry.pushIndex('acme/app', 'v2.0.0', [amd64, arm64]) },
    ]);
    const report = await waitForImages({
      client: new RegistryClient({ credentials: new CredentialStore(), userAgent: 'relkit-test' }),
      targets: buildTargets({ images: [`${registry.host}/acme/app`, `${registry.host}/acme/sidecar`], tag: 'v2.0.0', platforms: parsePlatforms(['linux/amd64', 'linux/arm64']), sameDigestAs: [] }),
      timeoutMs: 600_000,
      intervalMs: 5_000,
      maxIntervalMs: 20_000,
      concurrency: 4,
      reminderMs: 60_000,
      clock,
      random: () => 0.5,
      log: (line) => lines.push(line),
    });
    expect(report.ready, lines.join('\n')).toBe(true);
    const progress = lines.filter((l) => / ready, .* left; still waiting for: /.test(l));
    // Reminders at 60 s and 120 s; by 180 s everything is in, so there is no third.
    expect(progress).toHaveLength(2);
    expect(progress[0]).toMatch(
      new RegExp(`^0 of 2 ready, 540s left; still waiting for: ${registry.host}/acme/app:v2.0.0 \\(.*has linux/amd64; missing linux/arm64\\); ${registry.host}/acme/sidecar:v2.0.0 \\(.*404.*\\)$`),
    );
    expect(progress[1]).toMatch(new RegExp(`^1 of 2 ready, 480s left; still waiting for: ${registry.host}/acme/app:v2.0.0 \\(.*missing linux/arm64\\)$`));
    expect(report.images.map((i) => i.status)).toEqual(['ready', 'ready']);
    expect(report.waitedMs).toBeGreaterThanOrEqual(150_000);
    expect(report.waitedMs).toBeLessThanOrEqual(150_000 + 20_000);
  });
});
