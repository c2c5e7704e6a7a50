import { explainGitHubError, UserError } from '@relkit/kit';
import type { ChangeClients } from './commit.js';

/** The trailer every commit relkit makes on a branch it owns carries; a commit without it is someone else's. */
export function ownershipTrailer(branch: string): string {
  return `Relkit-Branch: ${branch}`;
}

export function withOwnershipTrailer(message: { headline: string; body?: string }, branch: string): { headline: string; body: string } {
  const trailer = ownershipTrailer(branch);
  const body = message.body?.trimEnd() ?? '';
  if (body.split('\n').includes(trailer)) return { headline: message.headline, body };
  return { headline: message.headline, body: body ? `${body}\n\n${trailer}` : trailer };
}

interface ForeignCommit {
  sha: string;
  author: string;
  headline: string;
}

const COMPARE_PAGE = 250;

/**
 * The commits on `head` that are not on `startPoint` and that relkit did not make. A branch with
 * none of these may be reset; one with any holds work a human pushed, which relkit never overwrites.
 */
export async function foreignCommits(clients: ChangeClients, where: { owner: string; repo: string; branch: string }, startPoint: string, head: string): Promise<ForeignCommit[]> {
  const trailer = ownershipTrailer(where.branch);
  const { data } = await clients.rest.rest.repos
    .compareCommitsWithBasehead({ owner: where.owner, repo: where.repo, basehead: `${startPoint}...${head}`, per_page: COMPARE_PAGE })
    .catch((error: unknown) => {
      throw explainGitHubError(error, `compare ${where.branch} of ${where.owner}/${where.repo} with ${startPoint.slice(0, 12)}`, 'contents: read');
    });
  const foreign = data.commits
    .filter((c) => !c.commit.message.split('\n').some((line) => line.trim() === trailer))
    .map((c) => ({ sha: c.sha, author: c.author?.login ?? c.commit.author?.name ?? 'unknown', headline: c.commit.message.split('\n')[0] ?? '' }));
  // More commits than one page: far more than relkit ever puts on a branch, so not relkit's alone.
  if (data.ahead_by > data.commits.length && foreign.length === 0) foreign.push({ sha: head, author: 'unknown', headline: `${data.ahead_by} commits` });
  return foreign;
}

export function humanCommitsError(where: { owner: string; repo: string; branch: string }, foreign: ForeignCommit[], input: string): UserError {
  const listed = foreign
    .slice(0, 3)
    .map((c) => `${c.sha.slice(0, 12)} by ${c.author} ("${c.headline}")`)
    .join(', ');
  return new UserError(
    `Branch ${where.branch} of ${where.owner}/${where.repo} has ${foreign.length} commit(s) relkit did not make: ${listed}${foreign.length > 3 ? ', …' : ''}. relkit only rewrites branches it owns, so nothing was pushed and the pull request was left as it is.`,
    `Fold those changes into the inputs (or merge the pull request as it is), then delete the branch and re-run; or set \`${input}\` to another branch name.`,
    { input },
  );
}
