/** One token's use of one resource in the current hour. */
export interface Bucket {
  limit: number;
  used: number;
  reset: number;
}

const WINDOW_SECONDS = 3600;

/**
 * GitHub's primary rate limits as the sandbox keeps them: a bucket per resource and token, refilled
 * every hour; the headers every answer carries.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
export class RateBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /** The bucket a request spends from; anonymous callers all share one (they are all on loopback). */
  take(resource: string, token: string | undefined, limit: number): Bucket {
    const key = `${resource}:${token ?? 'anon'}`;
    const now = Math.floor(Date.now() / 1000);
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.reset <= now) {
      bucket = { limit, used: 0, reset: now + WINDOW_SECONDS };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** What GET /rate_limit reports for one resource of a token, without spending any of it. */
  view(resource: string, token: string | undefined, limit: number): { limit: number; used: number; remaining: number; reset: number } {
    const bucket = this.buckets.get(`${resource}:${token ?? 'anon'}`) ?? { limit, used: 0, reset: Math.floor(Date.now() / 1000) + WINDOW_SECONDS };
    return { limit: bucket.limit, used: bucket.used, remaining: Math.max(0, bucket.limit - bucket.used), reset: bucket.reset };
  }
}

export function rateHeaders(bucket: Bucket, resource: string): Record<string, string> {
  return {
    'x-ratelimit-limit': String(bucket.limit),
    'x-ratelimit-remaining': String(Math.max(0, bucket.limit - bucket.used)),
    'x-ratelimit-used': String(bucket.used),
    'x-ratelimit-reset': String(bucket.reset),
    'x-ratelimit-resource': resource,
  };
}
