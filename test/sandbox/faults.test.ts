import { describe, expect, it } from 'vitest';
import { basicRepo, useSandbox } from '../helpers/sandbox.js';
import { defaultIdentities } from '@relkit/sandbox';

// `ghp_tiny_budget` may make two requests an hour, to reach the limit in a test.
const env = useSandbox({ identities: [...defaultIdentities(), { token: 'ghp_tiny_budget', kind: 'user', login: 'tiny', rateLimit: 2 }], repos: basicRepo() });
const repo = { owner: 'acme', repo: 'app' };

describe("fault injection and the client factory's resilience", () => {
  it('retries 5xx and connection resets, and counts every attempt', async () => {
    env.sandbox.addFault({ method: 'GET', path: '/repos/acme/app/releases', kind: 'status', status: 502 });
    env.sandbox.addFault({ method: 'GET', path: '/repos/acme/app/releases', kind: 'reset', nth: 2 });
    const clients = env.client();
    const releases = await clients.rest.rest.repos.listReleases(repo);
    expect(releases.status).toBe(200);
    expect(clients.requests.total).toBe(3);
    expect(env.sandbox.faults.list().every((f) => f.fired === 1)).toBe(true);
    env.sandbox.faults.clear();
  });

  it('waits as long as retry-after says on a 429', async () => {
    env.sandbox.addFault({ method: 'GET', path: '/repos/acme/app/tags', kind: 'status', status: 429, retryAfter: 8 });
    const clients = env.client();
    const started = Date.now();
    await clients.rest.rest.repos.listTags(repo);
    // One "second" is 10 ms in tests. plugin-retry alone would wait (0+1)² = 1 unit; the header says 8.
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
    expect(clients.requests.total).toBe(2);
    env.sandbox.faults.clear();
  });

  it('handles secondary rate limits and primary exhaustion through the throttling plugin', async () => {
    env.sandbox.addFault({ method: 'POST', path: '/git/blobs', kind: 'secondary-limit', retryAfter: 1 });
    env.sandbox.addFault({ method: 'GET', path: '/git/ref/', kind: 'rate-limit', retryAfter: 1 });
    const clients = env.client();
    const blob = await clients.rest.rest.git.createBlob({ ...repo, content: 'x' });
    expect(blob.status).toBe(201);
    await clients.rest.rest.git.getRef({ ...repo, ref: 'heads/main' });
    expect(clients.requests.total).toBe(4);
    env.sandbox.faults.clear();
  });

  it('aborts a hanging request and retries it', async () => {
    env.sandbox.addFault({ method: 'GET', path: '/repos/acme/app/branches', kind: 'hang' });
    const { createGitHubClients } = await import('@relkit/kit');
    const clients = createGitHubClients({ token: 'ghp_sandbox_admin', apiUrl: env.sandbox.urls.api, retryBaseMs: 10, requestTimeoutMs: 300 });
    const branches = await clients.rest.rest.repos.listBranches(repo);
    expect(branches.data.map((b) => b.name)).toEqual(['main']);
    expect(clients.requests.total).toBe(2);
    env.sandbox.faults.clear();
  });

  it('does not retry a client error, so a rejected write is never sent twice', async () => {
    const clients = env.client();
    const error = await clients.rest.rest.git.createRef({ ...repo, ref: 'refs/heads/main', sha: 'a'.repeat(40) }).catch((e) => e);
    expect(error.status).toBe(422);
    expect(clients.requests.total).toBe(1);
  });

  it('exposes faults, requests and state through the /_sandbox control API', async () => {
    const base = env.sandbox.urls.api;
    const created = await fetch(`${base}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ method: 'GET', path: '/repos/acme/app', status: 503, kind: 'status' }) });
    expect(created.status).toBe(201);
    const failed = await fetch(`${base}/repos/acme/app`);
    expect(failed.status).toBe(503);
    expect((await fetch(`${base}/repos/acme/app`)).status).toBe(200);
    const state = (await (await fetch(`${base}/_sandbox/state`)).json()) as { repos: { fullName: string; refs: Record<string, string> }[] };
    expect(state.repos.map((r) => r.fullName)).toEqual(['acme/app']);
    expect(Object.keys(state.repos[0]!.refs)).toEqual(expect.arrayContaining(['refs/heads/main', 'refs/tags/v1.0.0']));
    const requests = (await (await fetch(`${base}/_sandbox/requests`)).json()) as { counts: Record<string, number> };
    expect(requests.counts['GET /repos/{owner}/{repo}']).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${base}/_sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
  });

  it('sends rate-limit headers and answers 403 once the hourly budget is spent', async () => {
    const response = await fetch(`${env.sandbox.urls.api}/repos/acme/app`, { headers: { authorization: 'token ghs_sandbox_github_token' } });
    expect(response.headers.get('x-ratelimit-limit')).toBe('1000');
    const used = Number(response.headers.get('x-ratelimit-used'));
    expect(Number(response.headers.get('x-ratelimit-remaining'))).toBe(1000 - used);

    const ask = () => fetch(`${env.sandbox.urls.api}/repos/acme/app`, { headers: { authorization: 'token ghp_tiny_budget' } });
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    const spent = await ask();
    expect(spent.status).toBe(403);
    expect(spent.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(((await spent.json()) as { message: string }).message).toMatch(/^API rate limit exceeded/);
  });

  it('gives up at once, rather than sleeping for an hour, when the budget resets too late', async () => {
    const { createGitHubClients } = await import('@relkit/kit');
    const clients = createGitHubClients({ token: 'ghp_tiny_budget', apiUrl: env.sandbox.urls.api, retryBaseMs: 10, maxRateLimitWaitSeconds: 60 });
    const started = Date.now();
    const error = await clients.rest.rest.repos.get(repo).catch((e: { status: number }) => e);
    expect((error as { status: number }).status).toBe(403);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
