import { explainGitHubError, githubMessage, httpStatus, UserError } from '@relkit/kit';
import { foreignCommits, humanCommitsError, withOwnershipTrailer } from './branch-ownership.js';
import { commitFiles, differingPaths, type ChangeClients, type CommitOutcome, type FileContent } from './commit.js';

export interface RepositoryName {
  owner: string;
  repo: string;
}

export interface ProposalRequest {
  /** The repository the pull request is opened against. */
  owner: string;
  repo: string;
  /** The repository that holds the branch: a fork of owner/repo for a cross-repository pull request (default: owner/repo). */
  head?: RepositoryName | undefined;
  /** The branch the pull request targets. */
  base: string;
  /** The branch relkit owns and commits to, e.g. `relkit/bump-1.4.0`. */
  branch: string;
  /** The commit the files were edited from; the relkit branch starts there. */
  startPoint: string;
  message: { headline: string; body?: string };
  files: FileContent[];
  title: string;
  body: string;
  labels: string[];
  reviewers?: string[];
  teamReviewers?: string[];
  draft?: boolean;
  /** The input that names the branch, for error hints. */
  branchInput?: string;
}

export type PullStatus = 'opened' | 'updated' | 'unchanged';

export interface ProposalOutcome {
  commit: CommitOutcome;
  branchReset: boolean;
  /** `number` and `url` are undefined only for a pull request a mock run would open. */
  pullRequest: { number: number | undefined; url: string | undefined; status: PullStatus; draft: boolean };
  labelsAdded: string[];
  reviewersRequested: string[];
}

interface PullNode {
  number: number;
  url: string;
  title: string;
  body: string;
  isDraft: boolean;
  author: { login: string } | null;
  headRepository: { nameWithOwner: string } | null;
  labels: { nodes: Array<{ name: string }> };
  reviewRequests: { nodes: Array<{ requestedReviewer: { login?: string; slug?: string } | null }> };
  latestReviews: { nodes: Array<{ author: { login: string } | null }> };
}

const PULL_FIELDS = `number url title body isDraft author { login } headRepository { nameWithOwner }
  labels(first: 100) { nodes { name } }
  reviewRequests(first: 100) { nodes { requestedReviewer { ... on User { login } ... on Team { slug } } } }
  latestReviews(first: 100) { nodes { author { login } } }`;

const STATE = `query($owner: String!, $name: String!, $headOwner: String!, $headName: String!, $base: String!, $head: String!, $baseName: String!, $headRef: String!) {
  target: repository(owner: $owner, name: $name) {
    base: ref(qualifiedName: $base) { target { oid } }
    pullRequests(headRefName: $headRef, baseRefName: $baseName, states: [OPEN], first: 20) { nodes { ${PULL_FIELDS} } }
  }
  source: repository(owner: $headOwner, name: $headName) {
    head: ref(qualifiedName: $head) { target { oid } }
  }
}`;

function sameRepo(a: RepositoryName, b: RepositoryName): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}

/**
 * Puts `files` on the relkit branch and makes sure exactly one open pull request carries them:
 * the branch is created from `startPoint`, reset only when every commit on it is relkit's own,
 * and an open pull request from it (also from a fork) is updated rather than a second one opened.
 */
export async function proposeChanges(clients: ChangeClients, request: ProposalRequest): Promise<ProposalOutcome> {
  const { owner, repo, base, branch } = request;
  const headRepo = request.head ?? { owner, repo };
  const crossRepository = !sameRepo(headRepo, { owner, repo });
  const branchInput = request.branchInput ?? 'pr-branch';
  const where = { owner: headRepo.owner, repo: headRepo.repo, branch };
  if (branch === base && !crossRepository) {
    throw new UserError(`The pull request branch and its base are both "${base}".`, `Use a separate branch for the pull request (\`${branchInput}\`).`, { input: branchInput });
  }
  const state = await clients
    .graphql<{
      target: { base: { target: { oid: string } } | null; pullRequests: { nodes: PullNode[] } } | null;
      source: { head: { target: { oid: string } } | null } | null;
    }>(STATE, { owner, name: repo, headOwner: headRepo.owner, headName: headRepo.repo, base: `refs/heads/${base}`, head: `refs/heads/${branch}`, baseName: base, headRef: branch })
    .catch((error: unknown) => {
      throw explainGitHubError(error, `read ${owner}/${repo}${crossRepository ? ` and ${headRepo.owner}/${headRepo.repo}` : ''}`, 'contents: read and pull-requests: read');
    });
  if (!state.target?.base) {
    throw new UserError(`The base branch ${base} does not exist in ${owner}/${repo}.`, 'Set `base` to the branch the pull request should target.', { input: 'base' });
  }

  const message = withOwnershipTrailer(request.message, branch);
  let branchReset = false;
  let commit: CommitOutcome;
  const head = state.source?.head?.target.oid;
  if (head !== undefined && (await differingPaths(clients, headRepo.owner, headRepo.repo, head, request.files)).length === 0) {
    clients.log(`${branch} already carries these ${request.files.length} files: nothing to commit.`);
    commit = { status: 'already-present', sha: head, branchCreated: false };
  } else {
    const refPath = `/repos/${headRepo.owner}/${headRepo.repo}/git/refs`;
    if (head === undefined) {
      await clients.writes
        .perform({ method: 'POST', target: refPath, summary: `create branch ${branch}${crossRepository ? ` in ${headRepo.owner}/${headRepo.repo}` : ''} at ${request.startPoint.slice(0, 12)}` }, () =>
          clients.rest.rest.git.createRef({ owner: headRepo.owner, repo: headRepo.repo, ref: `refs/heads/${branch}`, sha: request.startPoint }),
        )
        .catch((error: unknown) => {
          throw explainGitHubError(error, `create branch ${branch} in ${headRepo.owner}/${headRepo.repo}`, 'contents: write');
        });
    } else if (head !== request.startPoint) {
      const foreign = await foreignCommits(clients, where, request.startPoint, head);
      if (foreign.length > 0) throw humanCommitsError(where, foreign, branchInput);
      await clients.writes
        .perform({ method: 'PATCH', target: `${refPath}/heads/${branch}`, summary: `reset ${branch} (only relkit's commits) to ${request.startPoint.slice(0, 12)}` }, () =>
          clients.rest.rest.git.updateRef({ owner: headRepo.owner, repo: headRepo.repo, ref: `heads/${branch}`, sha: request.startPoint, force: true }),
        )
        .catch((error: unknown) => {
          throw explainGitHubError(error, `reset branch ${branch}`, 'contents: write');
        });
      branchReset = true;
    }
    // The state query (and the write just made) say where the branch is: no need to read it again.
    commit = await commitFiles(clients, { owner: headRepo.owner, repo: headRepo.repo, branch, expectedHead: request.startPoint, message, files: request.files, headKnown: true });
    commit = { ...commit, branchCreated: head === undefined };
  }

  const headName = `${headRepo.owner}/${headRepo.repo}`.toLowerCase();
  const existing = state.target.pullRequests.nodes.find((p) => p.headRepository?.nameWithOwner.toLowerCase() === headName);
  const [pullRequest, author] = existing ? [await updatePull(clients, request, existing), existing.author?.login] : await openPull(clients, request, headRepo, crossRepository);
  const labelsHave = existing?.labels.nodes.map((l) => l.name) ?? [];
  const labelsAdded = request.labels.filter((l) => !labelsHave.includes(l));
  if (labelsAdded.length > 0) {
    const number = pullRequest.number;
    await clients.writes
      .perform({ method: 'POST', target: `/repos/${owner}/${repo}/issues/${number ?? '<new>'}/labels`, summary: `label the pull request ${labelsAdded.join(', ')}` }, () =>
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a pull request has no number only in mock mode, where perform() never calls this
        clients.rest.rest.issues.addLabels({ owner, repo, issue_number: number!, labels: labelsAdded }),
      )
      .catch((error: unknown) => {
        throw explainGitHubError(error, `label pull request #${number}`, 'pull-requests: write');
      });
  }
  const reviewersRequested = await requestReviews(clients, request, pullRequest, existing, author);
  if (pullRequest.status === 'unchanged' && (commit.status === 'committed' || commit.status === 'planned' || labelsAdded.length > 0 || reviewersRequested.length > 0)) pullRequest.status = 'updated';
  return { commit, branchReset, pullRequest, labelsAdded, reviewersRequested };
}

async function openPull(clients: ChangeClients, request: ProposalRequest, headRepo: RepositoryName, crossRepository: boolean): Promise<[ProposalOutcome['pullRequest'], string | undefined]> {
  const { owner, repo, base, branch } = request;
  const head = crossRepository ? `${headRepo.owner}:${branch}` : branch;
  const created = await clients.writes
    .perform({ method: 'POST', target: `/repos/${owner}/${repo}/pulls`, summary: `open a ${request.draft ? 'draft ' : ''}pull request ${head} → ${base}: ${request.title}` }, () =>
      clients.rest.rest.pulls.create({ owner, repo, head, base, title: request.title, body: request.body, draft: request.draft ?? false, maintainer_can_modify: true }),
    )
    .catch(async (error: unknown) => {
      // A retried POST whose first answer was lost: GitHub made the pull request, so find and use it.
      if (httpStatus(error) === 422 && /already exists/i.test(`${githubMessage(error)} ${(error as Error).message}`)) {
        const { data } = await clients.rest.rest.pulls.list({ owner, repo, head: `${headRepo.owner}:${branch}`, base, state: 'open', per_page: 10 });
        const found = data[0];
        if (found) {
          clients.log(`The pull request ${head} → ${base} already exists (#${found.number}; an earlier attempt's answer was lost): using it.`);
          if (found.title !== request.title || (found.body ?? '') !== request.body) {
            await clients.writes.perform({ method: 'PATCH', target: `/repos/${owner}/${repo}/pulls/${found.number}`, summary: `update the title and body of #${found.number}` }, () =>
              clients.rest.rest.pulls.update({ owner, repo, pull_number: found.number, title: request.title, body: request.body }),
            );
          }
          return { data: found };
        }
      }
      throw explainGitHubError(error, `open a pull request on ${owner}/${repo}`, 'pull-requests: write (and "Allow GitHub Actions to create and approve pull requests" for GITHUB_TOKEN)');
    });
  return [{ number: created?.data.number, url: created?.data.html_url, status: 'opened', draft: request.draft ?? false }, created?.data.user?.login];
}

async function updatePull(clients: ChangeClients, request: ProposalRequest, existing: PullNode): Promise<ProposalOutcome['pullRequest']> {
  const { owner, repo } = request;
  if (existing.title === request.title && existing.body === request.body) return { number: existing.number, url: existing.url, status: 'unchanged', draft: existing.isDraft };
  await clients.writes
    .perform({ method: 'PATCH', target: `/repos/${owner}/${repo}/pulls/${existing.number}`, summary: `update the title and body of #${existing.number}` }, () =>
      clients.rest.rest.pulls.update({ owner, repo, pull_number: existing.number, title: request.title, body: request.body }),
    )
    .catch((error: unknown) => {
      throw explainGitHubError(error, `update pull request #${existing.number}`, 'pull-requests: write');
    });
  return { number: existing.number, url: existing.url, status: 'updated', draft: existing.isDraft };
}

/** Asks for reviews once: people already asked, and people who already reviewed, are not asked again. */
async function requestReviews(clients: ChangeClients, request: ProposalRequest, pull: ProposalOutcome['pullRequest'], existing: PullNode | undefined, author: string | undefined): Promise<string[]> {
  // GitHub refuses to ask a pull request's author for a review.
  const asked = new Set(author ? [author.toLowerCase()] : []);
  for (const r of existing?.reviewRequests.nodes ?? []) asked.add((r.requestedReviewer?.login ?? `@team/${r.requestedReviewer?.slug}`).toLowerCase());
  for (const review of existing?.latestReviews.nodes ?? []) if (review.author) asked.add(review.author.login.toLowerCase());
  const reviewers = (request.reviewers ?? []).filter((r) => !asked.has(r.toLowerCase()));
  const teams = (request.teamReviewers ?? []).filter((t) => !asked.has(`@team/${t}`.toLowerCase()));
  if (reviewers.length === 0 && teams.length === 0) return [];
  const { owner, repo } = request;
  const number = pull.number;
  const names = [...reviewers, ...teams.map((t) => `team ${t}`)];
  await clients.writes
    .perform({ method: 'POST', target: `/repos/${owner}/${repo}/pulls/${number ?? '<new>'}/requested_reviewers`, summary: `request reviews from ${names.join(', ')}` }, () =>
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a pull request has no number only in mock mode, where perform() never calls this
      clients.rest.rest.pulls.requestReviewers({ owner, repo, pull_number: number!, reviewers, team_reviewers: teams }),
    )
    .catch((error: unknown) => {
      throw explainGitHubError(error, `request reviews on #${number}`, 'pull-requests: write (reviewers must be collaborators; teams need the organization)');
    });
  return names;
}
