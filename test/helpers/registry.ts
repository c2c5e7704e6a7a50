import { execFileSync } from 'node:child_process';
import { createHash, createSign, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll } from 'vitest';
import { startLocalRegistry } from '@relkit/rehearsal';

/**
 * A real CNCF distribution registry (Debian `docker-registry`, started by the rehearsal's
 * startLocalRegistry) on loopback, with a temporary config and storage. In `bearer` mode it is configured for token auth and a small token server
 * here signs the tokens it accepts, so clients go through the real 401 → realm → token dance; in
 * `basic` mode it checks an htpasswd file itself.
 */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, usable as the registry part of an image reference. */
  host: string;
  url: string;
  /** Token server realm (bearer mode). */
  realm?: string;
  /** Credentials the token server (bearer mode; anonymous pulls are also granted) or htpasswd (basic mode) accepts. */
  credentials?: { username: string; password: string };
  /** Requests seen by the token server. */
  tokenRequests: string[];
  pushImage(repository: string, reference: string, platform?: Platform): Promise<PushedManifest>;
  pushIndex(repository: string, reference: string, platforms: Platform[]): Promise<PushedManifest & { children: PushedManifest[] }>;
  stop(): Promise<void>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface PushedManifest {
  digest: string;
  mediaType: string;
  size: number;
  platform?: Platform;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function startTokenServer(keyPem: string, certDer: Buffer, service: string, credentials: { username: string; password: string }, seen: string[]): Promise<{ server: Server; realm: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    seen.push(url.search);
    const auth = req.headers.authorization;
    let subject = '';
    if (auth?.startsWith('Basic ')) {
      const [user, pass] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (user !== credentials.username || pass !== credentials.password) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'invalid credentials' }));
        return;
      }
      subject = user;
    }
    const access = url.searchParams.getAll('scope').map((scope) => {
      const [type, name, actions] = scope.split(':') as [string, string, string];
      const asked = actions.split(',');
      return { type, name, actions: subject ? asked : asked.filter((a) => a === 'pull') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer.toString('base64')] };
    const claims = { iss: 'relkit-test-issuer', sub: subject, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(keyPem);
    const token = `${input}.${b64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, realm: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token` })));
}

export async function startRegistry(options: { auth?: 'none' | 'bearer' | 'basic' } = {}): Promise<TestRegistry> {
  // Key, certificate and htpasswd live here; the registry keeps its own config and storage.
  const dir = mkdtempSync(join(tmpdir(), 'relkit-registry-auth-'));
  const service = 'relkit-test-registry';
  const credentials = { username: 'relkit', password: randomBytes(8).toString('hex') };
  const tokenRequests: string[] = [];
  let tokenServer: Server | undefined;
  let realm: string | undefined;
  let authBlock = '';
  if (options.auth === 'bearer') {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=relkit-test-token'], {
      stdio: 'ignore',
    });
    const certDer = execFileSync('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-outform', 'DER']);
    const tokenServerStarted = await startTokenServer(readFileSync(join(dir, 'key.pem'), 'utf8'), certDer, service, credentials, tokenRequests);
    tokenServer = tokenServerStarted.server;
    realm = tokenServerStarted.realm;
    authBlock = `auth:\n  token:\n    realm: ${realm}\n    service: ${service}\n    issuer: relkit-test-issuer\n    rootcertbundle: ${join(dir, 'cert.pem')}\n`;
  }
  if (options.auth === 'basic') {
    writeFileSync(join(dir, 'htpasswd'), `${credentials.username}:${bcrypt.hashSync(credentials.password, 4)}\n`);
    authBlock = `auth:\n  htpasswd:\n    realm: relkit-basic\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const started = await startLocalRegistry({ auth: authBlock });
  const { host, url } = started;

  const tokenCache = new Map<string, string>();
  const authorized = async (repository: string, init: RequestInit = {}, path = ''): Promise<Response> => {
    const headers = new Headers(init.headers);
    const cached = tokenCache.get(repository);
    if (cached) headers.set('authorization', `Bearer ${cached}`);
    if (options.auth === 'basic') headers.set('authorization', `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`);
    const response = await fetch(path, { ...init, headers });
    if (response.status !== 401 || !realm) return response;
    const scope = `repository:${repository}:pull,push`;
    const tokenResponse = await fetch(`${realm}?service=${service}&scope=${encodeURIComponent(scope)}`, {
      headers: { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` },
    });
    const { token } = (await tokenResponse.json()) as { token: string };
    tokenCache.set(repository, token);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(path, { ...init, headers });
  };

  const pushBlob = async (repository: string, data: Buffer): Promise<string> => {
    const digest = sha256(data);
    const start = await authorized(repository, { method: 'POST' }, `${url}/v2/${repository}/blobs/uploads/`);
    if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
    const location = new URL(start.headers.get('location') as string, url);
    location.searchParams.set('digest', digest);
    const put = await authorized(repository, { method: 'PUT', body: new Uint8Array(data), headers: { 'content-type': 'application/octet-stream' } }, location.href);
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
    return digest;
  };

  const putManifest = async (repository: string, reference: string, mediaType: string, manifest: unknown): Promise<PushedManifest> => {
    const body = Buffer.from(JSON.stringify(manifest));
    const response = await authorized(repository, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': mediaType } }, `${url}/v2/${repository}/manifests/${reference}`);
    if (response.status !== 201) throw new Error(`manifest put: ${response.status} ${await response.text()}`);
    return { digest: sha256(body), mediaType, size: body.length };
  };

  const pushManifestOnly = async (repository: string, reference: string | undefined, platform: Platform): Promise<PushedManifest> => {
    const config = Buffer.from(
      JSON.stringify({ architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}), rootfs: { type: 'layers', diff_ids: [] }, config: {} }),
    );
    const layer = randomBytes(64);
    const configDigest = await pushBlob(repository, config);
    const layerDigest = await pushBlob(repository, layer);
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER, digest: layerDigest, size: layer.length }],
    };
    const body = Buffer.from(JSON.stringify(manifest));
    const pushed = await putManifest(repository, reference ?? sha256(body), OCI_MANIFEST, manifest);
    return { ...pushed, platform };
  };

  return {
    host,
    url,
    ...(realm ? { realm } : {}),
    ...(options.auth === 'bearer' || options.auth === 'basic' ? { credentials } : {}),
    tokenRequests,
    pushImage: (repository, reference, platform = { os: 'linux', architecture: 'amd64' }) => pushManifestOnly(repository, reference, platform),
    async pushIndex(repository, reference, platforms) {
      const children: PushedManifest[] = [];
      for (const platform of platforms) children.push(await pushManifestOnly(repository, undefined, platform));
      const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: c.platform })) };
      return { ...(await putManifest(repository, reference, OCI_INDEX, index)), children };
    },
    async stop() {
      await started.stop();
      await new Promise((r) => (tokenServer ? tokenServer.close(() => r(undefined)) : r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A registry for the enclosing describe block (or file): started before its tests, stopped after.
 * The handle reads through to the started registry, so tests use it as a TestRegistry.
 */
export function useRegistry(options: { auth?: 'none' | 'bearer' | 'basic' } = {}): TestRegistry {
  let started: TestRegistry | undefined;
  beforeAll(async () => {
    started = await startRegistry(options);
  });
  afterAll(async () => started?.stop());
  return new Proxy({} as TestRegistry, {
    get: (_, key) => {
      if (!started) throw new Error('the test registry is used before beforeAll started it');
      return started[key as keyof TestRegistry];
    },
  });
}
