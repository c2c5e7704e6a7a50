import { explainGitHubError, UserError } from '@relkit/kit';
import type { ReleaseClients, RepoId } from './types.js';

export interface BranchMove {
  branch: string;
  from: string | undefined;
  to: string;
  action: 'created' | 'moved' | 'unchanged';
}

const BRANCH_NAME = /^(?!\/|.*\/\/|.*\/$|.*\.\.|.*@\{|.*\.lock$)[^\s~^:?*[\\]+$/;

/** Checks `move-branches` before any write: git-valid names, never the default branch. */
export function checkBranchesToMove(branches: string[], defaultBranch: string): void {
  for (const branch of branches) {
    if (!BRANCH_NAME.test(branch))
      throw new UserError(`Input \`move-branches\`: "${branch}" is not a branch name git allows.`, 'List branch names such as `live-website`, one a line.', { input: 'move-branches' });
    if (branch === defaultBranch) {
      throw new UserError(
        `Input \`move-branches\` lists ${branch}, the default branch; moving it to the release would rewrite its history.`,
        'List only branches that follow releases (e.g. `live-website`, `stable`).',
        { input: 'move-branches' },
      );
    }
  }
}

/**
 * Points each branch at the release commit, as MetalLB moves `live-website` with `git reset --hard
 * vX.Y.Z && git push -f`: created when missing, force-moved when elsewhere, left alone when already
 * there (so a re-run changes nothing).
 */
export async function moveBranches(clients: ReleaseClients, id: RepoId, branches: string[], sha: string): Promise<BranchMove[]> {
  const { rest } = clients.github.rest;
  const moves: BranchMove[] = [];
  for (const branch of branches) {
    const current = await rest.git
      .getRef({ owner: id.owner, repo: id.repo, ref: `heads/${branch}` })
      .then((r) => r.data.object.sha)
      .catch((error: unknown) => {
        if ((error as { status?: number }).status === 404) return undefined;
        throw explainGitHubError(error, `read the branch ${branch}`, 'contents: read');
      });
    if (current === sha) {
      moves.push({ branch, from: current, to: sha, action: 'unchanged' });
      continue;
    }
    if (current === undefined) {
      await clients.writes.perform({ method: 'POST', target: `/repos/${id.owner}/${id.repo}/git/refs`, summary: `create the branch ${branch} at ${sha.slice(0, 12)}` }, () =>
        rest.git.createRef({ owner: id.owner, repo: id.repo, ref: `refs/heads/${branch}`, sha }).catch((error: unknown) => {
          throw explainGitHubError(error, `create the branch ${branch}`, 'contents: write');
        }),
      );
      moves.push({ branch, from: undefined, to: sha, action: 'created' });
      continue;
    }
    await clients.writes.perform(
      { method: 'PATCH', target: `/repos/${id.owner}/${id.repo}/git/refs/heads/${branch}`, summary: `move the branch ${branch} from ${current.slice(0, 12)} to ${sha.slice(0, 12)} (force)` },
      () =>
        rest.git.updateRef({ owner: id.owner, repo: id.repo, ref: `heads/${branch}`, sha, force: true }).catch((error: unknown) => {
          throw explainGitHubError(error, `move the branch ${branch}`, 'contents: write (and a token allowed past any rule protecting the branch)');
        }),
    );
    moves.push({ branch, from: current, to: sha, action: 'moved' });
  }
  return moves;
}
