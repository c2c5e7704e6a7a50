import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPush, GitMirrors, isGitRequest, PRE_RECEIVE_SCRIPT, type PushRequest } from './git-http.js';
import { HttpError, Router, type RequestContext, type SandboxResponse } from './http.js';
import { fullName, SandboxState, type Identity, type WorkflowJob } from './model.js';
import type { Urls } from './serialize.js';
import { FaultInjector, type FaultRule } from './faults.js';
import { applySeed, type SeedFixture, type SeedRepo, seedRepo, SANDBOX_APP_ID, SANDBOX_TOKENS } from './seed.js';
import { canRead } from './rules.js';
import { registerRepoRoutes } from './rest/repos.js';
import { registerArchiveRoutes } from './rest/archives.js';
import { registerGitRoutes } from './rest/git.js';
import { registerAdminRoutes } from './rest/admin.js';
import { registerPullRoutes } from './rest/pulls.js';
import { registerIssueRoutes, registerSearchRoutes } from './rest/issues.js';
import { registerMetaRoutes } from './rest/meta.js';
import { registerActionsRoutes } from './rest/actions.js';
import { appKeys, looksLikeJwt, mintedToken, mintJobToken, registerAppRoutes, revokeToken, verifyAppJwt } from './rest/apps.js';
import { normaliseAssetName, registerReleaseRoutes, registerUploadRoutes } from './rest/releases.js';
import { executeGraphql } from './graphql.js';
import { nowIso } from './model.js';
import { dumpState } from './dump.js';
import { RateBuckets, rateHeaders } from './rate-buckets.js';
import { parseJson, readBody, send, sleep } from './server-io.js';
import { fingerprint, type RequestLogEntry, type ResponseRecord } from './request-log.js';

export interface SandboxOptions {
  host?: string;
  /** API port; 0 (default) picks a free one. The uploads host listens on its own port. */
  port?: number;
  uploadsPort?: number;
  seed?: SeedFixture;
  /** Delay added to every API answer, to model a real network. */
  latencyMs?: number;
  /** PRs merged less than this long ago are missing from GraphQL associatedPullRequests. */
  associationLagMs?: number;
  /** Requests an hour for tokens without their own limit (GitHub: 5,000; GITHUB_TOKEN: 1,000). */
  rateLimit?: number;
  /** Sees every answer the sandbox gives, e.g. to validate it against GitHub's OpenAPI description. */
  onResponse?: (record: ResponseRecord) => void;
}

export class Sandbox {
  readonly state = new SandboxState();
  readonly faults = new FaultInjector();
  readonly log: RequestLogEntry[] = [];
  latencyMs: number;
  associationLagMs: number;
  urls: Urls = { api: '', uploads: '', html: '', graphql: '' };
  private readonly api: Server;
  private readonly uploads: Server;
  private readonly apiRouter = new Router();
  private readonly uploadRouter = new Router();
  private readonly buckets = new RateBuckets();
  private readonly sockets = new Set<Socket>();
  private readonly options: SandboxOptions;

  constructor(options: SandboxOptions = {}) {
    this.options = options;
    this.latencyMs = options.latencyMs ?? 0;
    this.associationLagMs = options.associationLagMs ?? 0;
    registerRepoRoutes(this.apiRouter);
    registerArchiveRoutes(this.apiRouter);
    registerGitRoutes(this.apiRouter);
    registerAdminRoutes(this.apiRouter);
    registerPullRoutes(this.apiRouter);
    registerAppRoutes(this.apiRouter);
    registerReleaseRoutes(this.apiRouter);
    registerIssueRoutes(this.apiRouter);
    registerSearchRoutes(this.apiRouter);
    registerMetaRoutes(this.apiRouter, (resource, token) => this.bucketView(resource, token));
    registerActionsRoutes(this.apiRouter);
    registerUploadRoutes(this.uploadRouter);
    this.api = createServer((req, res) => void this.handle('api', req, res));
    this.uploads = createServer((req, res) => void this.handle('uploads', req, res));
    for (const server of [this.api, this.uploads]) {
      server.on('connection', (socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
    }
    applySeed(this.state, options.seed ?? {});
  }

  async listen(): Promise<this> {
    const host = this.options.host ?? '127.0.0.1';
    const listen = (server: Server, port: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    const apiPort = await listen(this.api, this.options.port ?? 0);
    const uploadsPort = await listen(this.uploads, this.options.uploadsPort ?? 0);
    const base = `http://${host}:${apiPort}`;
    this.urls = { api: base, uploads: `http://${host}:${uploadsPort}`, html: `${base}/_html`, graphql: `${base}/graphql` };
    return this;
  }

  /** Environment a GitHub Action reads to find GitHub: point a bundle at the sandbox with these. */
  env(): Record<string, string> {
    return { GITHUB_API_URL: this.urls.api, GITHUB_GRAPHQL_URL: this.urls.graphql, GITHUB_SERVER_URL: this.urls.html };
  }

  addRepo(seed: SeedRepo): void {
    seedRepo(this.state, seed);
  }

  seed(fixture: SeedFixture): void {
    applySeed(this.state, { identities: [], ...fixture });
  }

  /** The PEM private key of a sandbox GitHub App (default: relkit-release, id 1001), as `app-private-key` takes it. */
  appPrivateKey(appId = SANDBOX_APP_ID): string {
    return appKeys(this.state, appId).privateKey;
  }

  addFault(rule: FaultRule): number {
    return this.faults.add(rule);
  }

  /** Requests whose route matched, counted by "METHOD route". */
  requestCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.log) {
      const key = `${entry.method} ${entry.server === 'graphql' ? '/graphql' : (entry.route ?? entry.path)}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** A GITHUB_TOKEN for one job: `repository` only, with these permissions (`pull_requests`, …). */
  mintJobToken(repository: string, permissions: Record<string, 'read' | 'write'>): string {
    return mintJobToken(this.state, repository, permissions);
  }

  /**
   * Records a job of a workflow run as it starts (in_progress) and ends (completed), for the
   * Actions API's job listings; the same run, attempt and name update one job.
   */
  recordWorkflowJob(repository: string, job: Omit<WorkflowJob, 'id'>): void {
    const key = repository.toLowerCase();
    const jobs = this.state.workflowJobs.get(key) ?? [];
    this.state.workflowJobs.set(key, jobs);
    const same = jobs.find((j) => j.runId === job.runId && j.attempt === job.attempt && j.name === job.name);
    if (same) Object.assign(same, job);
    else jobs.push({ ...job, id: this.state.id() });
  }

  /** Ends a token the sandbox minted: later requests with it get 401. */
  revokeToken(token: string): void {
    revokeToken(this.state, token);
  }

  /** Moves the sandbox's clock forward (installation tokens expire by it); never back. */
  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`the sandbox clock only moves forward (asked ${ms} ms)`);
    this.state.clockOffsetMs += ms;
  }

  dump(): Record<string, unknown> {
    return dumpState(this.state);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([this.api, this.uploads].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    if (this.mirrorRoot) rmSync(this.mirrorRoot, { recursive: true, force: true });
  }

  private mirrorRoot: string | undefined;
  private mirrors: GitMirrors | undefined;

  /** The bare repositories git's http-backend serves, made on the first git request. */
  private gitMirrors(): GitMirrors {
    if (!this.mirrors) {
      this.mirrorRoot = mkdtempSync(join(tmpdir(), 'relkit-sandbox-git-'));
      writeFileSync(join(this.mirrorRoot, 'pre-receive.mjs'), PRE_RECEIVE_SCRIPT);
      this.mirrors = new GitMirrors(this.mirrorRoot, () => `${this.urls.api}/_sandbox/git-push`);
    }
    return this.mirrors;
  }

  private identityFor(req: IncomingMessage): { identity: Identity | undefined; token: string | undefined; bad: boolean } {
    const header = req.headers.authorization;
    if (!header) return { identity: undefined, token: undefined, bad: false };
    const token = header.replace(/^(token|bearer)\s+/i, '').trim();
    if (looksLikeJwt(token)) {
      try {
        return { identity: verifyAppJwt(this.state, token), token, bad: false };
      } catch {
        return { identity: undefined, token, bad: true };
      }
    }
    const identity = this.state.identities.get(token) ?? mintedToken(this.state, token);
    return { identity, token, bad: identity === undefined };
  }

  /** What GET /rate_limit reports for one resource of a token, without spending any of it. */
  private bucketView(resource: 'core' | 'graphql' | 'search', token: string | undefined): { limit: number; used: number; remaining: number; reset: number } {
    const identity = token ? this.state.identities.get(token) : undefined;
    return this.buckets.view(resource, token, resource === 'search' ? 30 : (identity?.rateLimit ?? (identity ? (this.options.rateLimit ?? 5000) : 60)));
  }

  private async handle(server: 'api' | 'uploads', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req);
    // git clone, fetch and push over smart HTTP, at the repository's web address.
    if (server === 'api' && isGitRequest(url.pathname)) return this.gitMirrors().serve(this.state, req, res, url, rawBody);
    const kind: 'api' | 'uploads' | 'graphql' = server === 'api' && url.pathname === '/graphql' ? 'graphql' : server;
    const { identity, token, bad } = this.identityFor(req);
    const entry: RequestLogEntry = { server: kind, method, path: url.pathname, route: undefined, status: 0, login: identity?.account.login, token: fingerprint(token), ms: 0, at: Date.now() };

    if (server === 'api' && url.pathname.startsWith('/_sandbox/')) {
      const answer = this.control(method, url, rawBody);
      return send(res, answer, {});
    }
    this.log.push(entry);

    const fault = this.faults.match(method, url.pathname);
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const limit = identity?.rateLimit ?? (identity ? (this.options.rateLimit ?? 5000) : 60);
    const resource = kind === 'graphql' ? 'graphql' : 'core';
    const bucket = this.buckets.take(resource, token, limit);
    // "Accessing this endpoint does not count against your REST API rate limit." (docs.github.com/rest/rate-limit)
    if (!(method === 'GET' && url.pathname === '/rate_limit')) bucket.used += 1;
    const headers: Record<string, string> = {
      ...rateHeaders(bucket, resource),
      'x-github-request-id': randomUUID().toUpperCase().slice(0, 23),
      'x-github-api-version-selected': '2022-11-28',
      'access-control-allow-origin': '*',
    };

    let answer: SandboxResponse;
    let route: string | undefined;
    let requestBody: unknown;
    try {
      requestBody = parseJson(req, rawBody, server);
      if (fault) entry.fault = fault.kind;
      if (fault && fault.kind !== 'lost') {
        const faulted = this.applyFault(fault, res, headers, server, method, url, identity, rawBody);
        if (!faulted) return;
        answer = faulted;
      } else if (bad) {
        answer = { status: 401, body: new HttpError(401, 'Bad credentials').body() };
      } else if (bucket.used > bucket.limit) {
        answer = { status: 403, body: new HttpError(403, `API rate limit exceeded for ${identity ? `user ID ${identity.account.id}` : 'this address'}.`).body() };
      } else if (kind === 'graphql') {
        route = '/graphql';
        if (!identity) throw new HttpError(401, 'This endpoint requires you to be authenticated.');
        const result = await executeGraphql(
          {
            state: this.state,
            urls: this.urls,
            identity,
            associationLagMs: this.associationLagMs,
            rateLimit: () => ({ limit: bucket.limit, remaining: bucket.limit - bucket.used, used: bucket.used, resetAt: bucket.reset }),
          },
          requestBody ?? {},
        );
        answer = { status: 200, body: result };
      } else {
        const router = server === 'api' ? this.apiRouter : this.uploadRouter;
        const matched = router.match(method, url.pathname);
        if (!matched) throw new HttpError(404, 'Not Found');
        route = matched.route.template;
        const ctx = this.context(method, route, matched.params, url, req, requestBody, rawBody, identity);
        answer = await matched.route.handler(ctx);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        const body = error.body();
        // The uploads host adds the request id to its error bodies.
        if (server === 'uploads') body.request_id = headers['x-github-request-id'];
        answer = { status: error.status, body, headers: error.extra.headers ?? {} };
      } else {
        answer = { status: 500, body: { message: `sandbox error: ${error instanceof Error ? error.stack : String(error)}` } };
      }
    }
    entry.route = route;
    entry.status = answer.status;
    entry.ms = Date.now() - started;
    if (fault?.kind === 'lost') {
      res.socket?.destroy();
      return;
    }
    this.options.onResponse?.({ server: kind, method, route, path: url.pathname, status: answer.status, body: answer.body, raw: answer.raw !== undefined, requestBody });
    send(res, answer, headers);
  }

  private context(method: string, route: string, params: Record<string, string>, url: URL, req: IncomingMessage, body: unknown, rawBody: Buffer, identity: Identity | undefined): RequestContext {
    return {
      method,
      route,
      params,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      identity,
      state: this.state,
      urls: this.urls,
      repo: () => {
        const repo = this.state.repo(params.owner ?? '', params.repo ?? '');
        if (!repo || !canRead(repo, identity)) throw new HttpError(404, 'Not Found');
        return repo;
      },
    };
  }

  /** Returns the answer to send, or undefined when the fault already dealt with the socket. */
  private applyFault(
    fault: FaultRule & { kind: string },
    res: ServerResponse,
    headers: Record<string, string>,
    server: string,
    method: string,
    url: URL,
    identity: Identity | undefined,
    rawBody: Buffer,
  ): SandboxResponse | undefined {
    switch (fault.kind) {
      case 'reset':
        if (server === 'uploads' && method === 'POST') this.leaveStarterAsset(url, identity, rawBody);
        res.socket?.destroy();
        return undefined;
      case 'hang':
        // Never answers; the client's timeout must deal with it. The socket is closed on sandbox close.
        return undefined;
      case 'secondary-limit':
        return {
          status: 403,
          body: {
            message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
            status: '403',
          },
          headers: fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
        };
      case 'rate-limit': {
        const reset = Math.floor(Date.now() / 1000) + (fault.retryAfter ?? 60);
        Object.assign(headers, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
        return { status: 403, body: { message: 'API rate limit exceeded for installation.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: '403' } };
      }
      default:
        return {
          status: fault.status ?? 500,
          body: { message: fault.message ?? (fault.status === 429 ? 'Too Many Requests' : 'Server Error'), status: String(fault.status ?? 500) },
          headers: fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
        };
    }
  }

  /** A connection dropped mid-upload leaves an asset in state `starter`, as on GitHub; it blocks the name until deleted. */
  private leaveStarterAsset(url: URL, identity: Identity | undefined, rawBody: Buffer): void {
    const match = /^\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)\/assets$/.exec(url.pathname);
    const name = url.searchParams.get('name');
    if (!match || !name || !identity) return;
    const release = this.state.repo(match[1] as string, match[2])?.releases.find((r) => r.id === Number(match[3]));
    if (!release || release.assets.some((a) => a.name === normaliseAssetName(name))) return;
    const now = nowIso();
    release.assets.push({
      id: this.state.id(),
      name: normaliseAssetName(name),
      label: null,
      contentType: 'application/octet-stream',
      state: 'starter',
      data: rawBody.subarray(0, Math.floor(rawBody.length / 2)),
      uploader: identity.account.login,
      downloadCount: 0,
      createdAt: now,
      updatedAt: now,
    });
  }

  private control(method: string, url: URL, rawBody: Buffer): SandboxResponse {
    const body: unknown = rawBody.length > 0 ? JSON.parse(rawBody.toString('utf8')) : undefined;
    const path = url.pathname.slice('/_sandbox'.length);
    if (method === 'GET' && path === '/state') return { status: 200, body: this.dump() };
    if (method === 'GET' && path === '/requests') return { status: 200, body: { total: this.log.length, counts: this.requestCounts(), log: this.log } };
    if (method === 'DELETE' && path === '/requests') {
      this.log.length = 0;
      return { status: 204 };
    }
    if (method === 'POST' && path === '/clock') {
      this.advanceClock(Number((body as { advanceMs?: unknown } | undefined)?.advanceMs ?? 0));
      return { status: 200, body: { now: new Date(this.state.now()).toISOString() } };
    }
    if (method === 'GET' && path === '/faults') return { status: 200, body: this.faults.list() };
    if (method === 'POST' && path === '/faults') {
      const rules = (Array.isArray(body) ? body : [body]) as FaultRule[];
      return { status: 201, body: { ids: rules.map((r) => this.faults.add(r)) } };
    }
    if (method === 'DELETE' && path === '/faults') {
      this.faults.clear();
      return { status: 204 };
    }
    if (method === 'PUT' && path === '/latency') {
      this.latencyMs = Number((body as { ms?: unknown } | undefined)?.ms ?? 0);
      return { status: 200, body: { ms: this.latencyMs } };
    }
    if (method === 'POST' && path === '/seed') {
      this.seed(body as SeedFixture);
      return { status: 201, body: { repos: [...this.state.repos.values()].map(fullName) } };
    }
    if (method === 'POST' && path === '/git-push') return { status: 200, body: applyPush(this.state, body as PushRequest) };
    if (method === 'GET' && path === '/tokens') return { status: 200, body: SANDBOX_TOKENS };
    if (method === 'GET' && path === '/app-key') return { status: 200, body: { app_id: SANDBOX_APP_ID, private_key: this.appPrivateKey() } };
    return { status: 404, body: { message: `unknown sandbox control ${method} ${path}` } };
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return new Sandbox(options).listen();
}
