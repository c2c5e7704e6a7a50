import { GraphQLError } from 'graphql';
import { fullName, type Identity, type PullRequest, type Release, type Repository } from './model.js';
import { signatureDate, type Commit, type Signature } from './git-objects.js';
import { accountForEmail, nodeId } from './serialize.js';
import { changedPaths, refreshPull, resolveCommitish } from './repo-ops.js';
import { requireWrite } from './rules.js';
import { connection, type Args, type GraphqlContext, type Node } from './graphql-types.js';

/** What the GraphQL types resolve to: plain objects whose fields are values or functions of (args, context). */
export function actor(ctx: GraphqlContext, login: string): Node {
  const account = ctx.state.account(login);
  return {
    __typename: account.type === 'Bot' ? 'Bot' : account.type === 'Organization' ? 'Organization' : 'User',
    login: account.login,
    id: nodeId(account.type, account.id),
    databaseId: account.id,
    url: `${ctx.urls.html}/${account.login}`,
    name: account.name ?? null,
  };
}

export function gitActor(ctx: GraphqlContext, sig: Signature): Node {
  const account = accountForEmail(ctx.state, sig.email);
  return { name: sig.name, email: sig.email, date: signatureDate(sig), user: account ? actor(ctx, account.login) : null };
}

function changedInFirstParent(repo: Repository, commit: Commit, path: string): boolean {
  const mine = repo.objects.entryAt(commit.tree, path)?.sha;
  const parent = commit.parents[0] ? repo.objects.commit(commit.parents[0]) : undefined;
  return mine !== (parent ? repo.objects.entryAt(parent.tree, path)?.sha : undefined);
}

interface PullIndex {
  byMergeCommit: Map<string, PullRequest[]>;
  /** Commits of merged pull requests' branches (merge commits' second parents and their own ancestors). */
  byBranchCommit: Map<string, PullRequest[]>;
  /** Open PRs: their commits are whatever their head has that their base does not. */
  open: PullRequest[];
}

// Built once per GraphQL request: a page of 100 commits asks for associations 100 times.
const pullIndexes = new WeakMap<GraphqlContext, Map<Repository, PullIndex>>();
// The branch commits of merged PRs, kept per repository until its PRs or refs change: computing
// them walks the history once, too much to repeat for every request on Kata's 60,000 commits.
const branchCommits = new WeakMap<Repository, { key: string; byCommit: Map<string, PullRequest[]> }>();

/**
 * Which merged PR each branch commit came in with. A PR merged with a merge commit brought its
 * second parent and that parent's ancestors down to the base line; the base line is the
 * first-parent chain of every merge commit (and of the default branch), so the walk stops there
 * and the history is walked once.
 */
function mergedBranchCommits(repo: Repository, merged: Array<{ pr: PullRequest; merge: Commit }>): Map<string, PullRequest[]> {
  const mainline = new Set<string>();
  const starts = [...merged.map((m) => m.merge.sha), repo.refs.get(`refs/heads/${repo.defaultBranch}`) ?? ''];
  for (const start of starts) {
    for (let commit = repo.objects.commit(start); commit && !mainline.has(commit.sha); commit = commit.parents[0] ? repo.objects.commit(commit.parents[0]) : undefined) mainline.add(commit.sha);
  }
  const byCommit = new Map<string, PullRequest[]>();
  for (const { pr, merge } of merged) {
    const seen = new Set<string>();
    const stack = merge.parents.slice(1, 2);
    for (let sha = stack.pop(); sha !== undefined; sha = stack.pop()) {
      if (seen.has(sha) || mainline.has(sha)) continue;
      seen.add(sha);
      byCommit.set(sha, [...(byCommit.get(sha) ?? []), pr]);
      const commit = repo.objects.commit(sha);
      if (commit) stack.push(...commit.parents);
    }
  }
  return byCommit;
}

function pullIndex(ctx: GraphqlContext, repo: Repository): PullIndex {
  let perRepo = pullIndexes.get(ctx);
  if (!perRepo) pullIndexes.set(ctx, (perRepo = new Map<Repository, PullIndex>()));
  let index = perRepo.get(repo);
  if (index) return index;
  index = { byMergeCommit: new Map(), byBranchCommit: new Map(), open: [] };
  const now = Date.now();
  const merged: Array<{ pr: PullRequest; merge: Commit }> = [];
  for (const pr of repo.pulls) {
    refreshPull(ctx.state, repo, pr);
    if (pr.mergedAt && now - Date.parse(pr.mergedAt) < ctx.associationLagMs) continue;
    if (pr.mergeCommitSha) index.byMergeCommit.set(pr.mergeCommitSha, [...(index.byMergeCommit.get(pr.mergeCommitSha) ?? []), pr]);
    const merge = pr.mergeCommitSha ? repo.objects.commit(pr.mergeCommitSha) : undefined;
    if (merge?.parents.length === 2) merged.push({ pr, merge });
    else if (pr.state === 'open') index.open.push(pr);
  }
  const key = `${repo.pushes.length}:${merged.map((m) => m.pr.id).join(',')}`;
  let cached = branchCommits.get(repo);
  if (cached?.key !== key) branchCommits.set(repo, (cached = { key, byCommit: mergedBranchCommits(repo, merged) }));
  index.byBranchCommit = cached.byCommit;
  perRepo.set(repo, index);
  return index;
}

/** PRs a commit belongs to: the PR it merged, the merged PR whose branch brought it, open PRs containing it. */
export function associatedPulls(ctx: GraphqlContext, repo: Repository, sha: string): PullRequest[] {
  const index = pullIndex(ctx, repo);
  const found = new Set([...(index.byMergeCommit.get(sha) ?? []), ...(index.byBranchCommit.get(sha) ?? [])]);
  for (const pr of index.open) if (repo.objects.isAncestor(sha, pr.headSha) && !repo.objects.isAncestor(sha, pr.baseSha)) found.add(pr);
  return [...found].sort((a, b) => a.number - b.number);
}

export function gitObject(ctx: GraphqlContext, repo: Repository, sha: string): Node | null {
  const type = repo.objects.typeOf(sha);
  const base = { id: nodeId('GitObject', sha), oid: sha, abbreviatedOid: sha.slice(0, 7), repository: () => repositoryNode(ctx, repo) };
  if (type === 'commit') return commitNode(ctx, repo, repo.objects.commit(sha) as Commit);
  if (type === 'tag') {
    const tag = repo.objects.tag(sha);
    if (!tag) return null;
    return { ...base, __typename: 'Tag', name: tag.tag, message: tag.message, target: () => gitObject(ctx, repo, tag.object), tagger: tag.tagger ? gitActor(ctx, tag.tagger) : null };
  }
  if (type === 'blob') {
    const data = repo.objects.blob(sha) as Buffer;
    const binary = data.includes(0);
    return { ...base, __typename: 'Blob', byteSize: data.length, isBinary: binary, isTruncated: false, text: binary ? null : data.toString('utf8') };
  }
  if (type === 'tree') {
    return {
      ...base,
      __typename: 'Tree',
      entries: () => (repo.objects.tree(sha) ?? []).map((e) => ({ name: e.name, mode: parseInt(e.mode, 8), type: e.type, oid: e.sha, path: e.name, object: () => gitObject(ctx, repo, e.sha) })),
    };
  }
  return null;
}

export function commitNode(ctx: GraphqlContext, repo: Repository, commit: Commit): Node {
  const newline = commit.message.indexOf('\n');
  const headline = newline === -1 ? commit.message : commit.message.slice(0, newline);
  return {
    __typename: 'Commit',
    id: nodeId('Commit', commit.sha),
    oid: commit.sha,
    abbreviatedOid: commit.sha.slice(0, 7),
    message: commit.message.replace(/\n+$/, ''),
    messageHeadline: headline,
    messageBody: newline === -1 ? '' : commit.message.slice(newline + 1).trim(),
    committedDate: signatureDate(commit.committer),
    authoredDate: signatureDate(commit.author),
    pushedDate: null,
    url: `${ctx.urls.html}/${fullName(repo)}/commit/${commit.sha}`,
    commitUrl: `${ctx.urls.html}/${fullName(repo)}/commit/${commit.sha}`,
    author: gitActor(ctx, commit.author),
    committer: gitActor(ctx, commit.committer),
    authors: (args: Args) => connection([commit.author], args, (sig) => gitActor(ctx, sig)),
    signature: commit.signature ? { isValid: true, signer: null, state: 'VALID', wasSignedByGitHub: commit.committer.email === 'noreply@github.com' } : null,
    tree: () => gitObject(ctx, repo, commit.tree),
    repository: () => repositoryNode(ctx, repo),
    parents: (args: Args) => connection(commit.parents, args, (sha) => commitNode(ctx, repo, repo.objects.commit(sha) as Commit)),
    history: (args: Args) => {
      let commits = repo.objects.log(commit.sha);
      if (args.path) commits = commits.filter((c) => changedInFirstParent(repo, c, args.path as string));
      if (args.since) commits = commits.filter((c) => c.committer.time * 1000 >= Date.parse(args.since as string));
      if (args.until) commits = commits.filter((c) => c.committer.time * 1000 <= Date.parse(args.until as string));
      return connection(commits, args, (c) => commitNode(ctx, repo, c));
    },
    associatedPullRequests: (args: Args) => connection(associatedPulls(ctx, repo, commit.sha), args, (pr) => pullRequestNode(ctx, repo, pr)),
  };
}

export function refNode(ctx: GraphqlContext, repo: Repository, ref: string, sha: string): Node {
  const parts = ref.split('/');
  const prefix = ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/') ? `${parts.slice(0, 2).join('/')}/` : 'refs/';
  return {
    __typename: 'Ref',
    id: nodeId('Ref', `${repo.id}:${ref}`),
    name: ref.slice(prefix.length),
    prefix,
    target: () => gitObject(ctx, repo, sha),
    repository: () => repositoryNode(ctx, repo),
    compare: (args: Args) => {
      const head = resolveCommitish(repo, String(args.headRef));
      if (!head) throw new GraphQLError(`Could not resolve to a Ref or commit with the name '${String(args.headRef)}'.`, { extensions: { type: 'NOT_FOUND' } });
      // A ref to an annotated tag compares from the commit the tag names, as REST compare does.
      const base = repo.objects.peel(sha);
      const ahead = repo.objects.log(head, [base]).reverse();
      const behind = repo.objects.log(base, [head]);
      return {
        __typename: 'Comparison',
        id: nodeId('Comparison', `${base}...${head}`),
        aheadBy: ahead.length,
        behindBy: behind.length,
        status: ahead.length === 0 && behind.length === 0 ? 'IDENTICAL' : behind.length === 0 ? 'AHEAD' : ahead.length === 0 ? 'BEHIND' : 'DIVERGED',
        baseTarget: () => gitObject(ctx, repo, base),
        headTarget: () => gitObject(ctx, repo, head),
        commits: (cArgs: Args) => connection(ahead, cArgs, (c) => commitNode(ctx, repo, c)),
      };
    },
    associatedPullRequests: (args: Args) =>
      connection(
        repo.pulls.filter((p) => `refs/heads/${p.headRef}` === ref && (!args.states || args.states.includes(p.mergedAt ? 'MERGED' : p.state.toUpperCase()))),
        args,
        (pr) => pullRequestNode(ctx, repo, pr),
      ),
  };
}

export function pullRequestNode(ctx: GraphqlContext, repo: Repository, pr: PullRequest): Node {
  const url = `${ctx.urls.html}/${fullName(repo)}/pull/${pr.number}`;
  const milestone = pr.milestone === null ? undefined : repo.milestones.find((m) => m.number === pr.milestone);
  return {
    __typename: 'PullRequest',
    id: nodeId('PullRequest', pr.id),
    databaseId: pr.id,
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    url,
    permalink: url,
    state: pr.mergedAt ? 'MERGED' : pr.state.toUpperCase(),
    merged: pr.mergedAt !== null,
    mergedAt: pr.mergedAt,
    closed: pr.state === 'closed',
    closedAt: pr.closedAt,
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    isDraft: pr.draft,
    isCrossRepository: pr.headRepo !== fullName(repo),
    baseRefName: pr.baseRef,
    headRefName: pr.headRef,
    baseRefOid: pr.baseSha,
    headRefOid: pr.headSha,
    author: actor(ctx, pr.user),
    headRepository: () => {
      const head = ctx.state.repo(pr.headRepo);
      return head ? repositoryNode(ctx, head) : null;
    },
    headRepositoryOwner: () => actor(ctx, pr.headRepo.slice(0, pr.headRepo.indexOf('/'))),
    baseRepository: () => repositoryNode(ctx, repo),
    // The sandbox keeps no reviews.
    latestReviews: (args: Args) => connection([], args, () => ({})),
    reviewRequests: (args: Args) =>
      connection([...pr.requestedReviewers.map((login) => ({ login })), ...pr.requestedTeams.map((slug) => ({ slug }))], args, (request) => ({
        __typename: 'ReviewRequest',
        requestedReviewer: 'login' in request ? actor(ctx, request.login) : { __typename: 'Team', slug: request.slug, name: request.slug, id: nodeId('Team', request.slug) },
      })),
    mergedBy: pr.mergedBy ? actor(ctx, pr.mergedBy) : null,
    mergeCommit: () => (pr.mergeCommitSha ? commitNode(ctx, repo, repo.objects.commit(pr.mergeCommitSha) as Commit) : null),
    milestone: milestone ? { title: milestone.title, number: milestone.number, id: nodeId('Milestone', milestone.id) } : null,
    labels: (args: Args) =>
      connection(pr.labels, args, (name) => {
        const label = repo.labels.find((l) => l.name === name);
        return { __typename: 'Label', id: nodeId('Label', label?.id ?? name), name, color: label?.color ?? 'ededed', description: label?.description ?? null };
      }),
    repository: () => repositoryNode(ctx, repo),
    // release-please reads which files a release pull request touches.
    files: (args: Args) => {
      const base = repo.objects.mergeBase(pr.baseSha, pr.headSha) ?? pr.baseSha;
      const head = repo.objects.commit(pr.headSha);
      const changes = head ? changedPaths(repo, repo.objects.commit(base)?.tree, head.tree) : [];
      return connection(changes, args, (c) => ({
        __typename: 'PullRequestChangedFile',
        path: c.path,
        additions: 0,
        deletions: 0,
        changeType: c.status === 'added' ? 'ADDED' : c.status === 'removed' ? 'DELETED' : 'MODIFIED',
      }));
    },
  };
}

/** A release as GraphQL's Release type has it (release-please lists them to find the last one). */
export function releaseNode(ctx: GraphqlContext, repo: Repository, release: Release): Node {
  const tagSha = repo.refs.get(`refs/tags/${release.tagName}`);
  return {
    __typename: 'Release',
    id: nodeId('Release', release.id),
    databaseId: release.id,
    name: release.name,
    tagName: release.tagName,
    description: release.body,
    url: `${ctx.urls.html}/${fullName(repo)}/releases/tag/${encodeURIComponent(release.tagName)}`,
    isDraft: release.draft,
    isPrerelease: release.prerelease,
    isLatest: repo.latestReleaseId === release.id,
    createdAt: release.createdAt,
    publishedAt: release.publishedAt,
    tagCommit: () => (tagSha ? commitNode(ctx, repo, repo.objects.commit(repo.objects.peel(tagSha)) as Commit) : null),
  };
}

export function repositoryNode(ctx: GraphqlContext, repo: Repository): Node {
  const pullStates = (pr: PullRequest) => (pr.mergedAt ? 'MERGED' : pr.state.toUpperCase());
  return {
    __typename: 'Repository',
    id: nodeId('Repository', repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: fullName(repo),
    owner: actor(ctx, repo.owner.login),
    url: `${ctx.urls.html}/${fullName(repo)}`,
    isPrivate: repo.private,
    isFork: repo.fork !== null,
    parent: () => {
      const parent = repo.fork ? ctx.state.repo(repo.fork) : undefined;
      return parent ? repositoryNode(ctx, parent) : null;
    },
    defaultBranchRef: () => {
      const ref = `refs/heads/${repo.defaultBranch}`;
      const sha = repo.refs.get(ref);
      return sha ? refNode(ctx, repo, ref, sha) : null;
    },
    ref: (args: Args) => {
      const name = args.qualifiedName as string;
      const ref = name.startsWith('refs/') ? name : repo.refs.has(`refs/heads/${name}`) ? `refs/heads/${name}` : `refs/tags/${name}`;
      const sha = repo.refs.get(ref);
      return sha ? refNode(ctx, repo, ref, sha) : null;
    },
    refs: (args: Args) => {
      const prefix = args.refPrefix as string;
      const refs = [...repo.refs].filter(([ref]) => ref.startsWith(prefix) && (!args.query || ref.includes(args.query))).sort(([a], [b]) => (a < b ? -1 : 1));
      if (args.direction === 'DESC' || args.orderBy?.direction === 'DESC') refs.reverse();
      return connection(refs, args, ([ref, sha]) => refNode(ctx, repo, ref, sha));
    },
    object: (args: Args) => {
      const sha = args.oid ? repo.objects.resolvePrefix(String(args.oid)) : undefined;
      if (sha) return gitObject(ctx, repo, sha);
      if (args.expression) {
        const [rev, path] = String(args.expression).split(':', 2) as [string, string | undefined];
        const commit = resolveCommitish(repo, rev);
        if (!commit) return null;
        if (path === undefined) return gitObject(ctx, repo, commit);
        const entry = repo.objects.entryAt(repo.objects.commit(commit)?.tree ?? '', path);
        return entry ? gitObject(ctx, repo, entry.sha) : null;
      }
      return null;
    },
    issueOrPullRequest: (args: Args) => {
      const pr = repo.pulls.find((p) => p.number === args.number);
      if (!pr) throw new GraphQLError(`Could not resolve to an issue or pull request with the number of ${args.number}.`, { extensions: { type: 'NOT_FOUND' } });
      return pullRequestNode(ctx, repo, refreshPull(ctx.state, repo, pr));
    },
    pullRequest: (args: Args) => {
      const pr = repo.pulls.find((p) => p.number === args.number);
      if (!pr) throw new GraphQLError(`Could not resolve to a PullRequest with the number of ${args.number}.`, { extensions: { type: 'NOT_FOUND' } });
      return pullRequestNode(ctx, repo, refreshPull(ctx.state, repo, pr));
    },
    pullRequests: (args: Args) => {
      let list = repo.pulls.map((p) => refreshPull(ctx.state, repo, p));
      if (args.states) list = list.filter((p) => (args.states as string[]).includes(pullStates(p)));
      if (args.labels) list = list.filter((p) => p.labels.some((l) => (args.labels as string[]).includes(l)));
      if (args.headRefName) list = list.filter((p) => p.headRef === args.headRefName);
      if (args.baseRefName) list = list.filter((p) => p.baseRef === args.baseRefName);
      if (args.orderBy?.direction === 'DESC') list = [...list].reverse();
      return connection(list, args, (pr) => pullRequestNode(ctx, repo, pr));
    },
    // Drafts only for those who may push, as in REST; newest first unless orderBy says ASC.
    releases: (args: Args) => {
      const drafts = canWrite(repo, ctx.identity);
      const byName = args.orderBy?.field === 'NAME';
      const list = repo.releases
        .filter((r) => drafts || !r.draft)
        .sort((a, b) => (byName ? a.tagName.localeCompare(b.tagName) : a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id));
      if (args.orderBy?.direction !== 'ASC') list.reverse();
      return connection(list, args, (release) => releaseNode(ctx, repo, release));
    },
  };
}

export function canWrite(repo: Repository, identity: Identity | undefined): boolean {
  try {
    requireWrite(repo, identity, 'contents');
    return true;
  } catch {
    return false;
  }
}
