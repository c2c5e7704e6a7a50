import { HttpError, missingField, notFound, paginate, requireBody, validationFailed, type RequestContext, type Router } from '../http.js';
import { fullName, nowIso, type Identity, type Release, type ReleaseAsset, type Repository } from '../model.js';
import * as json from '../serialize.js';
import { release as releaseJson, releaseAsset as releaseAssetJson } from '../serialize-releases.js';
import { changedPaths, resolveCommitish, setRef } from '../repo-ops.js';
import { requireWrite } from '../rules.js';
import { generateNotes } from '../generated-notes.js';

function hasPush(repo: Repository, identity: Identity | undefined): boolean {
  try {
    requireWrite(repo, identity, 'contents');
    return true;
  } catch {
    return false;
  }
}

function findRelease(ctx: RequestContext, repo: Repository, id: number): Release {
  const found = repo.releases.find((r) => r.id === id);
  // Drafts are invisible to anyone without push access.
  if (!found || (found.draft && !hasPush(repo, ctx.identity))) throw notFound();
  return found;
}

function findAsset(ctx: RequestContext, repo: Repository): { release: Release; asset: ReleaseAsset } {
  const id = Number(ctx.params.asset_id);
  for (const release of repo.releases) {
    const asset = release.assets.find((a) => a.id === id);
    if (asset && (!release.draft || hasPush(repo, ctx.identity))) return { release, asset };
  }
  throw notFound();
}

function refuseIfImmutable(repo: Repository, release: Release): void {
  if (release.immutable && !release.draft) throw new HttpError(422, 'Cannot modify an immutable release.');
}

/**
 * Publishing creates the tag at target_commitish when it does not exist yet; a release whose
 * target changes workflow files needs the `workflows` permission, which GITHUB_TOKEN never has.
 */
function checkWorkflowPermission(repo: Repository, identity: Identity, target: string | undefined): void {
  if (!target || identity.kind === 'user' || identity.permissions?.workflows === 'write') return;
  const defaultHead = repo.refs.get(`refs/heads/${repo.defaultBranch}`);
  const targetCommit = repo.objects.commit(target);
  const defaultCommit = defaultHead ? repo.objects.commit(defaultHead) : undefined;
  if (!targetCommit) return;
  const changed = changedPaths(repo, defaultCommit?.tree, targetCommit.tree).find((c) => c.path.startsWith('.github/workflows/'));
  if (changed) throw new HttpError(403, `refusing to allow a GitHub App to create or update workflow \`${changed.path}\` without \`workflows\` permission`);
}

function ensureTag(repo: Repository, identity: Identity, release: Release): void {
  const ref = `refs/tags/${release.tagName}`;
  if (repo.refs.has(ref)) return;
  const target = resolveCommitish(repo, release.targetCommitish);
  if (!target) throw validationFailed([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
  checkWorkflowPermission(repo, identity, target);
  setRef(repo, identity, ref, target);
}

function isLatestCandidate(release: Release): boolean {
  return !release.draft && !release.prerelease;
}

function applyMakeLatest(repo: Repository, release: Release, makeLatest: string | undefined): void {
  if (!isLatestCandidate(release)) return;
  if (makeLatest === 'false') return;
  repo.latestReleaseId = release.id;
}

function latestRelease(repo: Repository): Release | undefined {
  const chosen = repo.releases.find((r) => r.id === repo.latestReleaseId && isLatestCandidate(r));
  if (chosen) return chosen;
  return [...repo.releases].filter(isLatestCandidate).sort((a, b) => ((a.publishedAt ?? '') < (b.publishedAt ?? '') ? 1 : -1))[0];
}

/** A release's fields as POST and PATCH take them (docs.github.com/rest/releases/releases). */
interface ReleaseBody extends Record<string, unknown> {
  tag_name?: string;
  target_commitish?: string;
  name?: string;
  body?: string;
  draft?: boolean;
  prerelease?: boolean;
  make_latest?: string;
  generate_release_notes?: boolean;
  discussion_category_name?: string;
}

export function registerReleaseRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/releases', (ctx) => {
    const repo = ctx.repo();
    const push = hasPush(repo, ctx.identity);
    const list = [...repo.releases].filter((r) => push || !r.draft).sort((a, b) => b.id - a.id);
    const page = paginate(ctx, list, `/repos/${fullName(repo)}/releases`);
    return { status: 200, body: page.items.map((r) => releaseJson(ctx.state, ctx.urls, repo, r)), headers: page.headers };
  });
  router.add('POST', '/repos/{owner}/{repo}/releases', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'contents');
    const body = requireBody<ReleaseBody>(ctx);
    if (!body.tag_name) throw missingField('Release', 'tag_name');
    if (body.make_latest !== undefined && !['true', 'false', 'legacy'].includes(String(body.make_latest))) {
      throw new HttpError(422, `Invalid request.\n\n${JSON.stringify(body.make_latest)} is not a member of ["true", "false", "legacy"].`);
    }
    if (repo.releases.some((r) => !r.draft && r.tagName === body.tag_name)) throw validationFailed([{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
    const target = body.target_commitish ?? repo.defaultBranch;
    const targetSha = resolveCommitish(repo, target);
    if (!targetSha && !repo.refs.has(`refs/tags/${body.tag_name}`)) throw validationFailed([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
    checkWorkflowPermission(repo, identity, targetSha);
    const now = nowIso();
    const generated = body.generate_release_notes ? generateNotes(ctx.urls.html, repo, { tagName: body.tag_name, target, previousTag: undefined, configurationFilePath: undefined }) : undefined;
    const release: Release = {
      id: ctx.state.id(),
      tagName: body.tag_name,
      targetCommitish: target,
      name: body.name ?? generated?.name ?? null,
      body: body.body !== undefined && generated ? `${body.body}\n\n${generated.body}` : (body.body ?? generated?.body ?? null),
      draft: body.draft === true,
      prerelease: body.prerelease === true,
      author: identity.account.login,
      createdAt: now,
      publishedAt: body.draft ? null : now,
      updatedAt: now,
      assets: [],
      immutable: false,
      ...(body.discussion_category_name ? { discussionCategoryName: body.discussion_category_name } : {}),
    };
    if (!release.draft) {
      ensureTag(repo, identity, release);
      release.immutable = repo.immutableReleases;
    }
    repo.releases.push(release);
    if (!release.draft) applyMakeLatest(repo, release, body.make_latest);
    return { status: 201, body: releaseJson(ctx.state, ctx.urls, repo, release), headers: { location: `${json.repoUrl(ctx.urls, repo)}/releases/${release.id}` } };
  });
  router.add('GET', '/repos/{owner}/{repo}/releases/latest', (ctx) => {
    const repo = ctx.repo();
    const latest = latestRelease(repo);
    if (!latest) throw notFound();
    return { status: 200, body: releaseJson(ctx.state, ctx.urls, repo, latest) };
  });
  router.add(
    'GET',
    '/repos/{owner}/{repo}/releases/tags/{tag}',
    (ctx) => {
      const repo = ctx.repo();
      // Drafts are never returned here, whoever asks: the reason re-runs duplicate drafts.
      const found = repo.releases.find((r) => !r.draft && r.tagName === ctx.params.tag);
      if (!found) throw notFound();
      return { status: 200, body: releaseJson(ctx.state, ctx.urls, repo, found) };
    },
    { greedy: true },
  );
  router.add('POST', '/repos/{owner}/{repo}/releases/generate-notes', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'contents');
    const body = requireBody<{ tag_name?: string; target_commitish?: string; previous_tag_name?: string; configuration_file_path?: string }>(ctx);
    if (!body.tag_name) throw missingField('Release', 'tag_name');
    const request = { tagName: body.tag_name, target: body.target_commitish ?? repo.defaultBranch, previousTag: body.previous_tag_name, configurationFilePath: body.configuration_file_path };
    return { status: 200, body: generateNotes(ctx.urls.html, repo, request) };
  });
  router.add('GET', '/repos/{owner}/{repo}/releases/{release_id}', (ctx) => {
    const repo = ctx.repo();
    return { status: 200, body: releaseJson(ctx.state, ctx.urls, repo, findRelease(ctx, repo, Number(ctx.params.release_id))) };
  });
  router.add('PATCH', '/repos/{owner}/{repo}/releases/{release_id}', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'contents');
    const release = findRelease(ctx, repo, Number(ctx.params.release_id));
    const body = requireBody<ReleaseBody>(ctx);
    if (release.immutable && !release.draft && (body.tag_name !== undefined || body.target_commitish !== undefined || body.draft === true)) {
      throw new HttpError(422, 'Cannot modify the tag or draft state of an immutable release.');
    }
    const tagName = body.tag_name ?? release.tagName;
    if (tagName !== release.tagName || body.draft === false) {
      if (repo.releases.some((r) => r.id !== release.id && !r.draft && r.tagName === tagName)) throw validationFailed([{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
    }
    const publishing = release.draft && body.draft === false;
    const next: Release = {
      ...release,
      tagName,
      targetCommitish: body.target_commitish ?? release.targetCommitish,
      name: body.name ?? release.name,
      body: body.body ?? release.body,
      prerelease: body.prerelease ?? release.prerelease,
      draft: body.draft ?? release.draft,
      updatedAt: nowIso(),
    };
    if (!next.draft) {
      checkWorkflowPermission(repo, identity, resolveCommitish(repo, next.targetCommitish));
      ensureTag(repo, identity, next);
    }
    if (publishing) {
      next.publishedAt = nowIso();
      next.immutable = repo.immutableReleases;
    }
    Object.assign(release, next);
    if (!release.draft) applyMakeLatest(repo, release, body.make_latest ?? (publishing ? 'true' : 'false'));
    return { status: 200, body: releaseJson(ctx.state, ctx.urls, repo, release) };
  });
  router.add('DELETE', '/repos/{owner}/{repo}/releases/{release_id}', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'contents');
    const release = findRelease(ctx, repo, Number(ctx.params.release_id));
    repo.releases = repo.releases.filter((r) => r.id !== release.id);
    if (repo.latestReleaseId === release.id) repo.latestReleaseId = null;
    return { status: 204 };
  });

  router.add('GET', '/repos/{owner}/{repo}/releases/{release_id}/assets', (ctx) => {
    const repo = ctx.repo();
    const release = findRelease(ctx, repo, Number(ctx.params.release_id));
    const page = paginate(ctx, release.assets, `/repos/${fullName(repo)}/releases/${release.id}/assets`);
    return { status: 200, body: page.items.map((a) => releaseAssetJson(ctx.state, ctx.urls, repo, release, a)), headers: page.headers };
  });
  router.add('GET', '/repos/{owner}/{repo}/releases/assets/{asset_id}', (ctx) => {
    const repo = ctx.repo();
    const { release, asset } = findAsset(ctx, repo);
    if (ctx.headers.accept?.includes('application/octet-stream')) {
      asset.downloadCount += 1;
      return { status: 200, raw: asset.data, headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename=${asset.name}` } };
    }
    return { status: 200, body: releaseAssetJson(ctx.state, ctx.urls, repo, release, asset) };
  });
  router.add('PATCH', '/repos/{owner}/{repo}/releases/assets/{asset_id}', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'contents');
    const { release, asset } = findAsset(ctx, repo);
    refuseIfImmutable(repo, release);
    const body = requireBody<{ name?: string; label?: string }>(ctx);
    if (body.name && body.name !== asset.name && release.assets.some((a) => a.name === body.name)) throw validationFailed([{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
    if (body.name) asset.name = body.name;
    if (body.label !== undefined) asset.label = body.label;
    asset.updatedAt = nowIso();
    return { status: 200, body: releaseAssetJson(ctx.state, ctx.urls, repo, release, asset) };
  });
  router.add('DELETE', '/repos/{owner}/{repo}/releases/assets/{asset_id}', (ctx) => {
    const repo = ctx.repo();
    requireWrite(repo, ctx.identity, 'contents');
    const { release, asset } = findAsset(ctx, repo);
    refuseIfImmutable(repo, release);
    release.assets = release.assets.filter((a) => a.id !== asset.id);
    return { status: 204 };
  });
}

/** GitHub normalises asset names: characters outside a safe set become dots. */
export function normaliseAssetName(name: string): string {
  return name.replace(/[^A-Za-z0-9._+@-]/g, '.').replace(/\.{2,}/g, '.');
}

/** The uploads host: `POST /repos/{owner}/{repo}/releases/{id}/assets?name=&label=` with the raw bytes. */
export function registerUploadRoutes(router: Router): void {
  router.add('POST', '/repos/{owner}/{repo}/releases/{release_id}/assets', (ctx) => {
    const repo = ctx.repo();
    const identity = requireWrite(repo, ctx.identity, 'contents');
    const release = findRelease(ctx, repo, Number(ctx.params.release_id));
    refuseIfImmutable(repo, release);
    const rawName = ctx.query.get('name');
    if (!rawName) throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' }] });
    const name = normaliseAssetName(rawName);
    if (release.assets.some((a) => a.name === name)) throw validationFailed([{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
    const now = nowIso();
    const asset: ReleaseAsset = {
      id: ctx.state.id(),
      name,
      label: ctx.query.get('label') ?? null,
      contentType: String(ctx.headers['content-type'] ?? 'application/octet-stream'),
      state: 'uploaded',
      data: ctx.rawBody,
      uploader: identity.account.login,
      downloadCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    release.assets.push(asset);
    return { status: 201, body: releaseAssetJson(ctx.state, ctx.urls, repo, release, asset) };
  });
}
