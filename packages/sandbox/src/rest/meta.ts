import type { Router } from '../http.js';

type BucketView = (resource: 'core' | 'graphql' | 'search', token: string | undefined) => { limit: number; used: number; remaining: number; reset: number };

/** `GET /rate_limit` (docs.github.com/rest/rate-limit) and `GET /meta` (docs.github.com/rest/meta). */
export function registerMetaRoutes(router: Router, bucket: BucketView): void {
  router.add('GET', '/rate_limit', (ctx) => {
    const token = ctx.headers.authorization?.replace(/^(token|bearer)\s+/i, '').trim();
    const resources = { core: bucket('core', token), graphql: bucket('graphql', token), search: bucket('search', token) };
    // `rate` is the deprecated mirror of `resources.core` that older clients still read.
    return { status: 200, body: { resources, rate: resources.core } };
  });
  router.add('GET', '/meta', () => ({
    status: 200,
    body: {
      verifiable_password_authentication: false,
      // Loopback stands in for GitHub's published ranges: the sandbox serves only this machine.
      hooks: ['127.0.0.1/32'],
      web: ['127.0.0.1/32'],
      api: ['127.0.0.1/32'],
      git: ['127.0.0.1/32'],
      actions: ['127.0.0.1/32'],
      domains: { website: ['127.0.0.1'] },
    },
  }));
}
