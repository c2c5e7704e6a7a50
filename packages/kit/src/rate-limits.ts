// GitHub's rate limits as relkit meets them: Retry-After honoured, content-creating requests paced.

/**
 * plugin-retry waits (n+1)² units whatever the server said. Registered before it, this hook is
 * innermost: on a 429 or 503 carrying `retry-after` it first waits that long, then hands the error
 * on for plugin-retry to retry. (Rewriting plugin-retry's own delay does not work: it is read
 * before an outer hook could change it, and overwritten by it from inside.) Secondary limits are
 * left to plugin-throttling.
 */
/** What Octokit's request hook is handed on failure: a RequestError, or anything a fetch threw. */
type RequestFailure = Error & { status?: number; response?: { headers?: Record<string, string | undefined> } };

export function retryAfterHonouring(_octokit: unknown, octokitOptions: { retry?: { retryAfterBaseValue?: number; retries?: number } }) {
  const octokit = _octokit as { hook: { error: (name: string, hook: (error: RequestFailure, options: { request?: { retryCount?: number } }) => Promise<unknown>) => void } };
  const base = octokitOptions.retry?.retryAfterBaseValue ?? 1000;
  const retries = octokitOptions.retry?.retries ?? 3;
  octokit.hook.error('request', async (error, options) => {
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
export function writePacer(intervalMs: number): () => Promise<void> {
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}
