import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSchema, graphql, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { HttpError } from './http.js';
import { fullName, type Identity, type PullRequest, type Release, type Repository, type SandboxState } from './model.js';
import { signatureDate, type Commit, type Signature } from './git-objects.js';
import { accountForEmail, nodeId, type Urls } from './serialize.js';
import { changedPaths, commitFiles, refreshPull, resolveCommitish, setRef } from './repo-ops.js';
import { canRead, requireWrite } from './rules.js';

let cachedSchema: GraphQLSchema | undefined;

/** GitHub's published schema (npm @octokit/graphql-schema): queries are validated exactly as GitHub would. */
export function githubSchema(): GraphQLSchema {
  if (!cachedSchema) {
    // The package exports only its JS entry, so find its folder on the module search path.
    const dirs = createRequire(import.meta.url).resolve.paths('@octokit/graphql-schema') ?? [];
    const file = dirs.map((dir) => join(dir, '@octokit/graphql-schema/schema.graphql')).find((candidate) => existsSync(candidate));
    if (!file) throw new Error('The GitHub sandbox needs the npm package @octokit/graphql-schema (run npm ci in the relkit checkout).');
    cachedSchema = buildSchema(readFileSync(file, 'utf8'), { assumeValidSDL: true });
  }
  return cachedSchema;
}

export interface GraphqlContext {
  state: SandboxState;
  urls: Urls;
  identity: Identity | undefined;
  rateLimit: () => { limit: number; remaining: number; used: number; resetAt: number };
  /** PRs merged less than this long ago are not yet in `associatedPullRequests` (GitHub's lag). */
  associationLagMs: number;
}

type Node = Record<string, unknown>;
type Direction = 'ASC' | 'DESC';
/** createCommitOnBranch's input (docs.github.com/graphql/reference/input-objects#createcommitonbranchinput). */
interface CommitOnBranchInput {
  branch: { repositoryNameWithOwner?: string; branchName?: string; id?: string };
  expectedHeadOid: string;
  message: { headline: string; body?: string };
  fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
  clientMutationId?: string;
}
/** Field arguments as graphql-js hands them over, already checked against GitHub's schema. */
interface Args {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  direction?: Direction;
  orderBy?: { field?: string; direction?: Direction } | null;
  states?: string[] | null;
  labels?: string[] | null;
  query?: string | null;
  input?: CommitOnBranchInput;
  number?: number;
  owner?: string;
  name?: string;
  oid?: string;
  expression?: string;
  qualifiedName?: string;
  refPrefix?: string;
  path?: string;
  type?: string;
  since?: string;
  until?: string;
  baseRefName?: string;
  headRefName?: string;
  headRef?: string;
}

/**
 * Resolves a field from the source object: a value, or a function of (args, context).
 * A field the sandbox does not model is an error, never a silent null.
 */
const fieldResolver: GraphQLFieldResolver<Node, GraphqlContext, Args> = (source, args, context, info) => {
  if (source === null || typeof source !== 'object') return null;
  if (!(info.fieldName in source)) {
    throw new GraphQLError(`The sandbox does not model ${info.parentType.name}.${info.fieldName}; add it to packages/sandbox/src/graphql.ts`);
  }
  const value = source[info.fieldName];
  return typeof value === 'function' ? (value as (a: Args, c: GraphqlContext) => unknown)(args, context) : value;
};

const typeResolver: GraphQLTypeResolver<Node, GraphqlContext> = (value) => value.__typename as string;

function encodeCursor(index: number): string {
  return Buffer.from(`cursor:${index}`).toString('base64');
}

function decodeCursor(cursor: string | undefined | null): number {
  if (!cursor) return -1;
  const match = /^cursor:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  if (!match) throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

function connection<T>(items: T[], args: Args, toNode: (item: T) => Node): Node {
  if (args.first === undefined && args.last === undefined) throw new GraphQLError('You must provide a `first` or `last` value to properly paginate the connection.');
  const size = (args.first ?? args.last) as number;
  if (size > 100) throw new GraphQLError(`Requesting ${size} records on the connection exceeds the \`first\` limit of 100 records.`);
  const start = decodeCursor(args.after) + 1;
  const slice = items.slice(start, start + size);
  const nodes = slice.map(toNode);
  return {
    totalCount: items.length,
    nodes,
    edges: nodes.map((node, i) => ({ node, cursor: encodeCursor(start + i) })),
    pageInfo: {
      hasNextPage: start + size < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? encodeCursor(start) : null,
      endCursor: slice.length > 0 ? encodeCursor(start + slice.length - 1) : null,
    },
  };
}

function actor(ctx: GraphqlContext, login: string): Node {
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

function gitActor(ctx: GraphqlContext, sig: Signature): Node {
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
    const stack = [merge.parents[1]!];
    while (stack.length > 0) {
      const sha = stack.pop()!;
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
function associatedPulls(ctx: GraphqlContext, repo: Repository, sha: string): PullRequest[] {
  const index = pullIndex(ctx, repo);
  const found = new Set([...(index.byMergeCommit.get(sha) ?? []), ...(index.byBranchCommit.get(sha) ?? [])]);
  for (const pr of index.open) if (repo.objects.isAncestor(sha, pr.headSha) && !repo.objects.isAncestor(sha, pr.baseSha)) found.add(pr);
  return [...found].sort((a, b) => a.number - b.number);
}

function gitObject(ctx: GraphqlContext, repo: Repository, sha: string): Node | null {
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

function commitNode(ctx: GraphqlContext, repo: Repository, commit: Commit): Node {
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

function refNode(ctx: GraphqlContext, repo: Repository, ref: string, sha: string): Node {
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

function pullRequestNode(ctx: GraphqlContext, repo: Repository, pr: PullRequest): Node {
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
    headRepositoryOwner: () => actor(ctx, pr.headRepo.split('/')[0]!),
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
function releaseNode(ctx: GraphqlContext, repo: Repository, release: Release): Node {
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

function repositoryNode(ctx: GraphqlContext, repo: Repository): Node {
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

function canWrite(repo: Repository, identity: Identity | undefined): boolean {
  try {
    requireWrite(repo, identity, 'contents');
    return true;
  } catch {
    return false;
  }
}

function createCommitOnBranch(ctx: GraphqlContext, input: CommitOnBranchInput): Node {
  const branchInput = input.branch;
  const repo = branchInput.repositoryNameWithOwner ? ctx.state.repo(branchInput.repositoryNameWithOwner) : undefined;
  if (!repo || !canRead(repo, ctx.identity)) throw new GraphQLError(`Could not resolve to a Repository with the name '${branchInput.repositoryNameWithOwner}'.`, { extensions: { type: 'NOT_FOUND' } });
  let identity: Identity;
  try {
    identity = requireWrite(repo, ctx.identity, 'contents');
  } catch (error) {
    throw new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { type: 'FORBIDDEN' } });
  }
  const name = (branchInput.branchName ?? '').replace(/^refs\/heads\//, '');
  const ref = `refs/heads/${name}`;
  const head = repo.refs.get(ref);
  if (!head) throw new GraphQLError(`A ref named "${name}" does not exist in the repository. createCommitOnBranch cannot create branches.`, { extensions: { type: 'NOT_FOUND' } });
  if (head !== input.expectedHeadOid) {
    throw new GraphQLError(`Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`, { extensions: { type: 'STALE_DATA' } });
  }
  const message = input.message;
  const changes = [
    ...(input.fileChanges?.deletions ?? []).map((d) => ({ path: d.path, content: null })),
    ...(input.fileChanges?.additions ?? []).map((a) => ({ path: a.path, content: Buffer.from(a.contents, 'base64') })),
  ];
  const fullMessage = message.body ? `${message.headline}\n\n${message.body}` : message.headline;
  const sha = commitFiles(repo, identity, head, fullMessage, changes, { signed: true });
  try {
    setRef(repo, identity, ref, sha);
  } catch (error) {
    if (error instanceof HttpError) throw new GraphQLError(error.message, { extensions: { type: 'UNPROCESSABLE' } });
    throw error;
  }
  return { clientMutationId: input.clientMutationId ?? null, commit: commitNode(ctx, repo, repo.objects.commit(sha) as Commit), ref: refNode(ctx, repo, ref, sha) };
}

/**
 * The issue search GitHub's `search(type: ISSUE)` runs, for the qualifiers relkit uses: `repo:`,
 * `is:pr`, `is:merged`, `is:open`, `author:`, `merged:<DATE`, `merged:<=DATE`, `merged:>DATE`,
 * `merged:>=DATE`. Anything else is refused loudly rather than ignored.
 */
function searchIssues(ctx: GraphqlContext, args: Args): Node {
  if (args.type !== 'ISSUE') throw new GraphQLError(`The sandbox models search only for type ISSUE, not ${String(args.type)}.`);
  let repoName: string | undefined;
  const filters: Array<(pr: PullRequest) => boolean> = [];
  for (const token of String(args.query).trim().split(/\s+/)) {
    const [key, value = ''] = token.split(/:(.*)/s) as [string, string | undefined];
    if (key === 'repo') repoName = value;
    else if (token === 'is:pr' || token === 'type:pr') continue;
    else if (token === 'is:merged') filters.push((pr) => pr.mergedAt !== null);
    else if (token === 'is:open') filters.push((pr) => pr.state === 'open');
    else if (key === 'author')
      filters.push((pr) => pr.user.toLowerCase() === value.replace(/^app\//, '').toLowerCase() || pr.user.toLowerCase() === `${value.replace(/^app\//, '')}[bot]`.toLowerCase());
    else if (key === 'merged') {
      const m = /^(<=|>=|<|>)?(.+)$/.exec(value)!;
      const bound = Date.parse(m[2]!);
      if (Number.isNaN(bound)) throw new GraphQLError(`The sandbox cannot read the date in "${token}".`);
      const op = m[1] ?? '=';
      filters.push((pr) => {
        if (!pr.mergedAt) return false;
        const at = Date.parse(pr.mergedAt);
        return op === '<' ? at < bound : op === '<=' ? at <= bound : op === '>' ? at > bound : op === '>=' ? at >= bound : pr.mergedAt.startsWith(m[2]!);
      });
    } else throw new GraphQLError(`The sandbox does not model the search qualifier "${token}".`);
  }
  const repo = repoName ? ctx.state.repo(repoName) : undefined;
  if (!repo || !canRead(repo, ctx.identity))
    return {
      issueCount: 0,
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      codeCount: 0,
      repositoryCount: 0,
      userCount: 0,
      discussionCount: 0,
      wikiCount: 0,
    };
  const found = repo.pulls.filter((pr) => filters.every((f) => f(pr)));
  return { ...connection(found, args, (pr) => pullRequestNode(ctx, repo, pr)), issueCount: found.length, codeCount: 0, repositoryCount: 0, userCount: 0, discussionCount: 0, wikiCount: 0 };
}

export async function executeGraphql(ctx: GraphqlContext, body: { query?: string; variables?: Record<string, unknown>; operationName?: string }): Promise<Record<string, unknown>> {
  if (!body.query) return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  const root = {
    repository: (args: Args) => {
      const repo = ctx.state.repo(args.owner as string, args.name);
      if (!repo || !canRead(repo, ctx.identity)) throw new GraphQLError(`Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`, { extensions: { type: 'NOT_FOUND' } });
      return repositoryNode(ctx, repo);
    },
    viewer: () => {
      if (!ctx.identity) throw new GraphQLError('This endpoint requires you to be authenticated.');
      return actor(ctx, ctx.identity.account.login);
    },
    rateLimit: () => {
      const limit = ctx.rateLimit();
      return { cost: 1, limit: limit.limit, remaining: limit.remaining, used: limit.used, nodeCount: 0, resetAt: new Date(limit.resetAt * 1000).toISOString() };
    },
    createCommitOnBranch: (args: Args & { input: CommitOnBranchInput }) => createCommitOnBranch(ctx, args.input),
    search: (args: Args) => searchIssues(ctx, args),
  };
  const result = await graphql({
    schema: githubSchema(),
    source: body.query,
    rootValue: root,
    contextValue: ctx,
    variableValues: body.variables ?? null,
    operationName: body.operationName ?? null,
    fieldResolver,
    typeResolver,
  });
  const out: Record<string, unknown> = {};
  if (result.data !== undefined) out.data = result.data;
  if (result.errors) {
    out.errors = result.errors.map((e) => ({
      ...(e.extensions?.type ? { type: e.extensions.type } : {}),
      path: e.path,
      locations: e.locations,
      message: e.message,
    }));
  }
  return out;
}
