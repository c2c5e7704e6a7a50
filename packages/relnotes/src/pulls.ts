import { runBounded, type GitHubGraphql, type GitHubRest } from '@relkit/kit';
import { COMMIT_FIELDS, fromGraphql, type RangeCommit, type RepoId } from './range.js';

export interface PullInfo {
  number: number;
  title: string;
  body: string;
  url: string;
  author: string;
  authorIsBot: boolean;
  labels: string[];
  mergedAt: string | null;
  headRefName: string;
  baseRefName: string;
  mergeCommit: string | undefined;
}

const PER_QUERY = 100;

/**
 * An alias that names something missing (an issue number, a force-pushed-away commit) makes GitHub
 * answer NOT_FOUND for it and data for the rest: keep the rest.
 */
async function partial<T extends { repository: Record<string, unknown> }>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    const { data, errors } = error as { data?: T; errors?: Array<{ type?: string }> };
    if (data?.repository && errors?.every((e) => e.type === 'NOT_FOUND')) return data;
    throw error;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const PULL_FIELDS = `number title body url mergedAt headRefName baseRefName author { login __typename } labels(first: 50) { nodes { name } } mergeCommit { oid }`;

interface GraphqlPull {
  number: number;
  title: string;
  body: string;
  url: string;
  mergedAt: string | null;
  headRefName: string;
  baseRefName: string;
  author: { login: string; __typename: string } | null;
  labels: { nodes: Array<{ name: string }> };
  mergeCommit: { oid: string } | null;
}

/**
 * PR details by number: up to 100 PRs a query as aliases, queries run `parallel` at a time (within
 * GitHub's secondary limits on concurrent requests). Numbers that are not PRs (issues) come back absent.
 */
export async function fetchPulls(graphql: GitHubGraphql, id: RepoId, numbers: number[], parallel = 4): Promise<Map<number, PullInfo>> {
  const unique = [...new Set(numbers)].sort((a, b) => a - b);
  const pulls = new Map<number, PullInfo>();
  const pages = await runBounded(
    chunks(unique, PER_QUERY).map((chunk) => async () => {
      const fields = chunk.map((n) => `p${n}: issueOrPullRequest(number: ${n}) { __typename ... on PullRequest { ${PULL_FIELDS} } }`).join('\n');
      const result = await partial(
        graphql<{ repository: Record<string, (GraphqlPull & { __typename: string }) | null> }>(`query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${fields} } }`, {
          owner: id.owner,
          name: id.repo,
        }),
      );
      return result.repository;
    }),
    parallel,
  );
  for (const page of pages) {
    for (const node of Object.values(page)) {
      if (!node || node.__typename !== 'PullRequest') continue;
      pulls.set(node.number, {
        number: node.number,
        title: node.title,
        body: node.body ?? '',
        url: node.url,
        author: node.author?.login ?? 'ghost',
        authorIsBot: node.author?.__typename === 'Bot',
        labels: node.labels.nodes.map((l) => l.name).sort(),
        mergedAt: node.mergedAt,
        headRefName: node.headRefName,
        baseRefName: node.baseRefName,
        mergeCommit: node.mergeCommit?.oid,
      });
    }
  }
  return pulls;
}

/** Commits by oid with their associated PRs and author login, 100 a query (commits without a PR number locally, cherry-pick originals). */
export async function fetchCommits(graphql: GitHubGraphql, id: RepoId, shas: string[], parallel = 4): Promise<Map<string, RangeCommit>> {
  const commits = new Map<string, RangeCommit>();
  const pages = await runBounded(
    chunks([...new Set(shas)], PER_QUERY).map((chunk) => async () => {
      const fields = chunk.map((sha, n) => `c${n}: object(oid: "${sha}") { ... on Commit { ${COMMIT_FIELDS} } }`).join('\n');
      const result = await partial(
        graphql<{ repository: Record<string, Parameters<typeof fromGraphql>[0] | null> }>(`query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${fields} } }`, {
          owner: id.owner,
          name: id.repo,
        }),
      );
      return result.repository;
    }),
    parallel,
  );
  for (const page of pages) for (const node of Object.values(page)) if (node?.oid) commits.set(node.oid, fromGraphql(node));
  return commits;
}

/**
 * The recovery for GitHub's association lag: a commit merged moments ago has no
 * `associatedPullRequests` yet, but REST `commits/{sha}/pulls` finds the PR it merged.
 */
export async function recoverAssociation(rest: GitHubRest, id: RepoId, sha: string): Promise<number[]> {
  const { data } = await rest.rest.repos.listPullRequestsAssociatedWithCommit({ owner: id.owner, repo: id.repo, commit_sha: sha, per_page: 10 });
  return data.map((p) => p.number);
}
