import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@relkit/kit';

/**
 * A real OCI registry for rehearsals: CNCF distribution (Debian `docker-registry`) on loopback with
 * temporary storage, and a pusher for small multi-platform images whose bytes depend only on the
 * image's last path component, tag and platform — so the "promoter" copying a staging image to its
 * production name gets the very same digest, as a real promotion does.
 */
export interface LocalRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  host: string;
  url: string;
  /** Pushes an OCI index with one manifest per platform ("os/arch[/variant]"); returns the index digest. */
  pushIndex(repository: string, tag: string, platforms: string[]): Promise<string>;
  stop(): Promise<void>;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

function registryAvailable(): boolean {
  return spawnSync('docker-registry', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A free loopback port: the registry's config names its address before it starts. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function put(url: string, body: Buffer, contentType: string): Promise<void> {
  const response = await fetch(url, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': contentType } });
  if (response.status !== 201) throw new Error(`PUT ${url}: ${response.status} ${await response.text()}`);
}

/**
 * Starts docker-registry on a free loopback port. `auth` is a distribution config `auth:` block
 * (token or htpasswd) for callers that test authentication; `pushIndex` pushes anonymously, so it
 * only works without one.
 */
export async function startLocalRegistry(options: { auth?: string } = {}): Promise<LocalRegistry> {
  if (!registryAvailable()) {
    throw new UserError(
      'docker-registry is not installed, and this release waits for images in a real registry.',
      'Install it (Debian/Ubuntu: `apt-get install docker-registry`), or rehearse a scenario without images: kata or kube-rs.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'relkit-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  const url = `http://${host}`;
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n  secret: ${randomBytes(16).toString('hex')}\n${options.auth ?? ''}`,
  );
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${errors}`);
    if (Date.now() > deadline) throw new Error(`docker-registry did not start: ${errors}`);
    // 401 is an answer too: the registry is up and asks for credentials.
    const up = await fetch(`${url}/v2/`).then(
      (r) => r.status === 200 || r.status === 401,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  const pushBlob = async (repository: string, data: Buffer): Promise<string> => {
    const digest = sha256(data);
    const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`blob upload: ${start.status} ${await start.text()}`);
    const location = new URL(start.headers.get('location') ?? '', url);
    location.searchParams.set('digest', digest);
    await put(location.href, data, 'application/octet-stream');
    return digest;
  };

  return {
    host,
    url,
    async pushIndex(repository, tag, platforms) {
      const name = repository.slice(repository.lastIndexOf('/') + 1);
      const manifests = [];
      for (const platform of platforms) {
        const [os = 'linux', architecture = 'amd64', variant] = platform.split('/');
        const config = Buffer.from(
          JSON.stringify({ architecture, os, ...(variant ? { variant } : {}), rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { 'org.opencontainers.image.title': name } } }),
        );
        const layer = Buffer.from(`${name} ${tag} ${platform}\n`);
        const manifest = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: OCI_MANIFEST,
            config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(repository, config), size: config.length },
            layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: await pushBlob(repository, layer), size: layer.length }],
          }),
        );
        await put(`${url}/v2/${repository}/manifests/${sha256(manifest)}`, manifest, OCI_MANIFEST);
        manifests.push({ mediaType: OCI_MANIFEST, digest: sha256(manifest), size: manifest.length, platform: { os, architecture, ...(variant ? { variant } : {}) } });
      }
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
      await put(`${url}/v2/${repository}/manifests/${tag}`, index, OCI_INDEX);
      return sha256(index);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
