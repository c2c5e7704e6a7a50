import { createHash } from 'node:crypto';
import { CredentialStore, type Credential } from './credentials.js';
import { RegistryError } from './errors.js';
import { formatPlatform, isIndex, MANIFEST_ACCEPT, type PlatformSpec } from './media-types.js';
import { manifestReference, type ImageReference } from './reference.js';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';

export type ResolveResult =
  | { kind: 'found'; digest: string; mediaType: string; platforms: string[] | undefined }
  /** Not there yet: 404, MANIFEST_UNKNOWN, or an anonymous pull refused (a repository that does not exist yet looks the same). */
  | { kind: 'not-found'; detail: string };

export interface RegistryClientOptions {
  credentials?: CredentialStore;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Hosts spoken to over plain HTTP; loopback always is. */
  insecureHosts?: string[];
  userAgent?: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

const MAX_REDIRECTS = 5;

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\./.test(name);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { errors?: Array<{ code?: string }> };
    return body.errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

/**
 * Speaks the OCI distribution API: HEAD/GET manifests and blobs with token auth (Bearer challenge
 * → token, cached per registry and scope until it expires), Basic auth, and redirects followed by
 * hand so Accept is kept and each host gets its own credentials.
 */
export class RegistryClient {
  /** Requests sent, by registry host (token requests included). */
  readonly requests = new Map<string, number>();
  private readonly credentials: CredentialStore;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly basicHosts = new Set<string>();
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly insecure: Set<string>;
  private readonly userAgent: string;

  constructor(options: RegistryClientOptions = {}) {
    this.credentials = options.credentials ?? new CredentialStore();
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.insecure = new Set(options.insecureHosts ?? []);
    this.userAgent = options.userAgent ?? 'relkit';
  }

  get totalRequests(): number {
    let total = 0;
    for (const n of this.requests.values()) total += n;
    return total;
  }

  private baseUrl(host: string): string {
    return `${isLoopback(host) || this.insecure.has(host) ? 'http' : 'https'}://${host}`;
  }

  private count(host: string): void {
    this.requests.set(host, (this.requests.get(host) ?? 0) + 1);
  }

  private async send(method: string, url: string, headers: Record<string, string>): Promise<Response> {
    const host = new URL(url).host;
    this.count(host);
    try {
      return await this.fetchImpl(url, { method, headers: { 'user-agent': this.userAgent, ...headers }, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name ?? 'error';
      throw new RegistryError('transient', `${method} ${url}: ${reason === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000}s` : `connection failed (${reason})`}`, { cause: error });
    }
  }

  private authorization(host: string, scope: string): string | undefined {
    const cached = this.tokens.get(`${host} ${scope}`);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    const credential = this.credentials.get(host);
    if (credential && this.basicHosts.has(host)) return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    return undefined;
  }

  private async fetchToken(host: string, challenge: Challenge, scope: string, credential: Credential | undefined): Promise<void> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError('protocol', `${host} asked for a Bearer token without a realm`);
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', challenge.params.scope ?? scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credential) headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    const response = await this.send('GET', url.href, headers);
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(
        'auth',
        `the token service of ${host} (${url.host}) refused ${credential ? `the credentials for user "${credential.username}"` : 'an anonymous token'} (${response.status})`,
        { status: response.status },
      );
    }
    if (response.status === 429)
      throw new RegistryError('rate-limited', `the token service of ${host} answered 429`, { status: 429, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) ?? 0 });
    if (response.status >= 500) throw new RegistryError('transient', `the token service of ${host} answered ${response.status}`, { status: response.status });
    if (!response.ok) throw new RegistryError('protocol', `the token service of ${host} answered ${response.status}`, { status: response.status });
    const body = (await response.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError('protocol', `the token service of ${host} answered without a token`);
    // Renew a little early, so a token never expires between the check and the request.
    const lifetime = Math.max(60, body.expires_in ?? 60) * 1000;
    this.tokens.set(`${host} ${scope}`, { token, expiresAt: Date.now() + lifetime - 5_000 });
  }

  /**
   * One API request for `reference`'s repository. Answers 401 by authenticating and retrying once;
   * follows redirects itself. Returns the final response (any status) for the caller to read.
   */
  async request(reference: ImageReference, method: 'GET' | 'HEAD', path: string, accept: string): Promise<{ response: Response; authenticated: boolean }> {
    const scope = `repository:${reference.repository}:pull`;
    let url = `${this.baseUrl(reference.registry)}/v2/${reference.repository}/${path}`;
    let authenticated = false;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const host = new URL(url).host;
      const credential = this.credentials.get(host);
      const headers: Record<string, string> = { accept };
      const auth = this.authorization(host, scope);
      if (auth) headers.authorization = auth;
      let response = await this.send(method, url, headers);
      if (response.status === 401) {
        const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
        const bearer = challenges.find((c) => c.scheme === 'bearer');
        const basic = challenges.find((c) => c.scheme === 'basic');
        await response.body?.cancel();
        if (bearer) {
          await this.fetchToken(host, bearer, scope, credential);
        } else if (basic && credential && !this.basicHosts.has(host)) {
          this.basicHosts.add(host);
        } else if (!basic && !bearer) {
          throw new RegistryError('protocol', `${host} answered 401 without a usable WWW-Authenticate challenge`, { status: 401 });
        }
        const retryAuth = this.authorization(host, scope);
        if (retryAuth && retryAuth !== auth) {
          response = await this.send(method, url, { accept, authorization: retryAuth });
          authenticated = credential !== undefined;
        }
      } else if (auth) {
        authenticated = credential !== undefined;
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        url = new URL(location, url).href;
        continue;
      }
      return { response, authenticated };
    }
    throw new RegistryError('protocol', `${reference.registry} redirected more than ${MAX_REDIRECTS} times`);
  }

  /** Turns a non-2xx answer into "not there yet" or a RegistryError. */
  private async notFoundOrThrow(reference: ImageReference, what: string, response: Response, authenticated: boolean): Promise<{ kind: 'not-found'; detail: string }> {
    const status = response.status;
    if (status === 429) throw new RegistryError('rate-limited', `${reference.registry} answered 429 Too Many Requests`, { status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) });
    if (status >= 500) {
      await response.body?.cancel();
      throw new RegistryError('transient', `${reference.registry} answered ${status}`, { status });
    }
    const code = await errorCode(response);
    if (status === 404 || code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN') return { kind: 'not-found', detail: `${what}: ${status}${code ? ` ${code}` : ' not found'}` };
    if (status === 401 || status === 403) {
      if (authenticated)
        throw new RegistryError('auth', `${reference.registry} refused access to ${reference.repository} (${status}${code ? ` ${code}` : ''}) although the credentials were accepted`, { status });
      return { kind: 'not-found', detail: `${what}: ${status} for an anonymous pull (the repository does not exist yet, or is private)` };
    }
    throw new RegistryError('protocol', `${reference.registry} answered ${status}${code ? ` ${code}` : ''} for ${what}`, { status });
  }

  private async getJson(reference: ImageReference, path: string, accept: string): Promise<{ body: Buffer; mediaType: string | undefined } | { kind: 'not-found'; detail: string }> {
    const { response, authenticated } = await this.request(reference, 'GET', path, accept);
    if (!response.ok) return this.notFoundOrThrow(reference, path, response, authenticated);
    return { body: Buffer.from(await response.arrayBuffer()), mediaType: response.headers.get('content-type')?.split(';')[0] };
  }

  /**
   * The digest (and, when asked, the platforms) `reference` points at now. Index contents, and a
   * single manifest's config, are fetched only when `platforms` is set.
   */
  async resolve(reference: ImageReference, options: { platforms?: boolean } = {}): Promise<ResolveResult> {
    const ref = manifestReference(reference);
    const what = `manifest ${ref}`;
    const { response, authenticated } = await this.request(reference, 'HEAD', `manifests/${ref}`, MANIFEST_ACCEPT);
    if (!response.ok) return this.notFoundOrThrow(reference, what, response, authenticated);
    let mediaType = response.headers.get('content-type')?.split(';')[0] ?? '';
    let digest = response.headers.get('docker-content-digest') ?? undefined;
    let body: Buffer | undefined;
    if (!digest) {
      const got = await this.getJson(reference, `manifests/${ref}`, MANIFEST_ACCEPT);
      if ('kind' in got) return got;
      body = got.body;
      mediaType = got.mediaType ?? mediaType;
      digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    }
    if (!options.platforms) return { kind: 'found', digest, mediaType, platforms: undefined };
    if (!body) {
      const got = await this.getJson(reference, `manifests/${digest}`, MANIFEST_ACCEPT);
      if ('kind' in got) return got;
      body = got.body;
    }
    const manifest = JSON.parse(body.toString('utf8')) as { mediaType?: string; manifests?: Array<{ platform?: PlatformSpec }>; config?: { digest: string } };
    mediaType = manifest.mediaType ?? mediaType;
    if (isIndex(mediaType) || manifest.manifests) {
      const platforms = (manifest.manifests ?? []).flatMap((m) => (m.platform && m.platform.os !== 'unknown' ? [formatPlatform(m.platform)] : []));
      return { kind: 'found', digest, mediaType, platforms };
    }
    if (!manifest.config?.digest) return { kind: 'found', digest, mediaType, platforms: [] };
    const config = await this.getJson(reference, `blobs/${manifest.config.digest}`, 'application/json, */*');
    if ('kind' in config) return config;
    const image = JSON.parse(config.body.toString('utf8')) as Partial<PlatformSpec>;
    return { kind: 'found', digest, mediaType, platforms: image.os && image.architecture ? [formatPlatform(image as PlatformSpec)] : [] };
  }
}
