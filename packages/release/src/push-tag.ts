import { explainGitHubError, UserError } from '@relkit/kit';
import { tagCommit } from './publish.js';
import type { ReleaseClients, RepoId } from './types.js';

/** Whether the tag must be pushed, read before anything is written: a tag at another commit is refused. */
export async function planTagPush(clients: ReleaseClients, id: RepoId, tag: string, sha: string): Promise<'create' | 'unchanged'> {
  const existing = await tagCommit(clients, id, tag);
  if (existing === sha) return 'unchanged';
  if (existing) {
    throw new UserError(
      `Tag ${tag} already exists at ${existing.slice(0, 12)}, not at the release commit ${sha.slice(0, 12)}.`,
      'A pushed tag is never moved: release under a new version, or delete the tag by hand if no one has used it.',
      { input: 'push-tag' },
    );
  }
  return 'create';
}

/**
 * Creates the release tag at the release commit before the release is published, for projects whose
 * image CI runs on a tag push (`on: push: tags`): a draft release makes no tag, so nothing would
 * build. The push only starts that CI when the token is not GITHUB_TOKEN. A tag already at the
 * commit is left alone (re-runs); one elsewhere is never moved.
 */
export async function pushTag(clients: ReleaseClients, id: RepoId, tag: string, sha: string, plan?: 'create' | 'unchanged'): Promise<'created' | 'unchanged'> {
  if ((plan ?? (await planTagPush(clients, id, tag, sha))) === 'unchanged') return 'unchanged';
  await clients.writes.perform({ method: 'POST', target: `/repos/${id.owner}/${id.repo}/git/refs`, summary: `push the tag ${tag} at ${sha.slice(0, 12)} (starts tag-triggered workflows)` }, () =>
    clients.github.rest.rest.git.createRef({ owner: id.owner, repo: id.repo, ref: `refs/tags/${tag}`, sha }).catch((error: unknown) => {
      throw explainGitHubError(error, `push the tag ${tag}`, 'contents: write (and a token allowed past any rule protecting tags)');
    }),
  );
  return 'created';
}
