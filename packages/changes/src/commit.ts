import { explainGitHubError, UserError, type GitHubGraphql, type GitHubRest, type Logger, type WritePath } from '@relkit/kit';
import { blobShasAt, branchHead } from './branch-state.js';
import { gitBlobSha } from './git-blob.js';

export interface FileContent {
  /** Repository-relative, forward slashes. */
  path: string;
  contents: Buffer;
}

export interface ChangeClients {
  rest: GitHubRest;
  graphql: GitHubGraphql;
  writes: WritePath;
  log: Logger;
}

export interface CommitRequest {
  owner: string;
  repo: string;
  branch: string;
  /** The commit the files were edited from; the branch must still point there. */
  expectedHead: string;
  message: { headline: string; body?: string };
  files: FileContent[];
  /** Paths to delete in the same commit. */
  deletions?: string[];
  /** Create the branch at `expectedHead` when it does not exist. */
  createBranch?: boolean;
  /** The caller has just moved the branch to `expectedHead` (or planned to, in mock mode): skip reading it. */
  headKnown?: boolean;
}

export interface CommitOutcome {
  /** committed: a new commit; already-present: the branch already has these exact files (a re-run); planned: mock mode. */
  status: 'committed' | 'already-present' | 'planned';
  sha: string | undefined;
  branchCreated: boolean;
}

interface GraphqlErrorLike {
  errors?: Array<{ type?: string; message?: string }>;
}

function graphqlErrorType(error: unknown): string | undefined {
  return (error as GraphqlErrorLike).errors?.[0]?.type;
}

/** Paths whose content on `commit` differs from `files`, and paths of `deletions` that are still there. */
export async function differingPaths(clients: ChangeClients, owner: string, repo: string, commit: string, files: FileContent[], deletions: string[] = []): Promise<string[]> {
  const shas = await blobShasAt(clients.graphql, owner, repo, commit, [...files.map((f) => f.path), ...deletions]);
  return [...files.filter((f) => shas.get(f.path) !== gitBlobSha(f.contents)).map((f) => f.path), ...deletions.filter((path) => shas.get(path) !== undefined)];
}

function concurrentPush(request: CommitRequest, head: string, differing: string[]): UserError {
  return new UserError(
    `Branch ${request.branch} of ${request.owner}/${request.repo} moved to ${head.slice(0, 12)} after the checkout at ${request.expectedHead.slice(0, 12)}, and ${differing.length} of the files to commit differ there (${differing.slice(0, 5).join(', ')}${differing.length > 5 ? ', …' : ''}); nothing was committed, nothing was overwritten.`,
    `Someone pushed to ${request.branch} meanwhile: re-run the workflow so it checks out the new head (or lock the branch for the release with relkit/lock-branch first).`,
  );
}

const CREATE_COMMIT = `mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`;

/**
 * Commits `files` on top of `expectedHead` with GraphQL createCommitOnBranch: GitHub signs the
 * commit, and expectedHeadOid makes a concurrent push fail instead of being overwritten. A branch
 * that already carries exactly these files (the same run, re-run) is left alone.
 */
export async function commitFiles(clients: ChangeClients, request: CommitRequest): Promise<CommitOutcome> {
  const { owner, repo, branch } = request;
  const where = `${owner}/${repo}@${branch}`;
  let head: string | undefined = request.headKnown ? request.expectedHead : undefined;
  try {
    head ??= await branchHead(clients.graphql, owner, repo, branch);
  } catch (error) {
    throw explainGitHubError(error, `read branch ${where}`, 'contents: read');
  }
  let branchCreated = false;
  if (head === undefined) {
    if (!request.createBranch) {
      throw new UserError(`Branch ${branch} does not exist in ${owner}/${repo}.`, 'Set `branch` to an existing branch, or create it first.', { input: 'branch' });
    }
    await clients.writes
      .perform({ method: 'POST', target: `/repos/${owner}/${repo}/git/refs`, summary: `create branch ${branch} at ${request.expectedHead.slice(0, 12)}` }, () =>
        clients.rest.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: request.expectedHead }),
      )
      .catch((error: unknown) => {
        throw explainGitHubError(error, `create branch ${where}`, 'contents: write');
      });
    head = request.expectedHead;
    branchCreated = true;
  }
  if (head !== request.expectedHead) {
    const differing = await differingPaths(clients, owner, repo, head, request.files, request.deletions);
    if (differing.length === 0) {
      clients.log(`${where} is at ${head.slice(0, 12)}, which already has these ${request.files.length} files: nothing to commit.`);
      return { status: 'already-present', sha: head, branchCreated };
    }
    throw concurrentPush(request, head, differing);
  }
  const input = {
    branch: { repositoryNameWithOwner: `${owner}/${repo}`, branchName: branch },
    expectedHeadOid: request.expectedHead,
    message: request.message,
    fileChanges: { additions: request.files.map((f) => ({ path: f.path, contents: f.contents.toString('base64') })), deletions: (request.deletions ?? []).map((path) => ({ path })) },
  };
  try {
    const made = await clients.writes.perform(
      {
        method: 'GRAPHQL',
        target: `createCommitOnBranch ${where}`,
        summary: `commit ${request.files.length} file(s)${request.deletions?.length ? `, delete ${request.deletions.length}` : ''}: ${request.message.headline}`,
      },
      () => clients.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(CREATE_COMMIT, { input }),
    );
    return made ? { status: 'committed', sha: made.createCommitOnBranch.commit.oid, branchCreated } : { status: 'planned', sha: undefined, branchCreated };
  } catch (error) {
    if (graphqlErrorType(error) !== 'STALE_DATA') throw explainGitHubError(error, `commit to ${where}`, 'contents: write');
    // Lost a race, or a retried request whose first attempt did land: look at what is there now.
    const now = (await branchHead(clients.graphql, owner, repo, branch)) ?? request.expectedHead;
    const differing = await differingPaths(clients, owner, repo, now, request.files, request.deletions);
    if (differing.length === 0) return { status: 'already-present', sha: now, branchCreated };
    throw concurrentPush(request, now, differing);
  }
}
