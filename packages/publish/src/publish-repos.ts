import { branchHead, commitFiles, gitBlobSha, gitTreeSha, type ChangeClients, type FileContent } from '@relkit/changes';
import { explainGitHubError, httpStatus, isUserError, runBounded, UserError } from '@relkit/kit';
import { applyMovingTags, createTag, majorLineTags, planMovingTags, releaseTagNames, type TagOutcome } from './release-tags.js';
import type { TreeFile } from './publish-tree.js';
import type { PackagedAction } from './write-trees.js';

export interface ActionRepoOutcome {
  repository: string;
  branch: string;
  /** committed: a new commit; already-present: the branch or the release tag already held this tree; planned: mock mode. */
  status: 'committed' | 'already-present' | 'planned';
  commit: string | undefined;
  changed: number;
  deleted: number;
  tags: TagOutcome[];
}

interface RepoPlan {
  owner: string;
  repo: string;
  branch: string;
  head: string;
  fixed: string;
  /** The commit that already holds the tree (the release tag's, or the branch head's). */
  existing?: { commit: string; tagged: boolean };
  additions: FileContent[];
  deletions: string[];
  tags: Map<string, string>;
}

/** Reads everything a repository's publication needs, and refuses what must not happen, before anything is written. */
async function planRepo(clients: ChangeClients, owner: string, repo: string, version: string, files: TreeFile[], ifMissing = false): Promise<RepoPlan> {
  const where = `${owner}/${repo}`;
  const { fixed } = releaseTagNames(version);
  const branch = await clients.rest.rest.repos.get({ owner, repo }).then(
    (r) => r.data.default_branch,
    (error: unknown) => {
      if (httpStatus(error) === 404)
        throw new UserError(`${where} does not exist, or the token cannot see it.`, `Create ${where} (any first commit will do) and install the release App on it.`, { cause: error });
      throw explainGitHubError(error, `read ${where}`, 'contents: read');
    },
  );
  const head = await branchHead(clients.graphql, owner, repo, branch);
  if (!head) throw new UserError(`${where} has no commit on its default branch ${branch}.`, `Push a first commit to ${where} (a README will do); relkit commits on top of it.`);
  const tags = await majorLineTags(clients, owner, repo, version);
  const tree = gitTreeSha(files);
  const treeOf = async (commit: string) => (await clients.rest.rest.git.getCommit({ owner, repo, commit_sha: commit })).data.tree.sha;
  const plan: RepoPlan = { owner, repo, branch, head, fixed, additions: [], deletions: [], tags };
  const tagged = tags.get(fixed);
  // --if-missing publishes only where the version is absent: a repository that has it keeps it as is.
  if (tagged && ifMissing) return { ...plan, existing: { commit: tagged, tagged: true } };
  if (tagged) {
    if ((await treeOf(tagged)) !== tree) {
      throw new UserError(
        `${where} already has ${fixed} at ${tagged.slice(0, 12)}, holding other files than this release's tree; a release tag is never moved.`,
        'Release the next version instead. Only if that tag is a mistake nobody can have used, delete it by hand and re-run.',
        { input: 'version' },
      );
    }
    return { ...plan, existing: { commit: tagged, tagged: true } };
  }
  if ((await treeOf(head)) === tree) return { ...plan, existing: { commit: head, tagged: false } };
  const listing = await clients.rest.rest.git.getTree({ owner, repo, tree_sha: head, recursive: 'true' }).catch((error: unknown) => {
    throw explainGitHubError(error, `list the files of ${where}@${head.slice(0, 12)}`, 'contents: read');
  });
  if (listing.data.truncated) throw new UserError(`${where} has too many files to list in one tree.`, `A published action repository holds only its tree; clean ${where} up by hand.`);
  const present = new Map(listing.data.tree.filter((e) => e.type !== 'tree').map((e) => [e.path, e]));
  const wanted = new Set(files.map((f) => f.path));
  plan.additions = files.filter((f) => {
    const entry = present.get(f.path);
    return entry?.type !== 'blob' || entry.mode !== '100644' || entry.sha !== gitBlobSha(f.contents);
  });
  plan.deletions = [...present.keys()].filter((path) => !wanted.has(path)).sort();
  return plan;
}

async function applyRepo(clients: ChangeClients, plan: RepoPlan, version: string, source: string | undefined): Promise<ActionRepoOutcome> {
  const { owner, repo, branch, fixed } = plan;
  let commit = plan.existing?.commit;
  let status: ActionRepoOutcome['status'] = 'already-present';
  if (!plan.existing) {
    const made = await commitFiles(clients, {
      owner,
      repo,
      branch,
      expectedHead: plan.head,
      headKnown: true,
      message: { headline: `${repo} ${fixed}`, body: source ? `Published from ${source} by relkit publish-actions.` : 'Published by relkit publish-actions.' },
      files: plan.additions,
      deletions: plan.deletions,
    });
    commit = made.sha;
    status = made.status;
  } else {
    clients.log(`${owner}/${repo}: ${plan.existing.tagged ? fixed : branch} (${plan.existing.commit.slice(0, 12)}) already holds this tree; nothing to commit.`);
  }
  const tags: TagOutcome[] = [];
  if (plan.existing?.tagged) tags.push({ tag: fixed, status: 'unchanged', sha: commit });
  else {
    await createTag(clients, owner, repo, fixed, commit);
    tags.push({ tag: fixed, status: 'created', sha: commit });
  }
  tags.push(...(await applyMovingTags(clients, owner, repo, planMovingTags(plan.tags, version, commit), commit)));
  return { repository: `${owner}/${repo}`, branch, status, commit, changed: plan.existing ? 0 : plan.additions.length, deleted: plan.existing ? 0 : plan.deletions.length, tags };
}

export interface PublishActionsRequest {
  owner: string;
  version: string;
  trees: PackagedAction[];
  /** Where the trees were built, for the commit message: `relkit/relkit@<sha>`. */
  source?: string;
  /** Publish only to repositories that do not have `vX.Y.Z` yet (bootstrapping the versions a workflow pins). */
  ifMissing?: boolean;
}

/**
 * Publishes each tree as the root of `<owner>/<action>`: a commit signed by GitHub that makes the
 * default branch hold exactly the tree, the new tag `vX.Y.Z`, and `vX` / `vX.Y` moved to it. Every
 * repository is read and checked before the first write; a re-run finds its own commit and tags
 * and changes nothing.
 */
export async function publishActionRepos(clients: ChangeClients, request: PublishActionsRequest): Promise<ActionRepoOutcome[]> {
  const version = request.version.replace(/^v/, '');
  releaseTagNames(version);
  const plans = await runBounded(
    request.trees.map(
      (tree) => () =>
        planRepo(clients, request.owner, tree.name, version, tree.files, request.ifMissing).catch((error: unknown) => {
          // Any read the plan makes (head, commits, tags) that GitHub refuses: said with the permission it needs.
          throw isUserError(error) ? error : explainGitHubError(error, `read ${request.owner}/${tree.name}`, 'contents: read');
        }),
    ),
    3,
  );
  const outcomes: ActionRepoOutcome[] = [];
  for (const plan of plans) outcomes.push(await applyRepo(clients, plan, version, request.source));
  return outcomes;
}

/**
 * Moves `vX` and `vX.Y` of a repository to its published release `vX.Y.Z` (relkit's own repository,
 * whose release tag the release itself created).
 */
export async function moveReleaseTags(clients: ChangeClients, repository: string, versionInput: string): Promise<TagOutcome[]> {
  const version = versionInput.replace(/^v/, '');
  const { fixed } = releaseTagNames(version);
  const [owner, repo] = repository.split('/') as [string, string];
  const tags = await majorLineTags(clients, owner, repo, version);
  const commit = tags.get(fixed);
  if (!commit && clients.writes.mock) {
    clients.log(`${repository} has no tag ${fixed} yet (mock: the release was not published); planning the tags for it.`);
    return [{ tag: fixed, status: 'unchanged', sha: undefined }, ...(await applyMovingTags(clients, owner, repo, planMovingTags(tags, version, undefined), undefined))];
  }
  if (!commit) throw new UserError(`${repository} has no tag ${fixed}: the release is not published yet.`, `Publish the release ${fixed} first, then move the tags.`, { input: 'version' });
  return [{ tag: fixed, status: 'unchanged', sha: commit }, ...(await applyMovingTags(clients, owner, repo, planMovingTags(tags, version, commit), commit))];
}
