import semver from 'semver';
import { explainGitHubError, httpStatus, UserError, type GitHubRest, type Logger, type WritePath } from '@relkit/kit';

export interface TagClients {
  rest: GitHubRest;
  writes: WritePath;
  log: Logger;
}

const short = (commit: string | undefined) => (commit ? commit.slice(0, 12) : 'the new commit');

export type TagStatus = 'created' | 'moved' | 'unchanged' | 'kept';

export interface TagOutcome {
  tag: string;
  status: TagStatus;
  /** The commit the tag points at afterwards (undefined: a commit a mock run only planned). */
  sha: string | undefined;
  /** Where a moved or kept tag pointed before. */
  previous?: string;
  note?: string;
}

/** `vX.Y.Z` (new, never moved) and, for a stable version, `vX` and `vX.Y` (moved to the newest release of their line). */
export function releaseTagNames(version: string): { fixed: string; moving: string[] } {
  const parsed = semver.parse(version);
  if (!parsed) throw new UserError(`\`${version}\` is not a semantic version.`, 'Give a version like 1.4.2 (or v1.4.2).', { input: 'version' });
  const fixed = `v${parsed.version}`;
  return { fixed, moving: parsed.prerelease.length > 0 ? [] : [`v${parsed.major}`, `v${parsed.major}.${parsed.minor}`] };
}

/** Every tag of the release's major line (`v1`, `v1.0`, `v1.0.0`, `v1.2.0-rc.1`, …) and the commit it names. */
export async function majorLineTags(clients: TagClients, owner: string, repo: string, version: string): Promise<Map<string, string>> {
  const major = semver.major(version);
  const refs = await clients.rest.paginate(clients.rest.rest.git.listMatchingRefs, { owner, repo, ref: `tags/v${major}`, per_page: 100 }).catch((error: unknown) => {
    throw explainGitHubError(error, `list the v${major} tags of ${owner}/${repo}`, 'contents: read');
  });
  const tags = new Map<string, string>();
  for (const ref of refs) {
    const name = ref.ref.replace(/^refs\/tags\//, '');
    if (name !== `v${major}` && !name.startsWith(`v${major}.`)) continue;
    let sha = ref.object.sha;
    // An annotated tag names a tag object; what users get is the commit behind it.
    if (ref.object.type === 'tag') sha = (await clients.rest.rest.git.getTag({ owner, repo, tag_sha: sha })).data.object.sha;
    tags.set(name, sha);
  }
  return tags;
}

/** The newest stable release of the line `prefix` (`v1` or `v1.2`) among `tags`. */
function newestInLine(tags: Map<string, string>, prefix: string): string | undefined {
  return [...tags.keys()]
    .filter((t) => t.startsWith(`${prefix}.`) && semver.valid(t.slice(1)) && semver.prerelease(t.slice(1)) === null)
    .map((t) => t.slice(1))
    .sort(semver.rcompare)[0];
}

export interface MovingTagPlan {
  tag: string;
  action: 'create' | 'move' | 'none' | 'keep';
  previous?: string;
  note?: string;
}

/**
 * What to do with `vX` and `vX.Y` for a release at `commit`: create, move, leave, or keep where a
 * newer release of the line put it (a patch of an older line never pulls `v1` back).
 */
export function planMovingTags(tags: Map<string, string>, version: string, commit: string | undefined): MovingTagPlan[] {
  return releaseTagNames(version).moving.map((tag) => {
    const current = tags.get(tag);
    const newest = newestInLine(tags, tag);
    if (newest && semver.gt(newest, version)) return { tag, action: 'keep', ...(current ? { previous: current } : {}), note: `stays with v${newest}, which is newer` };
    if (current === undefined) return { tag, action: 'create' };
    if (commit !== undefined && current === commit) return { tag, action: 'none' };
    return { tag, action: 'move', previous: current };
  });
}

/** Creates or moves the tags of a plan. In mock mode nothing is sent and `commit` may be a planned one. */
export async function applyMovingTags(clients: TagClients, owner: string, repo: string, plans: MovingTagPlan[], commit: string | undefined): Promise<TagOutcome[]> {
  const outcomes: TagOutcome[] = [];
  for (const plan of plans) {
    const base = { tag: plan.tag, ...(plan.previous ? { previous: plan.previous } : {}), ...(plan.note ? { note: plan.note } : {}) };
    if (plan.action === 'keep') outcomes.push({ ...base, status: 'kept', sha: plan.previous });
    else if (plan.action === 'none') outcomes.push({ ...base, status: 'unchanged', sha: commit });
    else if (plan.action === 'create') {
      await createTag(clients, owner, repo, plan.tag, commit);
      outcomes.push({ ...base, status: 'created', sha: commit });
    } else {
      await clients.writes
        .perform({ method: 'PATCH', target: `/repos/${owner}/${repo}/git/refs/tags/${plan.tag}`, summary: `move ${plan.tag} from ${short(plan.previous)} to ${short(commit)}` }, () =>
          // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the commit is only missing in mock mode, where perform() never calls this
          clients.rest.rest.git.updateRef({ owner, repo, ref: `tags/${plan.tag}`, sha: commit!, force: true }),
        )
        .catch((error: unknown) => {
          throw explainGitHubError(error, `move ${plan.tag} in ${owner}/${repo}`, 'contents: write');
        });
      outcomes.push({ ...base, status: 'moved', sha: commit });
    }
  }
  return outcomes;
}

export async function createTag(clients: TagClients, owner: string, repo: string, tag: string, commit: string | undefined): Promise<void> {
  await clients.writes
    .perform({ method: 'POST', target: `/repos/${owner}/${repo}/git/refs`, summary: `create tag ${tag} at ${short(commit)}` }, async () => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the commit is only missing in mock mode, where perform() never calls this
        await clients.rest.rest.git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha: commit! });
      } catch (error) {
        // A retried request whose first attempt landed: the tag is there, at this commit.
        if (httpStatus(error) === 422) {
          const existing = await clients.rest.rest.git.getRef({ owner, repo, ref: `tags/${tag}` }).catch(() => undefined);
          if (existing?.data.object.sha === commit) return;
        }
        throw error;
      }
    })
    .catch((error: unknown) => {
      throw explainGitHubError(error, `create tag ${tag} in ${owner}/${repo}`, 'contents: write');
    });
}
