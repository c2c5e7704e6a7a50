import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '@relkit/kit';
import { formatReference, isRegistryError, platformMatches, type RegistryClient } from '@relkit/oci';
import type { WaitTarget } from './targets.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
};

export interface WaitOptions {
  client: RegistryClient;
  targets: WaitTarget[];
  timeoutMs: number;
  /** First gap between polls of one image; it doubles up to maxIntervalMs. */
  intervalMs: number;
  maxIntervalMs: number;
  concurrency: number;
  /** Poll every image once and report (mock mode). */
  once?: boolean;
  /** How often to log "still waiting for: …". */
  reminderMs?: number;
  log: (line: string) => void;
  clock?: Clock;
  random?: () => number;
  onReady?: (state: ImageState) => void;
}

export interface ImageState {
  target: WaitTarget;
  status: 'waiting' | 'ready';
  /** The last answer, in words: `404 not found`, `missing linux/arm64`, `ready`. */
  answer: string;
  digest: string | undefined;
  platforms: string[] | undefined;
  polls: number;
  /** Milliseconds from the start of the wait until the image was seen ready. */
  readyAfterMs: number | undefined;
}

export interface WaitReport {
  ready: boolean;
  waitedMs: number;
  images: ImageState[];
  requests: number;
}

interface Schedule {
  state: ImageState;
  nextAt: number;
  gap: number;
  failures: number;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

function shortDigest(digest: string): string {
  return `${digest.slice(0, 19)}…`;
}

/** One look at one image: ready, or the reason it is not. Registry failures propagate. */
async function poll(client: RegistryClient, target: WaitTarget): Promise<{ ready: boolean; answer: string; digest?: string; platforms?: string[] }> {
  const found = await client.resolve(target.reference, { platforms: target.platforms.length > 0 });
  if (found.kind === 'not-found') return { ready: false, answer: found.detail };
  const have = found.platforms ?? [];
  const missing = target.platforms.filter((wanted) => !have.some((p) => platformMatches(wanted, p)));
  if (missing.length > 0) {
    return { ready: false, digest: found.digest, platforms: have, answer: `${shortDigest(found.digest)} has ${have.length ? have.join(', ') : 'no platform list'}; missing ${missing.join(', ')}` };
  }
  if (target.sameDigestAs) {
    const source = await client.resolve(target.sameDigestAs);
    const sourceName = formatReference(target.sameDigestAs);
    if (source.kind === 'not-found') return { ready: false, digest: found.digest, platforms: have, answer: `the reference to compare with, ${sourceName}, is not there (${source.detail})` };
    if (source.digest !== found.digest)
      return { ready: false, digest: found.digest, platforms: have, answer: `digest ${shortDigest(found.digest)} differs from ${sourceName} (${shortDigest(source.digest)})` };
  }
  return { ready: true, answer: 'ready', digest: found.digest, platforms: found.platforms };
}

/**
 * Polls every image concurrently (at most `concurrency` requests in flight), each on its own
 * exponential backoff from `intervalMs` to `maxIntervalMs`, until all are ready or time is up.
 * 429s wait out Retry-After for the whole registry; 5xx and connection errors back off with
 * jitter; refused credentials and malformed answers end the wait at once.
 */
export async function waitForImages(options: WaitOptions): Promise<WaitReport> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  const reminderMs = options.reminderMs ?? 60_000;
  const schedules: Schedule[] = options.targets.map((target) => ({
    state: { target, status: 'waiting', answer: 'not checked yet', digest: undefined, platforms: undefined, polls: 0, readyAfterMs: undefined },
    nextAt: started,
    gap: options.intervalMs,
    failures: 0,
  }));
  const blockedUntil = new Map<string, number>();
  const inflight = new Map<Schedule, Promise<void>>();
  let fatal: Error | undefined;
  let nextReminder = started + reminderMs;

  const settle = async (schedule: Schedule): Promise<void> => {
    const { state } = schedule;
    const registry = state.target.reference.registry;
    try {
      const result = await poll(options.client, state.target);
      state.polls++;
      schedule.failures = 0;
      const changed = result.answer !== state.answer;
      state.answer = result.answer;
      state.digest = result.digest;
      state.platforms = result.platforms;
      if (result.ready) {
        state.status = 'ready';
        state.readyAfterMs = clock.now() - started;
        options.log(`${state.target.name}: ready ${result.digest}${result.platforms?.length ? ` (${result.platforms.join(', ')})` : ''} after ${seconds(state.readyAfterMs)}`);
        options.onReady?.(state);
        return;
      }
      if (changed) options.log(`${state.target.name}: ${result.answer}`);
      // Up to 10% off the gap keeps many images from polling in lockstep, without ever exceeding
      // max-interval (the detection bound) or going below interval (the request-rate bound).
      schedule.nextAt = clock.now() + Math.max(options.intervalMs, schedule.gap * (1 - 0.1 * random()));
      schedule.gap = Math.min(schedule.gap * 2, options.maxIntervalMs);
    } catch (error) {
      state.polls++;
      if (!isRegistryError(error) || error.failure === 'auth' || error.failure === 'protocol') {
        fatal ??= error instanceof Error ? error : new Error(String(error));
        return;
      }
      state.answer = error.message;
      if (error.failure === 'rate-limited') {
        const wait = error.options.retryAfterMs ?? schedule.gap;
        blockedUntil.set(registry, Math.max(blockedUntil.get(registry) ?? 0, clock.now() + wait));
        options.log(`${state.target.name}: ${error.message}; waiting ${seconds(wait)} as Retry-After asks`);
        schedule.nextAt = clock.now() + wait;
        return;
      }
      schedule.failures++;
      const backoff = Math.min(options.maxIntervalMs, options.intervalMs * 2 ** (schedule.failures - 1)) * (0.5 + random());
      options.log(`${state.target.name}: ${error.message}; retrying in ${seconds(backoff)}`);
      schedule.nextAt = clock.now() + backoff;
    }
  };

  for (;;) {
    const now = clock.now();
    const waiting = schedules.filter((s) => s.state.status === 'waiting');
    if (fatal || waiting.length === 0 || (options.once && waiting.every((s) => s.state.polls > 0))) break;
    if (now >= deadline && inflight.size === 0) break;
    if (now >= nextReminder && !options.once) {
      // One line per reminder: how many are in, what each missing one still lacks, and the time left.
      options.log(
        `${schedules.length - waiting.length} of ${schedules.length} ready, ${seconds(Math.max(0, deadline - now))} left; still waiting for: ${waiting.map((s) => `${s.state.target.name} (${s.state.answer})`).join('; ')}`,
      );
      nextReminder = now + reminderMs;
    }
    const due = waiting
      .filter((s) => !inflight.has(s) && s.nextAt <= now && (blockedUntil.get(s.state.target.reference.registry) ?? 0) <= now && (!options.once || s.state.polls === 0))
      .sort((a, b) => a.nextAt - b.nextAt);
    for (const schedule of due.slice(0, Math.max(0, options.concurrency - inflight.size))) {
      if (now >= deadline) break;
      inflight.set(
        schedule,
        settle(schedule).finally(() => inflight.delete(schedule)),
      );
    }
    const upcoming = waiting.filter((s) => !inflight.has(s)).map((s) => Math.max(s.nextAt, blockedUntil.get(s.state.target.reference.registry) ?? 0));
    const wakeAt = Math.min(deadline, nextReminder, ...upcoming);
    const sleep = Math.max(0, wakeAt - clock.now());
    if (inflight.size > 0) {
      // A pending timer would keep the process alive after the last image is in.
      const wake = new AbortController();
      await Promise.race([...inflight.values(), clock.sleep(sleep, wake.signal)]);
      wake.abort();
    } else if (sleep > 0) await clock.sleep(sleep);
    else if (clock.now() >= deadline) break;
  }
  await Promise.allSettled(inflight.values());
  if (fatal) {
    if (isRegistryError(fatal)) {
      throw new UserError(
        `${fatal.failure === 'auth' ? 'A registry refused access' : 'A registry gave an answer no retry can fix'}: ${fatal.message}.`,
        fatal.failure === 'auth'
          ? 'Check the credentials in `registry-auth` (or the Docker config) for that registry: user, token and its pull permission on the repository.'
          : 'Check the image reference and the registry address; this answer is not one a retry can fix.',
        { cause: fatal },
      );
    }
    throw fatal;
  }
  const images = schedules.map((s) => s.state);
  const ready = images.every((s) => s.status === 'ready');
  return { ready, waitedMs: clock.now() - started, images, requests: options.client.totalRequests };
}
