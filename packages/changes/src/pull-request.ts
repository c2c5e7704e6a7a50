import { explainGitHubError, UserError } from '@relkit/kit';
import { commitFiles, differingPaths, type ChangeClients, type CommitOutcome, type FileContent } from './commit.js';

export interface ProposalRequest {
  owner: string;
  repo: string;
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
  draft?: boolean;
}

export interface ProposalOutcome {
  commit: CommitOutcome;
  branchReset: boolean;
  pullRequest: { number: number | undefined; url: string | undefined; status: 'opened' | 'updated' | 'unchanged' | 'planned' };
  labelsAdded: string[];
}

interface OpenPull {
  number: number;
  url: string;
  title: string;
  body: string;
  isCrossRepository: boolean;
  labels: { nodes: Array<{ name: string }> };
}

const STATE = `query($owner: String!, $name: String!, $base: String!, $head: String!, $baseName: String!, $headName: String!) {
  repository(owner: $owner, name: $name) {
    base: ref(qualifiedName: $base) { target { oid } }
    head: ref(qualifiedName: $head) { target { oid } }
    pullRequests(headRefName: $headName, baseRefName: $baseName, states: [OPEN], first: 10) {
      nodes { number url title body isCrossRepository labels(first: 100) { nodes { name } } }
    }
  }
}`;

/**
 * Puts `files` on the relkit branch and makes sure exactly one open pull request carries them:
 * the branch is created (or reset when it holds something else) from `startPoint`, and an open
 * pull request from it is updated rather than a second one opened.
 */
export async function proposeChanges(clients: ChangeClients, request: ProposalRequest): Promise<ProposalOutcome> {
  const { owner, repo, base, branch } = request;
  if (branch === base) {
    throw new UserError(`The pull request branch and its base are both "${base}".`, 'Use a separate branch for the pull request (`pr-branch`).', { input: 'pr-branch' });
  }
  const state = await clients.graphql<{
    repository: { base: { target: { oid: string } } | null; head: { target: { oid: string } } | null; pullRequests: { nodes: OpenPull[] } };
  }>(STATE, { owner, name: repo, base: `refs/heads/${base}`, head: `refs/heads/${branch}`, baseName: base, headName: branch }).catch((error: unknown) => {
    throw explainGitHubError(error, `read ${owner}/${repo}`, 'contents: read and pull-requests: read');
  });
  if (!state.repository.base) {
    throw new UserError(`The base branch ${base} does not exist in ${owner}/${repo}.`, 'Set `base` to the branch the pull request should target.', { input: 'base' });
  }

  let branchReset = false;
  let commit: CommitOutcome;
  const head = state.repository.head?.target.oid;
  if (head !== undefined && (await differingPaths(clients, owner, repo, head, request.files)).length === 0) {
    clients.log(`${branch} already carries these ${request.files.length} files: nothing to commit.`);
    commit = { status: 'already-present', sha: head, branchCreated: false };
  } else {
    const refPath = `/repos/${owner}/${repo}/git/refs`;
    if (head === undefined) {
      await clients.writes
        .perform({ method: 'POST', target: refPath, summary: `create branch ${branch} at ${request.startPoint.slice(0, 12)}` }, () =>
          clients.rest.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: request.startPoint }),
        )
        .catch((error: unknown) => {
          throw explainGitHubError(error, `create branch ${branch}`, 'contents: write');
        });
    } else if (head !== request.startPoint) {
      // The relkit branch belongs to relkit: whatever it held is replaced by this run's result.
      await clients.writes
        .perform({ method: 'PATCH', target: `${refPath}/heads/${branch}`, summary: `reset ${branch} to ${request.startPoint.slice(0, 12)}` }, () =>
          clients.rest.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: request.startPoint, force: true }),
        )
        .catch((error: unknown) => {
          throw explainGitHubError(error, `reset branch ${branch}`, 'contents: write');
        });
      branchReset = true;
    }
    // The state query (and the write just made) say where the branch is: no need to read it again.
    commit = await commitFiles(clients, { owner, repo, branch, expectedHead: request.startPoint, message: request.message, files: request.files, headKnown: true });
    commit = { ...commit, branchCreated: head === undefined };
  }

  const existing = state.repository.pullRequests.nodes.find((p) => !p.isCrossRepository);
  let pullRequest: ProposalOutcome['pullRequest'];
  let labelsHave: string[] = [];
  if (existing) {
    labelsHave = existing.labels.nodes.map((l) => l.name);
    if (existing.title === request.title && existing.body === request.body) {
      pullRequest = { number: existing.number, url: existing.url, status: 'unchanged' };
    } else {
      await clients.writes
        .perform({ method: 'PATCH', target: `/repos/${owner}/${repo}/pulls/${existing.number}`, summary: `update the title and body of #${existing.number}` }, () =>
          clients.rest.rest.pulls.update({ owner, repo, pull_number: existing.number, title: request.title, body: request.body }),
        )
        .catch((error: unknown) => {
          throw explainGitHubError(error, `update pull request #${existing.number}`, 'pull-requests: write');
        });
      pullRequest = { number: existing.number, url: existing.url, status: clients.writes.mock ? 'planned' : 'updated' };
    }
  } else {
    const created = await clients.writes
      .perform({ method: 'POST', target: `/repos/${owner}/${repo}/pulls`, summary: `open a pull request ${branch} → ${base}: ${request.title}` }, () =>
        clients.rest.rest.pulls.create({ owner, repo, head: branch, base, title: request.title, body: request.body, draft: request.draft ?? false }),
      )
      .catch((error: unknown) => {
        throw explainGitHubError(error, `open a pull request on ${owner}/${repo}`, 'pull-requests: write (and "Allow GitHub Actions to create and approve pull requests" for GITHUB_TOKEN)');
      });
    pullRequest = created ? { number: created.data.number, url: created.data.html_url, status: 'opened' } : { number: undefined, url: undefined, status: 'planned' };
  }

  const missing = request.labels.filter((l) => !labelsHave.includes(l));
  if (missing.length > 0 && (pullRequest.number !== undefined || clients.writes.mock)) {
    const number = pullRequest.number;
    await clients.writes
      .perform({ method: 'POST', target: `/repos/${owner}/${repo}/issues/${number ?? '<new>'}/labels`, summary: `label the pull request ${missing.join(', ')}` }, () =>
        clients.rest.rest.issues.addLabels({ owner, repo, issue_number: number!, labels: missing }),
      )
      .catch((error: unknown) => {
        throw explainGitHubError(error, `label pull request #${number}`, 'pull-requests: write');
      });
  }
  return { commit, branchReset, pullRequest, labelsAdded: missing };
}
