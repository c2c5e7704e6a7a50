import { GitHub, defaults as actionsDefaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { UserError } from './errors.js';
import type { Logger } from './writes.js';
import { GITHUB_API_VERSION } from './api-version.js';
import { isContentCreating, retryAfterHonouring, writePacer } from './rate-limits.js';
import { RequestCounter } from './request-counter.js';
import { assetUploader, type UploadAnswer, type UploadRequest } from './upload.js';

export { GITHUB_API_VERSION, isContentCreating, RequestCounter };
export type { UploadAnswer, UploadRequest };

export interface GitHubClientOptions {
  token: string;
  /** Defaults to GITHUB_API_URL, then https://api.github.com. */
  apiUrl?: string;
  /** Defaults to GITHUB_GRAPHQL_URL, then `${apiUrl}/graphql`. */
  graphqlUrl?: string;
  /** Called with the token before any request so the runner masks it in logs. */
  maskSecret?: (secret: string) => void;
  log?: Logger;
  /** Retries of 5xx, connection errors and 429 (default 3). */
  retries?: number;
  /** Multiplies every retry wait (seconds) into milliseconds; default 1000. */
  retryBaseMs?: number;
  /** Rate-limit waits longer than this fail instead of sleeping (default 15 min). */
  maxRateLimitWaitSeconds?: number;
  /** Gap between content-creating requests; GitHub allows 80 a minute (default 750 ms). */
  writeIntervalMs?: number;
  /** Gap between writes that notify people (PRs, reviews, merges); default 3 s as GitHub advises. */
  notificationIntervalMs?: number;
  /** A request with no answer after this long is aborted and retried (default 60 s). */
  requestTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

// Order matters: hooks of later plugins wrap earlier ones, and retry-after must be seen first.
const RelkitOctokit = GitHub.plugin(retryAfterHonouring, retry, throttling);
export type GitHubRest = InstanceType<typeof RelkitOctokit>;
export type GitHubGraphql = GitHubRest['graphql'];

export interface GitHubClients {
  rest: GitHubRest;
  graphql: GitHubGraphql;
  requests: RequestCounter;
  /**
   * Streams a release asset to the uploads host. Retries 5xx answers and dropped connections with
   * backoff (and 429/secondary limits after Retry-After), each time from a fresh stream; returns
   * any other answer (201, 422 already_exists, …) for the caller to read.
   */
  upload: (request: UploadRequest) => Promise<UploadAnswer>;
  apiUrl: string;
  graphqlUrl: string;
}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The one way relkit talks to GitHub: REST and GraphQL from the same configured Octokit. */
export function createGitHubClients(options: GitHubClientOptions): GitHubClients {
  const env = options.env ?? process.env;
  if (!options.token) {
    throw new UserError('No GitHub token was given.', 'Set the `token` input (or GITHUB_TOKEN / GH_TOKEN when running the relkit command).', {
      input: 'token',
    });
  }
  options.maskSecret?.(options.token);
  const log = options.log ?? (() => {});
  const apiUrl = trimSlash(options.apiUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com');
  const graphqlUrl = trimSlash(options.graphqlUrl ?? env.GITHUB_GRAPHQL_URL ?? `${apiUrl}/graphql`);
  const retryBaseMs = options.retryBaseMs ?? envNumber(env, 'RELKIT_RETRY_BASE_MS') ?? 1000;
  const writeIntervalMs = options.writeIntervalMs ?? envNumber(env, 'RELKIT_WRITE_INTERVAL_MS') ?? 750;
  const notificationIntervalMs = options.notificationIntervalMs ?? envNumber(env, 'RELKIT_NOTIFICATION_INTERVAL_MS') ?? 3000;
  const requestTimeoutMs = options.requestTimeoutMs ?? envNumber(env, 'RELKIT_REQUEST_TIMEOUT_MS') ?? 60_000;
  const maxWait = options.maxRateLimitWaitSeconds ?? 15 * 60;
  const retries = options.retries ?? 3;
  const requests = new RequestCounter();

  const baseFetch: typeof fetch = (actionsDefaults.request?.fetch as typeof fetch | undefined) ?? fetch;
  const paceWrite = writePacer(writeIntervalMs);
  const countingFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = String(init?.method ?? 'GET').toUpperCase();
    if (isContentCreating(method, url, init?.body)) await paceWrite();
    requests.record(method, url);
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await baseFetch(input, { ...init, signal });
    } catch (error) {
      // A timed-out or reset connection surfaces as a plain network error, which plugin-retry retries as a 500.
      if (timeout.aborted) throw new Error(`no answer from ${url} within ${requestTimeoutMs} ms`, { cause: error });
      throw error;
    }
  }) as typeof fetch;

  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    if (retryAfter > maxWait) {
      log(`${kind} rate limit hit on ${request.method} ${request.url}; reset in ${retryAfter}s is longer than ${maxWait}s, giving up`);
      return false;
    }
    log(`${kind} rate limit hit on ${request.method} ${request.url}; retrying in ${retryAfter}s (retry ${retryCount + 1})`);
    return retryCount < retries;
  };

  const rest = new RelkitOctokit({
    auth: `token ${options.token}`,
    baseUrl: apiUrl,
    userAgent: 'relkit',
    // `request.retries` must stay unset: plugin-retry reads it as "retry this failure" for any status.
    request: { fetch: countingFetch },
    retry: { retries, retryAfterBaseValue: retryBaseMs },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: retryBaseMs,
      fallbackSecondaryRateRetryAfter: 60,
      // plugin-throttling paces every /graphql request as a write; relkit paces content-creating
      // requests itself (in fetch, where a query and a mutation can be told apart), so this group only
      // keeps the plugin's bookkeeping.
      write: new Bottleneck.Group({ maxConcurrent: null, minTime: 0 }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: notificationIntervalMs }),
    },
  });
  rest.hook.before('request', (request) => {
    request.headers['x-github-api-version'] = GITHUB_API_VERSION;
  });
  const graphql = rest.graphql.defaults({ url: graphqlUrl });
  const upload = assetUploader({ fetch: baseFetch, token: options.token, retries, retryBaseMs, requestTimeoutMs, requests, log });
  return { rest, graphql, requests, apiUrl, graphqlUrl, upload };
}
