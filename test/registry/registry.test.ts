import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useRegistry } from '../helpers/registry.js';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

describe('test registry: real distribution on loopback, anonymous', () => {
  const registry = useRegistry();

  it('serves a pushed single-platform image and a multi-platform index with their digests', async () => {
    const single = await registry.pushImage('metallb/controller', 'v0.14.9');
    const head = await fetch(`${registry.url}/v2/metallb/controller/manifests/v0.14.9`, { method: 'HEAD', headers: { accept: ACCEPT } });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(single.digest);

    const index = await registry.pushIndex('metallb/speaker', 'v0.14.9', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ]);
    const got = await fetch(`${registry.url}/v2/metallb/speaker/manifests/v0.14.9`, { headers: { accept: ACCEPT } });
    expect(got.headers.get('docker-content-digest')).toBe(index.digest);
    const body = (await got.json()) as { manifests: { platform: { architecture: string } }[] };
    expect(body.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    expect((await fetch(`${registry.url}/v2/metallb/speaker/manifests/v9.9.9`, { method: 'HEAD', headers: { accept: ACCEPT } })).status).toBe(404);
  });

  it('is readable by skopeo, the tool users check images with', () => {
    const out = execFileSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${registry.host}/metallb/speaker:v0.14.9`]).toString();
    expect(JSON.parse(out).manifests).toHaveLength(2);
  });
});

describe('test registry: Bearer token auth', () => {
  const registry = useRegistry({ auth: 'bearer' });

  it('answers 401 with a Bearer challenge, and accepts a token from the realm', async () => {
    const pushed = await registry.pushImage('acme/app', 'v1.0.0');
    const denied = await fetch(`${registry.url}/v2/acme/app/manifests/v1.0.0`, { method: 'HEAD', headers: { accept: ACCEPT } });
    expect(denied.status).toBe(401);
    const challenge = denied.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="relkit-test-registry",scope="repository:acme\/app:pull"/);
    const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
    const { token } = (await (await fetch(`${realm}?service=relkit-test-registry&scope=repository:acme/app:pull`)).json()) as { token: string };
    const allowed = await fetch(`${registry.url}/v2/acme/app/manifests/v1.0.0`, { method: 'HEAD', headers: { accept: ACCEPT, authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('docker-content-digest')).toBe(pushed.digest);
    expect(registry.tokenRequests.length).toBeGreaterThanOrEqual(2);
  });
});
