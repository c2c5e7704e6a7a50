import { createHash } from 'node:crypto';
import { explainGitHubError, UserError } from '@relkit/kit';
import { decideLatest, type MakeLatest } from './latest.js';
import type { LocalAsset } from './local-assets.js';
import { listAssets } from './upload.js';
import type { ReleaseClients, ReleaseInfo, RemoteAsset, RepoId } from './types.js';

/** sha256 of a release asset: GitHub's `digest` when it gives one, else the downloaded bytes. */
export async function remoteSha256(clients: ReleaseClients, id: RepoId, asset: RemoteAsset): Promise<string> {
  if (asset.digest?.startsWith('sha256:')) return asset.digest.slice('sha256:'.length);
  const { data } = await clients.github.rest.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
    owner: id.owner,
    repo: id.repo,
    asset_id: asset.id,
    headers: { accept: 'application/octet-stream' },
  });
  return createHash('sha256')
    .update(Buffer.from(data as unknown as ArrayBuffer))
    .digest('hex');
}

/**
 * The SHA256SUMS text for every uploaded asset on the release (itself left out), sorted by name.
 * `known` gives hashes already in hand (this run's files, which may be only planned in mock mode).
 */
export async function checksumsText(clients: ReleaseClients, id: RepoId, assets: RemoteAsset[], name: string, known: LocalAsset[] = []): Promise<string> {
  const hashes = new Map(known.map((a) => [a.name, a.sha256]));
  for (const asset of assets) {
    if (asset.name !== name && asset.state === 'uploaded' && !hashes.has(asset.name)) hashes.set(asset.name, await remoteSha256(clients, id, asset));
  }
  return [...hashes]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([asset, sha]) => `${sha}  ${asset}\n`)
    .join('');
}

export interface PublishRequest {
  tag: string;
  /** The commit the release must point at (a SHA). */
  targetSha: string;
  makeLatest: MakeLatest;
  prerelease: boolean;
  expectedAssets: string[];
  /** This run's files: the release must hold exactly these bytes under these names. */
  locals: LocalAsset[];
  checksumsName: string | undefined;
}

export interface PublishOutcome {
  release: ReleaseInfo;
  published: boolean;
  makeLatest: 'true' | 'false' | 'legacy';
  alreadyPublished: boolean;
}

export async function tagCommit(clients: ReleaseClients, id: RepoId, tag: string): Promise<string | undefined> {
  try {
    const { data } = await clients.github.rest.rest.git.getRef({ owner: id.owner, repo: id.repo, ref: `tags/${tag}` });
    if (data.object.type === 'tag') return (await clients.github.rest.rest.git.getTag({ owner: id.owner, repo: id.repo, tag_sha: data.object.sha })).data.object.sha;
    return data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

/**
 * Promotes the draft when it is whole: every expected asset there, every hash right, the tag (if it
 * exists already) at the target. An already published release is left as it is.
 */
export async function publishRelease(clients: ReleaseClients, id: RepoId, release: ReleaseInfo, request: PublishRequest, allReleases: ReleaseInfo[]): Promise<PublishOutcome> {
  const makeLatest = decideLatest(request.makeLatest, request.tag, request.prerelease, allReleases);
  if (!release.draft) return { release, published: true, makeLatest, alreadyPublished: true };
  const remote = release.id === 0 ? [] : await listAssets(clients, id, release.id);
  const uploaded = new Map(remote.filter((a) => a.state === 'uploaded').map((a) => [a.name, a]));
  const missing = request.expectedAssets.filter((name) => !uploaded.has(name));
  if (missing.length > 0 && !clients.writes.mock) {
    throw new UserError(
      `Not publishing ${request.tag}: expected assets missing from the draft: ${missing.join(', ')}.`,
      'Re-run the jobs that upload them ("Re-run failed jobs"), then this step again.',
      { input: 'expected-assets' },
    );
  }
  for (const local of request.locals) {
    const there = uploaded.get(local.name);
    if (there && (await remoteSha256(clients, id, there)) !== local.sha256) {
      throw new UserError(
        `Not publishing ${request.tag}: ${local.name} on the draft does not match the local file (sha256 differs).`,
        'Re-run this step so it re-uploads the asset (overwrite: changed).',
        { input: 'assets' },
      );
    }
  }
  const sums = request.checksumsName ? uploaded.get(request.checksumsName) : undefined;
  if (request.checksumsName && sums && !clients.writes.mock) {
    const expected = await checksumsText(clients, id, remote, request.checksumsName);
    if (createHash('sha256').update(expected).digest('hex') !== (await remoteSha256(clients, id, sums))) {
      throw new UserError(
        `Not publishing ${request.tag}: ${request.checksumsName} does not match the assets on the draft.`,
        'Re-run this step: it rewrites the checksums from the uploaded assets before publishing.',
        { input: 'checksums' },
      );
    }
  }
  const existing = await tagCommit(clients, id, request.tag);
  if (existing && existing !== request.targetSha) {
    throw new UserError(
      `Not publishing: tag ${request.tag} already exists at ${existing.slice(0, 12)}, not at the target ${request.targetSha.slice(0, 12)}.`,
      'A published tag is never moved: publish from the commit the tag points at, or release under a new tag.',
      { input: 'target' },
    );
  }
  const updated = await clients.writes
    .perform(
      { method: 'PATCH', target: `/repos/${id.owner}/${id.repo}/releases/${release.id}`, summary: `publish ${request.tag} (make_latest: ${makeLatest})` },
      async () =>
        (await clients.github.rest.rest.repos.updateRelease({ owner: id.owner, repo: id.repo, release_id: release.id, draft: false, make_latest: makeLatest, target_commitish: request.targetSha }))
          .data as ReleaseInfo,
    )
    .catch((error: unknown) => {
      const message = String((error as { message?: string }).message ?? '');
      if (/workflow/i.test(message)) {
        throw new UserError(
          `GitHub refused to publish: the target changes .github/workflows/ (${message}).`,
          'GITHUB_TOKEN cannot create releases on a commit that changes workflows; use a GitHub App token with the workflows permission.',
          { input: 'token', cause: error },
        );
      }
      throw explainGitHubError(error, `publish release ${request.tag}`, 'contents: write');
    });
  return { release: updated ?? release, published: !clients.writes.mock, makeLatest, alreadyPublished: false };
}
