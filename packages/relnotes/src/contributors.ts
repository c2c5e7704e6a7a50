import type { GitHubGraphql } from '@relkit/kit';
import type { NoteEntry } from './entries.js';
import type { RepoId } from './range.js';

export interface Contributor {
  login: string;
  /** Entries (PRs, or commits without one) they authored or co-authored in the range. */
  count: number;
}

export interface NewContributor {
  login: string;
  /** Their first PR in the range. */
  pr: number;
  url: string;
}

function isBot(login: string, exclude: string[]): boolean {
  return /\[bot\]$/i.test(login) || /^(dependabot|renovate|github-actions|k8s-ci-robot)$/i.test(login) || exclude.includes(login);
}

/** Everyone who authored or co-authored an entry, most entries first; bots and excluded logins left out. */
export function contributors(entries: NoteEntry[], exclude: string[]): Contributor[] {
  const counts = new Map<string, number>();
  for (const entry of entries) for (const login of entry.authors) if (!isBot(login, exclude)) counts.set(login, (counts.get(login) ?? 0) + 1);
  return [...counts].map(([login, count]) => ({ login, count })).sort((a, b) => b.count - a.count || (a.login.toLowerCase() < b.login.toLowerCase() ? -1 : 1));
}

/**
 * PR authors whose first merged PR in the repository is in this range: one search count per
 * author ("merged PRs by X before their first one here"), all authors in one aliased query.
 */
export async function newContributors(graphql: GitHubGraphql, id: RepoId, entries: NoteEntry[], exclude: string[]): Promise<NewContributor[]> {
  const first = new Map<string, { pr: number; url: string; mergedAt: string }>();
  for (const entry of entries) {
    if (entry.pr === undefined || !entry.mergedAt || isBot(entry.author, exclude)) continue;
    const known = first.get(entry.author);
    if (!known || entry.mergedAt < known.mergedAt) first.set(entry.author, { pr: entry.pr, url: entry.url ?? '', mergedAt: entry.mergedAt });
  }
  const authors = [...first.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const found: NewContributor[] = [];
  for (let i = 0; i < authors.length; i += 50) {
    const chunk = authors.slice(i, i + 50);
    const variables: Record<string, string> = {};
    const fields = chunk.map(([login, entry], n) => {
      variables[`q${n}`] = `repo:${id.owner}/${id.repo} is:pr is:merged author:${login} merged:<${entry.mergedAt}`;
      return `a${n}: search(query: $q${n}, type: ISSUE, first: 1) { issueCount }`;
    });
    const result = await graphql<Record<string, { issueCount: number }>>(`query(${chunk.map((_, n) => `$q${n}: String!`).join(', ')}) { ${fields.join(' ')} }`, variables);
    chunk.forEach(([login, entry], n) => {
      if (result[`a${n}`]?.issueCount === 0) found.push({ login, pr: entry.pr, url: entry.url });
    });
  }
  return found.sort((a, b) => a.pr - b.pr);
}
