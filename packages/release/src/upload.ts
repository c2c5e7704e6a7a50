import { createReadStream } from 'node:fs';
import { explainGitHubError, runBounded, UserError } from '@relkit/kit';
import type { LocalAsset } from './local-assets.js';
import type { ReleaseClients, ReleaseInfo, RemoteAsset, RepoId } from './types.js';

export type Overwrite = 'changed' | 'always' | 'never';
export type AssetAction = 'uploaded' | 'skipped' | 'replaced' | 'planned';

export interface AssetResult {
  name: string;
  size: number;
  sha256: string;
  url: string;
  action: AssetAction;
  /** Bytes sent for this asset (retries included). */
  bytesSent: number;
}

export async function listAssets(clients: ReleaseClients, id: RepoId, releaseId: number): Promise<RemoteAsset[]> {
  return await clients.github.rest.paginate(clients.github.rest.rest.repos.listReleaseAssets, { owner: id.owner, repo: id.repo, release_id: releaseId, per_page: 100 });
}

function sameContent(remote: RemoteAsset, local: LocalAsset): boolean {
  return remote.state === 'uploaded' && remote.size === local.size && remote.digest === `sha256:${local.sha256}`;
}

async function deleteAsset(clients: ReleaseClients, id: RepoId, asset: RemoteAsset, why: string): Promise<void> {
  await clients.writes.perform({ method: 'DELETE', target: `/repos/${id.owner}/${id.repo}/releases/assets/${asset.id}`, summary: `delete asset ${asset.name} (${why})` }, async () => {
    try {
      await clients.github.rest.rest.repos.deleteReleaseAsset({ owner: id.owner, repo: id.repo, asset_id: asset.id });
    } catch (error) {
      // Another job (or an earlier attempt of this request) deleted it already.
      if ((error as { status?: number }).status !== 404) throw error;
    }
  });
}

async function uploadOne(clients: ReleaseClients, id: RepoId, release: ReleaseInfo, local: LocalAsset): Promise<{ url: string; bytes: number }> {
  const url = `${release.upload_url.replace(/\{.*\}$/, '')}?name=${encodeURIComponent(local.name)}`;
  let bytes = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = await clients.github.upload({
      url,
      size: local.size,
      contentType: 'application/octet-stream',
      open: () => {
        bytes += local.size;
        return createReadStream(local.path);
      },
    });
    if (answer.status === 201) return { url: (answer.data as RemoteAsset).browser_download_url, bytes };
    const errors = (answer.data as { errors?: Array<{ code?: string }> }).errors ?? [];
    if (answer.status === 422 && errors.some((e) => e.code === 'already_exists')) {
      // A retried upload that had landed, or another job: look at what is there now.
      const remote = (await listAssets(clients, id, release.id)).find((a) => a.name === local.name);
      if (remote && sameContent(remote, local)) return { url: remote.browser_download_url, bytes };
      if (remote) await deleteAsset(clients, id, remote, 'a different upload got there first');
      continue;
    }
    throw explainGitHubError(
      Object.assign(new Error(`upload of ${local.name} answered ${answer.status}`), { status: answer.status, response: { data: answer.data } }),
      `upload ${local.name}`,
      'contents: write',
    );
  }
  throw new Error(`upload of ${local.name} kept colliding with another upload of the same name`);
}

/**
 * Makes the release carry exactly these files: an asset already there with the same size and
 * sha256 is skipped, a different one (or one a broken upload left in starter/open state) replaced
 * per `overwrite`, a missing one uploaded; at most `concurrency` uploads at a time.
 */
export async function syncAssets(clients: ReleaseClients, id: RepoId, release: ReleaseInfo, locals: LocalAsset[], options: { overwrite: Overwrite; concurrency: number }): Promise<AssetResult[]> {
  const remote = release.id === 0 ? [] : await listAssets(clients, id, release.id);
  const conflicts = locals.filter((l) => {
    const existing = remote.find((a) => a.name === l.name);
    return options.overwrite === 'never' && existing !== undefined && existing.state === 'uploaded' && !sameContent(existing, l);
  });
  if (conflicts.length > 0) {
    throw new UserError(
      `${conflicts.map((c) => c.name).join(', ')} already on the release with different content, and \`overwrite\` is never.`,
      'Set `overwrite: changed` to replace them, or remove them from `assets`.',
      { input: 'overwrite' },
    );
  }
  const work = locals.map((local) => async (): Promise<AssetResult> => {
    const existing = remote.find((a) => a.name === local.name);
    const base = { name: local.name, size: local.size, sha256: local.sha256 };
    if (existing && sameContent(existing, local) && options.overwrite !== 'always') return { ...base, url: existing.browser_download_url, action: 'skipped', bytesSent: 0 };
    if (existing) await deleteAsset(clients, id, existing, existing.state !== 'uploaded' ? `left in state ${existing.state} by a broken upload` : 'content changed');
    const done = await clients.writes.perform(
      { method: 'UPLOAD', target: local.name, summary: `${existing ? 'replace' : 'upload'} ${local.name} (${local.size} bytes, sha256 ${local.sha256.slice(0, 12)}…)` },
      () => uploadOne(clients, id, release, local),
    );
    return { ...base, url: done?.url ?? '', action: clients.writes.mock ? 'planned' : existing ? 'replaced' : 'uploaded', bytesSent: done?.bytes ?? 0 };
  });
  return runBounded(work, options.concurrency);
}
