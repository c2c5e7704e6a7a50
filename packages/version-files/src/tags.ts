import semver, { type SemVer } from 'semver';
import type { GitHubRest } from '@relkit/kit';

/** The highest semver tag `<prefix>X.Y.Z[-pre]` in the repository, from one matching-refs listing. */
export async function highestTag(rest: GitHubRest, owner: string, repo: string, prefix: string): Promise<{ tag: string; version: SemVer } | undefined> {
  const refs = await rest.paginate(rest.rest.git.listMatchingRefs, { owner, repo, ref: `tags/${prefix}`, per_page: 100 });
  let best: { tag: string; version: SemVer } | undefined;
  for (const ref of refs) {
    const tag = ref.ref.slice('refs/tags/'.length);
    const version = semver.valid(tag.slice(prefix.length)) ? new semver.SemVer(tag.slice(prefix.length)) : undefined;
    if (version && (!best || semver.gt(version, best.version))) best = { tag, version };
  }
  return best;
}
