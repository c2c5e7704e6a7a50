import { explainGitHubError, UserError } from '@relkit/kit';
import { ensureDraft } from './draft.js';
import { isPrereleaseTag, type MakeLatest } from './latest.js';
import { textAsset, type LocalAsset } from './local-assets.js';
import { composeBody } from './marker.js';
import { checkBranchesToMove, moveBranches, type BranchMove } from './move-branches.js';
import { checksumsText, publishRelease } from './publish.js';
import { planTagPush, pushTag } from './push-tag.js';
import { listAssets, syncAssets, type AssetResult, type Overwrite } from './upload.js';
import type { ReleaseClients, ReleaseInfo, RepoId } from './types.js';

export interface DraftReleaseRequest {
  id: RepoId;
  tag: string;
  name: string;
  target: string;
  body: string | undefined;
  generateNotes: boolean;
  prerelease: 'auto' | boolean;
  makeLatest: MakeLatest;
  discussionCategory: string | undefined;
  assets: LocalAsset[];
  checksums: boolean;
  overwrite: Overwrite;
  expectedAssets: string[];
  publish: boolean;
  deleteStale: boolean;
  /** The workflow run the draft belongs to (GITHUB_RUN_ID): every attempt and matrix job of a run shares it. */
  run: string;
  concurrency: number;
  /** Where the full notes live, for a body cut at GitHub's limit. */
  notesUrl: string | undefined;
  /** Push the tag at the target now, before publishing (tag-triggered builds). */
  pushTag?: boolean;
  /** Branches to point at the release commit once it is published (a live website). */
  moveBranches?: string[];
}

export interface DraftReleaseResult {
  release: ReleaseInfo;
  created: boolean;
  deleted: number[];
  assets: AssetResult[];
  published: boolean;
  makeLatest: string | undefined;
  bodyTruncated: boolean;
  targetSha: string;
  tagPushed?: 'created' | 'unchanged';
  /** The branch moves made, or in mock mode the ones a real run would make. */
  moves: BranchMove[];
}

const SUMS = 'SHA256SUMS';

/**
 * One draft per tag and run, its assets synced, SHA256SUMS rebuilt from what is on the release,
 * and — when asked and whole — published.
 */
export async function runDraftRelease(clients: ReleaseClients, request: DraftReleaseRequest): Promise<DraftReleaseResult> {
  const { id } = request;
  const branches = request.moveBranches ?? [];
  // The default branch never follows a release: refused before anything is written.
  if (branches.length > 0) checkBranchesToMove(branches, (await clients.github.rest.rest.repos.get({ owner: id.owner, repo: id.repo })).data.default_branch);
  const targetSha = await clients.github.rest.rest.repos
    .getCommit({ owner: id.owner, repo: id.repo, ref: request.target })
    .then((r) => r.data.sha)
    .catch((error: unknown) => {
      if ((error as { status?: number }).status === 422 || (error as { status?: number }).status === 404) {
        throw new UserError(`Input \`target\`: "${request.target}" is not a commit, branch or tag of ${id.owner}/${id.repo}.`, 'Set `target` to the release commit (default GITHUB_SHA).', {
          input: 'target',
        });
      }
      throw explainGitHubError(error, `read ${id.owner}/${id.repo}`, 'contents: read');
    });
  let body = request.body ?? '';
  if (!request.body && request.generateNotes) {
    const { data } = await clients.github.rest.rest.repos.generateReleaseNotes({ owner: id.owner, repo: id.repo, tag_name: request.tag, target_commitish: targetSha }).catch((error: unknown) => {
      throw explainGitHubError(error, `generate release notes for ${request.tag}`, 'contents: write');
    });
    body = data.body;
  }
  const composed = composeBody(body, request.tag, request.run, request.notesUrl);
  const prerelease = request.prerelease === 'auto' ? isPrereleaseTag(request.tag) : request.prerelease;
  // A tag at another commit is refused before the draft is made, not after.
  const tagPlan = request.pushTag ? await planTagPush(clients, id, request.tag, targetSha) : undefined;
  const draft = await ensureDraft(clients, id, {
    tag: request.tag,
    name: request.name,
    target: targetSha,
    body: composed.body,
    prerelease,
    run: request.run,
    deleteStale: request.deleteStale,
    discussionCategory: request.discussionCategory,
  });

  const assets = await syncAssets(clients, id, draft.release, request.assets, { overwrite: request.overwrite, concurrency: request.concurrency });
  if (request.checksums && (request.assets.length > 0 || request.publish)) {
    const remote = draft.release.id === 0 ? [] : await listAssets(clients, id, draft.release.id);
    const text = await checksumsText(clients, id, remote, SUMS, request.assets);
    // A release without assets gets no empty SHA256SUMS.
    if (text !== '') assets.push(...(await syncAssets(clients, id, draft.release, [await textAsset(SUMS, text)], { overwrite: 'changed', concurrency: 1 })));
  }
  const tagPushed = tagPlan ? await pushTag(clients, id, request.tag, targetSha, tagPlan) : undefined;
  let published = !draft.release.draft;
  let makeLatest: string | undefined;
  let release = draft.release;
  if (request.publish) {
    const all = (await clients.github.rest.paginate(clients.github.rest.rest.repos.listReleases, { owner: id.owner, repo: id.repo, per_page: 100 })) as ReleaseInfo[];
    const outcome = await publishRelease(
      clients,
      id,
      release,
      { tag: request.tag, targetSha, makeLatest: request.makeLatest, prerelease, expectedAssets: request.expectedAssets, locals: request.assets, checksumsName: request.checksums ? SUMS : undefined },
      all,
    );
    release = outcome.release;
    published = outcome.published;
    makeLatest = outcome.makeLatest;
  }
  // In mock mode nothing was published, but the moves a real run would make are still listed.
  const moves = branches.length > 0 && (published || clients.writes.mock) ? await moveBranches(clients, id, branches, targetSha) : [];
  return { release, created: draft.created, deleted: draft.deleted, assets, published, makeLatest, bodyTruncated: composed.truncated, targetSha, ...(tagPushed ? { tagPushed } : {}), moves };
}
