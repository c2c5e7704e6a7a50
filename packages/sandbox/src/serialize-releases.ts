import { createHash } from 'node:crypto';
import { fullName, type Release, type ReleaseAsset, type Repository, type SandboxState } from './model.js';
import { accountByLogin, nodeId, repoUrl, type Urls } from './serialize.js';

function assetDigest(asset: ReleaseAsset): string {
  return `sha256:${createHash('sha256').update(asset.data).digest('hex')}`;
}

export function releaseAsset(state: SandboxState, urls: Urls, repo: Repository, release: Release, asset: ReleaseAsset): Record<string, unknown> {
  return {
    url: `${repoUrl(urls, repo)}/releases/assets/${asset.id}`,
    browser_download_url: `${urls.html}/${fullName(repo)}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId('ReleaseAsset', asset.id),
    name: asset.name,
    label: asset.label,
    state: asset.state,
    content_type: asset.contentType,
    size: asset.data.length,
    digest: asset.state === 'uploaded' ? assetDigest(asset) : null,
    download_count: asset.downloadCount,
    created_at: asset.createdAt,
    updated_at: asset.updatedAt,
    uploader: accountByLogin(state, urls, asset.uploader),
  };
}

export function release(state: SandboxState, urls: Urls, repo: Repository, r: Release): Record<string, unknown> {
  const url = `${repoUrl(urls, repo)}/releases/${r.id}`;
  const tagPath = r.draft ? `untagged-${createHash('sha1').update(String(r.id)).digest('hex').slice(0, 20)}` : `tag/${encodeURIComponent(r.tagName)}`;
  return {
    url,
    assets_url: `${url}/assets`,
    upload_url: `${urls.uploads}/repos/${fullName(repo)}/releases/${r.id}/assets{?name,label}`,
    html_url: `${urls.html}/${fullName(repo)}/releases/${tagPath}`,
    id: r.id,
    author: accountByLogin(state, urls, r.author),
    node_id: nodeId('Release', r.id),
    tag_name: r.tagName,
    target_commitish: r.targetCommitish,
    name: r.name,
    draft: r.draft,
    immutable: r.immutable,
    prerelease: r.prerelease,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    published_at: r.publishedAt,
    assets: r.assets.map((a) => releaseAsset(state, urls, repo, r, a)),
    tarball_url: `${repoUrl(urls, repo)}/tarball/${encodeURIComponent(r.tagName)}`,
    zipball_url: `${repoUrl(urls, repo)}/zipball/${encodeURIComponent(r.tagName)}`,
    body: r.body,
    ...(r.discussionCategoryName ? { discussion_url: `${urls.html}/${fullName(repo)}/discussions/${r.id}` } : {}),
  };
}
