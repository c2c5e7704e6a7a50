import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { confinePath, runnerTempRoot, UserError, workspaceRoot } from '@relkit/kit';
import { DOCKER_HUB, DOCKER_HUB_API } from './reference.js';

export interface Credential {
  username: string;
  password: string;
}

/** Registry host → credential; Docker Hub's many spellings share one entry. */
export class CredentialStore {
  private readonly entries = new Map<string, Credential>();

  static key(registry: string): string {
    const host = registry
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '')
      .toLowerCase();
    return host === 'index.docker.io' || host === DOCKER_HUB_API || host === DOCKER_HUB ? DOCKER_HUB : host;
  }

  set(registry: string, credential: Credential): void {
    this.entries.set(CredentialStore.key(registry), credential);
  }

  get(registry: string): Credential | undefined {
    return this.entries.get(CredentialStore.key(registry));
  }

  get size(): number {
    return this.entries.size;
  }

  secrets(): string[] {
    return [...this.entries.values()].flatMap((c) => [c.password, Buffer.from(`${c.username}:${c.password}`).toString('base64')]);
  }
}

/** `registry=user:password`, one a line. The password may contain `:` and `=`. */
export function parseRegistryAuth(text: string, store: CredentialStore, input = 'registry-auth'): void {
  text.split(/\r?\n/).forEach((line, n) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const eq = trimmed.indexOf('=');
    const colon = trimmed.indexOf(':', eq + 1);
    if (eq <= 0 || colon < 0 || colon === eq + 1) {
      throw new UserError(`Input \`${input}\` line ${n + 1} is not REGISTRY=USER:PASSWORD (the value is not shown).`, 'Write one registry a line, e.g. `quay.io=robot+ci:${{ secrets.QUAY_TOKEN }}`.', {
        input,
      });
    }
    store.set(trimmed.slice(0, eq).trim(), { username: trimmed.slice(eq + 1, colon), password: trimmed.slice(colon + 1) });
  });
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
}

/** The `auths` of a Docker config.json (what `docker login` writes). Credential helpers are not run. */
export async function loadDockerConfig(path: string, store: CredentialStore, input = 'docker-config'): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(
      `Input \`${input}\`: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      'Point it at a Docker config.json (e.g. ~/.docker/config.json after `docker login`).',
      { input },
    );
  }
  let config: DockerConfig;
  try {
    config = JSON.parse(text) as DockerConfig;
  } catch {
    // JSON.parse quotes the text around the error, which here holds credentials: say only where.
    throw new UserError(`Input \`${input}\`: ${path} is not valid JSON.`, 'Point it at a Docker config.json (e.g. ~/.docker/config.json after `docker login`).', { input });
  }
  let loaded = 0;
  for (const [registry, entry] of Object.entries(config.auths ?? {})) {
    let credential: Credential | undefined;
    if (entry.username && entry.password) credential = { username: entry.username, password: entry.password };
    else if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) credential = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (credential) {
      store.set(registry, credential);
      loaded++;
    }
  }
  return loaded;
}

/**
 * Credentials from `registry-auth` lines and a Docker config.json: the path given, else
 * $DOCKER_CONFIG/config.json or ~/.docker/config.json when one exists (what docker/login-action writes).
 */
export async function collectCredentials(options: {
  registryAuth?: string | undefined;
  dockerConfig?: string | undefined;
  env: NodeJS.ProcessEnv;
}): Promise<{ store: CredentialStore; configPath: string | undefined; fromConfig: number }> {
  const store = new CredentialStore();
  const dockerDir = options.env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  // A given path may be in the workspace, RUNNER_TEMP or Docker's own folder (where docker login writes), nowhere else.
  const roots = [workspaceRoot(options.env), ...runnerTempRoot(options.env), { path: dockerDir, label: 'the Docker config folder' }];
  const path =
    options.dockerConfig !== undefined ? confinePath(options.dockerConfig, { input: 'docker-config', roots, kind: 'file', what: 'the Docker config.json' }).real : join(dockerDir, 'config.json');
  const fromConfig = options.dockerConfig !== undefined || existsSync(path) ? await loadDockerConfig(path, store) : undefined;
  // Explicit lines win over the config file for the same registry.
  parseRegistryAuth(options.registryAuth ?? '', store);
  return { store, configPath: fromConfig === undefined ? undefined : path, fromConfig: fromConfig ?? 0 };
}
