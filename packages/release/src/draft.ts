import { explainGitHubError, UserError } from '@relkit/kit';
import { readMarker, runMayBeGoing } from './marker.js';
import type { ReleaseClients, ReleaseInfo, RepoId } from './types.js';

export interface TagReleases {
  published: ReleaseInfo | undefined;
  /** Every draft for the tag, lowest id first. */
  drafts: ReleaseInfo[];
}

/**
 * Every release for the tag, drafts included: the by-tag endpoint never returns drafts, which is
 * how other actions end up with one draft per re-run.
 */
export async function releasesForTag(clients: ReleaseClients, id: RepoId, tag: string): Promise<TagReleases> {
  const all = (await clients.github.rest.paginate(clients.github.rest.rest.repos.listReleases, { owner: id.owner, repo: id.repo, per_page: 100 }).catch((error: unknown) => {
    throw explainGitHubError(error, `list the releases of ${id.owner}/${id.repo}`, 'contents: write (drafts are only visible with it)');
  })) as ReleaseInfo[];
  const mine = all.filter((r) => r.tag_name === tag);
  return { published: mine.find((r) => !r.draft), drafts: mine.filter((r) => r.draft).sort((a, b) => a.id - b.id) };
}

export interface DraftRequest {
  tag: string;
  name: string;
  target: string;
  body: string;
  prerelease: boolean;
  run: string;
  deleteStale: boolean;
  discussionCategory: string | undefined;
}

export interface DraftOutcome {
  release: ReleaseInfo;
  created: boolean;
  deleted: number[];
}

function explainCreate(error: unknown, id: RepoId): unknown {
  const status = (error as { status?: number }).status;
  const message = String((error as { message?: string }).message ?? '');
  if ((status === 403 || status === 404) && /workflow/i.test(message)) {
    return new UserError(
      `GitHub refused the release: its target changes files under .github/workflows/ (${message}).`,
      'GITHUB_TOKEN cannot create releases on a commit that changes workflows; use a GitHub App token with the workflows permission.',
      { input: 'token', cause: error },
    );
  }
  return explainGitHubError(error, `create a release in ${id.owner}/${id.repo}`, 'contents: write');
}

/**
 * The one draft for this tag and run: reused when it exists, created otherwise. Jobs that race on
 * create keep the lowest id and delete the draft they made themselves; relkit drafts left by other
 * runs that are over (runMayBeGoing) are deleted when `deleteStale` is set. A published release for
 * the tag is returned as is.
 */
export async function ensureDraft(clients: ReleaseClients, id: RepoId, request: DraftRequest): Promise<DraftOutcome> {
  const before = await releasesForTag(clients, id, request.tag);
  if (before.published) return { release: before.published, created: false, deleted: [] };
  const ours = (list: ReleaseInfo[]) =>
    list.filter((r) => {
      const mark = readMarker(r.body);
      return mark?.run === request.run && mark.tag === request.tag;
    });
  const stale = before.drafts.filter((r) => {
    const mark = readMarker(r.body);
    return mark !== undefined && mark.run !== request.run && !runMayBeGoing(mark.run);
  });
  const deleted: number[] = [];
  if (request.deleteStale) {
    for (const draft of stale) {
      await clients.writes.perform(
        { method: 'DELETE', target: `/repos/${id.owner}/${id.repo}/releases/${draft.id}`, summary: `delete the stale draft ${draft.id} for ${request.tag} (run ${readMarker(draft.body)?.run})` },
        () => clients.github.rest.rest.repos.deleteRelease({ owner: id.owner, repo: id.repo, release_id: draft.id }),
      );
      deleted.push(draft.id);
    }
  }
  const existing = ours(before.drafts)[0];
  if (existing) return { release: existing, created: false, deleted };

  const created = await clients.writes
    .perform(
      { method: 'POST', target: `/repos/${id.owner}/${id.repo}/releases`, summary: `create the draft release ${request.tag} (${request.name}) at ${request.target}` },
      async () =>
        (
          await clients.github.rest.rest.repos.createRelease({
            owner: id.owner,
            repo: id.repo,
            tag_name: request.tag,
            name: request.name,
            target_commitish: request.target,
            body: request.body,
            draft: true,
            prerelease: request.prerelease,
            ...(request.discussionCategory ? { discussion_category_name: request.discussionCategory } : {}),
          })
        ).data as ReleaseInfo,
      () => ({
        id: 0,
        tag_name: request.tag,
        name: request.name,
        body: request.body,
        draft: true,
        prerelease: request.prerelease,
        html_url: '',
        upload_url: '',
        target_commitish: request.target,
        published_at: null,
      }),
    )
    .catch((error: unknown) => {
      throw explainCreate(error, id);
    });
  if (clients.writes.mock) return { release: created, created: true, deleted };

  // Parallel jobs may have created theirs at the same time: the lowest id wins, extras go.
  const after = ours((await releasesForTag(clients, id, request.tag)).drafts);
  const canonical = after[0] ?? created;
  if (canonical.id !== created.id) {
    await clients.writes.perform(
      { method: 'DELETE', target: `/repos/${id.owner}/${id.repo}/releases/${created.id}`, summary: `delete the duplicate draft ${created.id} (another job created ${canonical.id} first)` },
      () => clients.github.rest.rest.repos.deleteRelease({ owner: id.owner, repo: id.repo, release_id: created.id }),
    );
    deleted.push(created.id);
    return { release: canonical, created: false, deleted };
  }
  return { release: created, created: true, deleted };
}
