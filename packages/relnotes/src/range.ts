import type { GitHubGraphql, GitHubRest } from '@relkit/kit';
import { git } from './git.js';

export interface RangeCommit {
  sha: string;
  parents: string[];
  message: string;
  authorName: string;
  authorEmail: string;
  /** The GitHub login of the author, when known. */
  authorLogin: string | undefined;
  authorIsBot: boolean;
  /** PR numbers GitHub associates with the commit; undefined when not asked yet. */
  associated: number[] | undefined;
  /** Committer date, ISO 8601. */
  date: string;
}

export interface RepoId {
  owner: string;
  repo: string;
}

export interface CommitRange {
  commits: RangeCommit[];
  source: 'local clone' | 'GitHub API';
  diverged: boolean;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

/** Commits in from..to (all of `to` when `from` is undefined) from a local clone: no API request. */
export async function localRange(dir: string, from: string | undefined, to: string, paths: string[]): Promise<CommitRange | undefined> {
  const out = await git(dir, ['log', `--format=%H${FIELD}%P${FIELD}%an${FIELD}%ae${FIELD}%cI${FIELD}%B${RECORD}`, from ? `${from}..${to}` : to, ...(paths.length ? ['--', ...paths] : [])]);
  if (out === undefined) return undefined;
  const commits = out
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r.trim() !== '')
    .map((record): RangeCommit => {
      const [sha = '', parents = '', authorName = '', authorEmail = '', date = '', message = ''] = record.split(FIELD);
      return {
        sha,
        parents: parents.split(' ').filter(Boolean),
        message: message.replace(/\n+$/, ''),
        authorName,
        authorEmail,
        authorLogin: undefined,
        authorIsBot: false,
        associated: undefined,
        date: new Date(date).toISOString(),
      };
    });
  const diverged = from !== undefined && (await git(dir, ['merge-base', '--is-ancestor', from, to])) === undefined;
  return { commits, source: 'local clone', diverged };
}

/** Which commits of a merge's second parent line belong to it (for numbering commits of merged branches locally). */
export async function mergedBranchCommits(dir: string, merge: RangeCommit): Promise<string[]> {
  if (merge.parents.length < 2) return [];
  const out = await git(dir, ['rev-list', `${merge.parents[0]}..${merge.parents[1]}`]);
  return out?.split('\n').filter(Boolean) ?? [];
}

interface GraphqlCommit {
  oid: string;
  committedDate: string;
  message: string;
  parents: { nodes: Array<{ oid: string }> };
  author: { name: string | null; email: string | null; user: { login: string; __typename?: string } | null } | null;
  associatedPullRequests: { nodes: Array<{ number: number }> };
}

export const COMMIT_FIELDS = `oid committedDate message parents(first: 2) { nodes { oid } } author { name email user { login __typename } } associatedPullRequests(first: 5) { nodes { number } }`;

export function fromGraphql(node: GraphqlCommit): RangeCommit {
  return {
    sha: node.oid,
    parents: node.parents.nodes.map((p) => p.oid),
    message: node.message,
    authorName: node.author?.name ?? '',
    authorEmail: node.author?.email ?? '',
    authorLogin: node.author?.user?.login,
    authorIsBot: node.author?.user?.__typename === 'Bot',
    associated: node.associatedPullRequests.nodes.map((p) => p.number),
    date: new Date(node.committedDate).toISOString(),
  };
}

const COMPARE = `query($owner: String!, $name: String!, $base: String!, $head: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $base) {
      compare(headRef: $head) {
        status
        commits(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${COMMIT_FIELDS} } }
      }
    }
  }
}`;

const HISTORY = `query($owner: String!, $name: String!, $head: String!, $after: String, $path: String) {
  repository(owner: $owner, name: $name) {
    object(expression: $head) { ... on Commit { history(first: 100, after: $after, path: $path) { pageInfo { hasNextPage endCursor } nodes { ${COMMIT_FIELDS} } } } }
  }
}`;

interface Page {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: GraphqlCommit[];
}

async function history(graphql: GitHubGraphql, id: RepoId, head: string, path: string | undefined, keepGoing: (page: Page) => boolean): Promise<GraphqlCommit[]> {
  const nodes: GraphqlCommit[] = [];
  let after: string | null = null;
  for (;;) {
    const result: { repository: { object: { history: Page } | null } } = await graphql(HISTORY, { owner: id.owner, name: id.repo, head, after, path: path ?? null });
    const page = result.repository.object?.history;
    if (!page) break;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || !keepGoing(page)) break;
    after = page.pageInfo.endCursor;
  }
  return nodes;
}

/**
 * Commits in from..to through the API: GraphQL `compare` from the `from` ref, 100 commits a page,
 * each with its associated PRs; `history` when there is no `from`; REST compare pages for a `from`
 * that is a bare SHA. `paths` narrows to commits touching them.
 */
export async function apiRange(clients: { rest: GitHubRest; graphql: GitHubGraphql }, id: RepoId, from: { ref?: string; sha: string } | undefined, to: string, paths: string[]): Promise<CommitRange> {
  let commits: RangeCommit[] = [];
  let diverged = false;
  if (!from) {
    commits = (await history(clients.graphql, id, to, undefined, () => true)).map(fromGraphql);
  } else if (from.ref) {
    let after: string | null = null;
    for (;;) {
      const result: { repository: { ref: { compare: { status: string; commits: Page } } | null } } = await clients.graphql(COMPARE, {
        owner: id.owner,
        name: id.repo,
        base: from.ref,
        head: to,
        after,
      });
      const compare = result.repository.ref?.compare;
      if (!compare) break;
      diverged = compare.status === 'DIVERGED';
      commits.push(...compare.commits.nodes.map(fromGraphql));
      if (!compare.commits.pageInfo.hasNextPage) break;
      after = compare.commits.pageInfo.endCursor;
    }
  } else {
    for (let page = 1; ; page++) {
      const { data } = await clients.rest.rest.repos.compareCommitsWithBasehead({ owner: id.owner, repo: id.repo, basehead: `${from.sha}...${to}`, per_page: 100, page });
      diverged = data.status === 'diverged';
      commits.push(
        ...data.commits.map((c) => ({
          sha: c.sha,
          parents: c.parents.map((p) => p.sha),
          message: c.commit.message,
          authorName: c.commit.author?.name ?? '',
          authorEmail: c.commit.author?.email ?? '',
          authorLogin: c.author?.login,
          authorIsBot: c.author?.type === 'Bot',
          associated: undefined,
          date: new Date(c.commit.committer?.date ?? 0).toISOString(),
        })),
      );
      if (data.commits.length < 100) break;
    }
  }
  if (paths.length > 0) {
    const inRange = new Set(commits.map((c) => c.sha));
    const touching = new Set<string>();
    for (const path of paths) {
      // History is newest first; once a whole page is outside the range, older pages are too.
      const found = await history(clients.graphql, id, to, path, (page) => page.nodes.some((n) => inRange.has(n.oid)));
      for (const n of found) if (inRange.has(n.oid)) touching.add(n.oid);
    }
    commits = commits.filter((c) => touching.has(c.sha));
  }
  return { commits, source: 'GitHub API', diverged };
}
