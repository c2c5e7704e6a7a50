import { Readable } from 'node:stream';
import { GitHub, defaults as actionsDefaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { UserError } from './errors.js';
import type { Logger } from './writes.js';

/** The REST API version relkit is written against; sent on every request. */
export const GITHUB_API_VERSION = '2022-11-28';

/** Counts every HTTP request that really left the process, retries included. */
export class RequestCounter {
  total = 0;
  graphql = 0;
  readonly byMethod: Record<string, number> = {};

  record(method: string, url: string): void {
    this.total += 1;
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
    if (/\/graphql(\?|$)/.test(url)) this.graphql += 1;
  }

  toJSON(): { total: number; graphql: number; byMethod: Record<string, number> } {
    return { total: this.total, graphql: this.graphql, byMethod: { ...this.byMethod } };
  }
}

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

export interface UploadRequest {
  /** The release's upload_url with `{?name,label}` already expanded. */
  url: string;
  /** Opens the body afresh for every attempt, so a retry never sends a half-read stream. */
  open: () => NodeJS.ReadableStream;
  size: number;
  contentType: string;
}

export interface UploadAnswer {
  status: number;
  data: unknown;
}

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

/**
 * plugin-retry waits (n+1)² units whatever the server said. Registered before it, this hook is
 * innermost: on a 429 or 503 carrying `retry-after` it first waits that long, then hands the error
 * on for plugin-retry to retry. (Rewriting plugin-retry's own delay does not work: it is read
 * before an outer hook could change it, and overwritten by it from inside.) Secondary limits are
 * left to plugin-throttling.
 */
function retryAfterHonouring(_octokit: unknown, octokitOptions: { retry?: { retryAfterBaseValue?: number; retries?: number } }) {
  const octokit = _octokit as { hook: { error: (name: string, hook: (error: any, options: any) => Promise<unknown>) => void } };
  const base = octokitOptions.retry?.retryAfterBaseValue ?? 1000;
  const retries = octokitOptions.retry?.retries ?? 3;
  octokit.hook.error('request', async (error: any, options: any) => {
    const header = error?.response?.headers?.['retry-after'];
    const retryable = error?.status === 429 || error?.status === 503;
    const willRetry = (options.request?.retryCount ?? 0) < retries;
    if (retryable && header !== undefined && willRetry && !/\bsecondary rate\b/i.test(String(error?.message ?? ''))) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(header) || 0) * base));
    }
    throw error;
  });
  return {};
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
/**
 * Requests GitHub counts as content-creating for its secondary rate limits: REST writes and GraphQL
 * mutations; a GraphQL query is a read (1 point of 2,000 a minute, not a write).
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 */
export function isContentCreating(method: string, url: string, body: unknown): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  if (!/\/graphql(\?|$)/.test(url)) return true;
  if (typeof body !== 'string') return true;
  try {
    const query = (JSON.parse(body) as { query?: unknown }).query;
    // Leading comments aside, an operation is a mutation only when it says so.
    return typeof query !== 'string' || /^mutation\b/.test(query.replace(/^(\s*#[^\n]*\n)*\s*/, ''));
  } catch {
    return true;
  }
}

/** Spaces the starts of writes `intervalMs` apart, as GitHub asks of content-creating requests. */
function writePacer(intervalMs: number): () => Promise<void> {
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

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
  const upload = async (request: UploadRequest): Promise<UploadAnswer> => {
    for (let attempt = 0; ; attempt++) {
      let answer: Response | undefined;
      let failure: unknown;
      try {
        requests.record('POST', request.url);
        // A big asset takes longer than an API call: allow for a slow 512 KiB/s link on top.
        answer = await baseFetch(request.url, {
          signal: AbortSignal.timeout(requestTimeoutMs + Math.ceil(request.size / 512)),
          method: 'POST',
          headers: { authorization: `token ${options.token}`, 'content-type': request.contentType, 'content-length': String(request.size), accept: 'application/vnd.github+json', 'x-github-api-version': GITHUB_API_VERSION, 'user-agent': 'relkit' },
          body: Readable.toWeb(Readable.from(request.open())) as ReadableStream,
          duplex: 'half',
        } as RequestInit);
      } catch (error) {
        failure = error;
      }
      const status = answer?.status;
      const limited = status === 429 || (status === 403 && answer?.headers.get('retry-after') !== null);
      const transient = failure !== undefined || (status !== undefined && status >= 500) || limited;
      if (!transient || attempt >= retries) {
        if (failure) throw failure;
        const text = await answer!.text();
        let data: unknown = text;
        try {
          data = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        return { status: answer!.status, data };
      }
      await answer?.body?.cancel();
      const retryAfter = Number(answer?.headers.get('retry-after'));
      const wait = limited && Number.isFinite(retryAfter) ? retryAfter * 1000 : retryBaseMs * 2 ** attempt * (0.5 + Math.random());
      log(`upload to ${request.url.replace(/\?.*$/, '')} failed (${failure ? (failure as Error).message : `HTTP ${status}`}); retrying in ${Math.round(wait)} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  return { rest, graphql, requests, apiUrl, graphqlUrl, upload };
}
