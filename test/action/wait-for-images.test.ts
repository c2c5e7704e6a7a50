import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors, runAction } from '../helpers/action.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { startRegistry, useRegistry, type TestRegistry } from '../helpers/registry.js';
import { scratchDir } from '../helpers/scratch.js';

const FAST = { interval: '200ms', 'max-interval': '800ms', timeout: '30s' };
const wait = (inputs: Record<string, string>, env: Record<string, string> = {}) => runAction('wait-for-images', undefined, { ...FAST, ...inputs }, { env: { HOME: '/nonexistent', ...env } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };

describe('wait-for-images against a real registry (no auth)', () => {
  const registry = useRegistry();

  it('notices images pushed after the wait started and reports their digests', async () => {
    const running = wait({ images: `${registry.host}/metallb/speaker\n${registry.host}/metallb/controller`, tag: 'v0.14.9' });
    await sleep(1500);
    const speaker = await registry.pushImage('metallb/speaker', 'v0.14.9');
    await sleep(500);
    const controller = await registry.pushImage('metallb/controller', 'v0.14.9');
    const result = await running;
    expect(errors(result)).toEqual([]);
    expect(result.outputs.ready).toBe('true');
    expect(JSON.parse(result.outputs.digests!)).toEqual({ [`${registry.host}/metallb/speaker:v0.14.9`]: speaker.digest, [`${registry.host}/metallb/controller:v0.14.9`]: controller.digest });
    expect(Number(result.outputs.waited)).toBeGreaterThanOrEqual(1.5);
    expect(result.stdout).toMatch(/metallb\/speaker:v0\.14\.9: manifest v0\.14\.9: 404/);
    expect(result.stdout).toMatch(/metallb\/controller:v0\.14\.9: ready sha256:[0-9a-f]{64} after \d/);
    expect(result.summary).toContain(`\`${speaker.digest}\``);
  });

  it('waits for a multi-platform index to list every platform asked', async () => {
    await registry.pushIndex('acme/app', 'v1.0.0', [amd64]);
    const running = wait({ images: `${registry.host}/acme/app:v1.0.0`, platforms: 'linux/amd64,linux/arm64' });
    await sleep(1500);
    const complete = await registry.pushIndex('acme/app', 'v1.0.0', [amd64, arm64]);
    const result = await running;
    expect(errors(result)).toEqual([]);
    expect(result.stdout).toMatch(/has linux\/amd64; missing linux\/arm64/);
    expect(JSON.parse(result.outputs.digests!)).toEqual({ [`${registry.host}/acme/app:v1.0.0`]: complete.digest });
    expect(JSON.parse(result.outputs.platforms!)).toEqual({ [`${registry.host}/acme/app:v1.0.0`]: ['linux/amd64', 'linux/arm64'] });
  });

  it('checks the platform of a single-platform image', async () => {
    await registry.pushImage('acme/single', 'v1', arm64);
    const ok = await wait({ images: `${registry.host}/acme/single:v1`, platforms: 'linux/arm64' });
    expect(ok.outputs).toMatchObject({ ready: 'true' });
    const wrong = await wait({ images: `${registry.host}/acme/single:v1`, platforms: 'linux/amd64', timeout: '1s' });
    expect(wrong.failed).toBe(true);
    expect(errors(wrong).join('\n')).toMatch(/acme\/single:v1: sha256:[0-9a-f]{12}… has linux\/arm64; missing linux\/amd64/);
  });

  it('fails on a digest mismatch with staging and names it', async () => {
    const staging = await registry.pushImage('staging/epp', 'v1.6.0');
    const prod = await registry.pushImage('prod/epp', 'v1.6.0');
    expect(prod.digest).not.toBe(staging.digest);
    const result = await wait({ images: `${registry.host}/prod/epp:v1.6.0`, 'same-digest-as': `${registry.host}/staging/epp`, timeout: '2s' });
    expect(result.failed).toBe(true);
    expect(errors(result).join('\n')).toMatch(
      /Timed out after \ds waiting for 1 of 1 image[\s\S]*prod\/epp:v1\.6\.0: digest sha256:[0-9a-f]{12}… differs from 127\.0\.0\.1:\d+\/staging\/epp:v1\.6\.0 \(sha256:/,
    );
    expect(result.outputs.ready).toBe('false');

    const same = await wait({ images: `${registry.host}/staging/epp:v1.6.0\n${registry.host}/acme/single:v1`, 'same-digest-as': `${registry.host}/staging`, timeout: '2s' });
    expect(errors(same).join('\n')).toMatch(/acme\/single:v1: the reference to compare with, 127\.0\.0\.1:\d+\/staging\/single:v1, is not there/);
  });

  it('in mock mode looks once, reports, and never waits or fails for a missing image', async () => {
    const result = await wait({ images: `${registry.host}/acme/app:v1.0.0\n${registry.host}/acme/nothing:v9`, mock: 'true', timeout: '10m' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.ready).toBe('false');
    expect(Number(result.outputs.waited)).toBeLessThan(5);
    expect(Object.keys(JSON.parse(result.outputs.digests!))).toEqual([`${registry.host}/acme/app:v1.0.0`]);
    expect(result.annotations.some((a) => a.level === 'warning' && /acme\/nothing:v9 \(manifest v9: 404/.test(a.message))).toBe(true);
  });

  it('refuses a bad reference before any request', async () => {
    const proxy = await startFaultProxy(registry.url);
    try {
      const result = await wait({ images: `${proxy.host}/acme/app:v1\n${proxy.host}/Acme/App:v1` });
      expect(result.failed).toBe(true);
      expect(errors(result).join('\n')).toMatch(/Input `images`: "127\.0\.0\.1:\d+\/Acme\/App:v1" is not a valid image reference[\s\S]*Fix: Write references as/);
      expect(proxy.seen).toEqual([]);
      const noTag = await wait({ images: 'quay.io/metallb/speaker' });
      expect(errors(noTag).join('\n')).toMatch(/has no tag and `tag` is empty/);
    } finally {
      await proxy.stop();
    }
  });

  it('rides out 429 with Retry-After, 503 and dropped connections from a proxy', async () => {
    const proxy = await startFaultProxy(registry.url);
    try {
      await registry.pushImage('acme/flaky', 'v2');
      proxy.add({ path: '/manifests/v2', kind: '429', retryAfter: 1 });
      proxy.add({ path: '/manifests/v2', kind: '503' });
      proxy.add({ path: '/manifests/v2', kind: 'reset' });
      const result = await wait({ images: `${proxy.host}/acme/flaky:v2` });
      expect(errors(result)).toEqual([]);
      expect(result.outputs.ready).toBe('true');
      const manifests = proxy.seen.filter((r) => r.path.includes('/manifests/v2'));
      expect(manifests.map((r) => r.fault)).toEqual(['429', '503', 'reset', undefined]);
      expect(manifests[1]!.at - manifests[0]!.at).toBeGreaterThanOrEqual(950);
      expect(result.stdout).toContain('waiting 1.0s as Retry-After asks');
    } finally {
      await proxy.stop();
    }
  });

  it('follows a redirect to another host and keeps the Accept header', async () => {
    const proxy = await startFaultProxy(registry.url);
    try {
      const pushed = await registry.pushIndex('k8s/epp', 'v1.2.0', [amd64, arm64]);
      proxy.add({ path: '/v2/k8s/epp/manifests/', kind: 'redirect', times: Infinity });
      const result = await wait({ images: `${proxy.host}/k8s/epp:v1.2.0`, platforms: 'linux/arm64' });
      expect(errors(result)).toEqual([]);
      expect(JSON.parse(result.outputs.digests!)).toEqual({ [`${proxy.host}/k8s/epp:v1.2.0`]: pushed.digest });
      expect(proxy.seen.filter((r) => r.fault === 'redirect').every((r) => r.accept?.includes('application/vnd.oci.image.index.v1+json'))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });
});

describe('wait-for-images with registry authentication', () => {
  let bearer: TestRegistry;
  let basic: TestRegistry;
  beforeAll(async () => {
    [bearer, basic] = await Promise.all([startRegistry({ auth: 'bearer' }), startRegistry({ auth: 'basic' })]);
  });
  afterAll(async () => {
    await Promise.all([bearer.stop(), basic.stop()]);
  });

  it('gets a Bearer token from the realm, with credentials, once per repository', async () => {
    const pushed = await bearer.pushImage('private/app', 'v3');
    bearer.tokenRequests.length = 0;
    const { username, password } = bearer.credentials!;
    const result = await wait({ images: `${bearer.host}/private/app:v3`, platforms: 'linux/amd64', 'registry-auth': `${bearer.host}=${username}:${password}` });
    expect(errors(result)).toEqual([]);
    expect(JSON.parse(result.outputs.digests!)).toEqual({ [`${bearer.host}/private/app:v3`]: pushed.digest });
    expect(bearer.tokenRequests).toHaveLength(1);
    expect(bearer.tokenRequests[0]).toContain('scope=repository%3Aprivate%2Fapp%3Apull');
    expect(result.masks).toContain(password);
    expect(
      result.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(password);
  });

  it('reads credentials from a Docker config.json', async () => {
    await bearer.pushImage('private/cfg', 'v1');
    const dir = await scratchDir('docker');
    const { username, password } = bearer.credentials!;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [bearer.host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }));
    const result = await wait({ images: `${bearer.host}/private/cfg:v1` }, { DOCKER_CONFIG: dir });
    expect(errors(result)).toEqual([]);
    expect(result.stdout).toContain(`Using 1 credential(s) from ${join(dir, 'config.json')}`);
  });

  it('fails at once when the token service refuses the credentials', async () => {
    const started = Date.now();
    const result = await wait({ images: `${bearer.host}/private/app:v3`, 'registry-auth': `${bearer.host}=relkit:wrong-password`, timeout: '5m' });
    expect(result.failed).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(errors(result).join('\n')).toMatch(/refused the credentials for user "relkit" \(401\)[\s\S]*Fix: Check the credentials in `registry-auth`/);
  });

  it('uses Basic auth where the registry asks for it, and fails at once on wrong credentials', async () => {
    const pushed = await basic.pushImage('acme/basic', 'v1');
    const { username, password } = basic.credentials!;
    const ok = await wait({ images: `${basic.host}/acme/basic:v1`, 'registry-auth': `${basic.host}=${username}:${password}` });
    expect(errors(ok)).toEqual([]);
    expect(JSON.parse(ok.outputs.digests!)).toEqual({ [`${basic.host}/acme/basic:v1`]: pushed.digest });

    const started = Date.now();
    const wrong = await wait({ images: `${basic.host}/acme/basic:v1`, 'registry-auth': `${basic.host}=${username}:nope`, timeout: '5m' });
    expect(wrong.failed).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(errors(wrong).join('\n')).toMatch(/refused access to acme\/basic \(401/);
  });
});
