import semver from 'semver';
import { UserError, type GitHubGraphql, type GitHubRest } from '@relkit/kit';
import { git, localCommit } from './git.js';
import type { RepoId } from './range.js';

export interface ResolvedPoint {
  /** The name given or chosen (a tag, branch or sha). */
  name: string;
  sha: string;
  /** `refs/tags/…` or `refs/heads/…` when the name is a ref (GraphQL compare needs one). */
  ref: string | undefined;
}

function versionOf(tag: string, prefix: string): semver.SemVer | undefined {
  if (!tag.startsWith(prefix)) return undefined;
  const rest = tag.slice(prefix.length).replace(/^v(?=\d)/, '');
  return semver.valid(rest) ? new semver.SemVer(rest) : undefined;
}

/**
 * Release tags that could be the previous release, best first: semver tags with the prefix, lower
 * than `version` when it is given (so v0.14.9 on branch v0.14 gets v0.14.8, not v0.15.0 from main),
 * pre-releases only when the new version is one.
 */
export function previousCandidates(tags: string[], prefix: string, version: string | undefined): string[] {
  const target = version ? (semver.valid(version.replace(/^v/, '')) ? new semver.SemVer(version.replace(/^v/, '')) : undefined) : undefined;
  return tags
    .map((tag) => ({ tag, v: versionOf(tag, prefix) }))
    .filter((t): t is { tag: string; v: semver.SemVer } => t.v !== undefined)
    .filter((t) => !target || semver.lt(t.v, target))
    .filter((t) => t.v.prerelease.length === 0 || (target !== undefined && target.prerelease.length > 0))
    .sort((a, b) => semver.rcompare(a.v, b.v) || (a.tag < b.tag ? -1 : 1))
    .map((t) => t.tag);
}

function nearest(tags: string[], wanted: string): string[] {
  const score = (tag: string) => {
    let common = 0;
    while (common < tag.length && tag[common] === wanted[common]) common++;
    return common;
  };
  return [...tags].sort((a, b) => score(b) - score(a) || (a < b ? 1 : -1)).slice(0, 5);
}

/** An annotated tag resolves to its Tag object; the commit is its target. */
const OID = 'oid ... on Tag { target { oid } }';

async function apiTags(rest: GitHubRest, id: RepoId, prefix: string): Promise<string[]> {
  const { data } = await rest.rest.git.listMatchingRefs({ owner: id.owner, repo: id.repo, ref: `tags/${prefix}` });
  return data.map((r) => r.ref.slice('refs/tags/'.length));
}

function unknownFrom(from: string, tags: string[]): UserError {
  const close = nearest(tags, from);
  return new UserError(
    `Input \`from\`: "${from}" is neither a tag, a branch nor a commit of the repository.${close.length ? ` Nearest tags: ${close.join(', ')}.` : ''}`,
    'Set `from` to the previous release tag (or leave it empty to pick it from the tags).',
    { input: 'from' },
  );
}

/** `to` and `from` from a local clone: no API request. Undefined when the clone lacks `to`. */
export async function resolveLocally(
  dir: string,
  to: string,
  from: string | undefined,
  prefix: string,
  version: string | undefined,
): Promise<{ to: ResolvedPoint; from: ResolvedPoint | undefined; acrossBranches?: boolean } | undefined> {
  // A shallow clone (actions/checkout's default fetch-depth: 1) has neither the tags nor the history
  // between them: it would take the last commit for the whole release. The API path decides then.
  if ((await git(dir, ['rev-parse', '--is-shallow-repository']))?.trim() === 'true') return undefined;
  const toSha = await localCommit(dir, to);
  if (!toSha) return undefined;
  const refOf = async (name: string) => ((await localCommit(dir, `refs/tags/${name}`)) ? `refs/tags/${name}` : (await localCommit(dir, `refs/heads/${name}`)) ? `refs/heads/${name}` : undefined);
  const tags = (await git(dir, ['tag', '--list']))?.split('\n').filter(Boolean) ?? [];
  if (from !== undefined) {
    const sha = await localCommit(dir, from);
    if (!sha) throw unknownFrom(from, tags);
    return { to: { name: to, sha: toSha, ref: await refOf(to) }, from: { name: from, sha, ref: await refOf(from) } };
  }
  const candidates = previousCandidates(tags, prefix, version);
  const highest = version !== undefined ? candidates[0] : undefined;
  const highestSha = highest ? await localCommit(dir, `refs/tags/${highest}`) : undefined;
  // The previous release may have been cut on a release branch (MetalLB's and GAIE's main): like
  // GitHub's compare, the notes then start where the two lines parted, not at an older tag on this one.
  if (
    highest &&
    highestSha &&
    highestSha !== toSha &&
    (await git(dir, ['merge-base', '--is-ancestor', toSha, highestSha])) === undefined &&
    (await git(dir, ['merge-base', highestSha, toSha])) !== undefined
  ) {
    const across = (await git(dir, ['merge-base', '--is-ancestor', highestSha, toSha])) === undefined;
    return { to: { name: to, sha: toSha, ref: await refOf(to) }, from: { name: highest, sha: highestSha, ref: `refs/tags/${highest}` }, acrossBranches: across };
  }
  for (const tag of candidates) {
    const sha = await localCommit(dir, `refs/tags/${tag}`);
    if (sha && sha !== toSha && (await git(dir, ['merge-base', '--is-ancestor', sha, toSha])) !== undefined) {
      return { to: { name: to, sha: toSha, ref: await refOf(to) }, from: { name: tag, sha, ref: `refs/tags/${tag}` } };
    }
  }
  return { to: { name: to, sha: toSha, ref: await refOf(to) }, from: undefined };
}

/**
 * `to` and `from` through the API: the tag list (one REST request) when `from` must be chosen, and one
 * GraphQL query that resolves `to` and checks which candidates are its ancestors.
 */
export async function resolveRemotely(
  clients: { rest: GitHubRest; graphql: GitHubGraphql },
  id: RepoId,
  to: string,
  from: string | undefined,
  prefix: string,
  version: string | undefined,
): Promise<{ to: ResolvedPoint; from: ResolvedPoint | undefined; mailmap: string | undefined; acrossBranches?: boolean }> {
  const candidates = from !== undefined ? [from] : previousCandidates(await apiTags(clients.rest, id, prefix), prefix, version).slice(0, 20);
  // The .mailmap at `to` rides along in the same query, so credits need no request of their own.
  const variables: Record<string, string> = { owner: id.owner, name: id.repo, to, mailmap: `${to}:.mailmap` };
  const fields = candidates.map((name, n) => {
    variables[`c${n}`] = name;
    variables[`t${n}`] = `refs/tags/${name}`;
    variables[`h${n}`] = `refs/heads/${name}`;
    return `o${n}: object(expression: $c${n}) { ${OID} } t${n}: ref(qualifiedName: $t${n}) { compare(headRef: $to) { status } } h${n}: ref(qualifiedName: $h${n}) { name }`;
  });
  const declarations = candidates.map((_, n) => `$c${n}: String!, $t${n}: String!, $h${n}: String!`).join(', ');
  const result = await clients.graphql<{ repository: Record<string, { oid?: string; target?: { oid: string }; compare?: { status: string }; name?: string; text?: string | null } | null> }>(
    `query($owner: String!, $name: String!, $to: String!, $mailmap: String!${declarations ? `, ${declarations}` : ''}) { repository(owner: $owner, name: $name) { toObject: object(expression: $to) { ${OID} } mailmapBlob: object(expression: $mailmap) { ... on Blob { text } } ${fields.join(' ')} } }`,
    variables,
  );
  const repo = result.repository;
  const mailmap = repo.mailmapBlob?.text ?? undefined;
  const toSha = repo.toObject?.target?.oid ?? repo.toObject?.oid;
  if (!toSha) throw new UserError(`Input \`to\`: "${to}" is not a commit, tag or branch of ${id.owner}/${id.repo}.`, 'Set `to` to the release commit or tag (default: GITHUB_SHA).', { input: 'to' });
  const toPoint: ResolvedPoint = { name: to, sha: toSha, ref: undefined };
  if (from !== undefined) {
    const sha = repo.o0?.target?.oid ?? repo.o0?.oid;
    if (!sha) throw unknownFrom(from, await apiTags(clients.rest, id, ''));
    return { to: toPoint, from: { name: from, sha, ref: repo.t0 ? `refs/tags/${from}` : repo.h0 ? `refs/heads/${from}` : undefined }, mailmap };
  }
  // As locally: the highest release below `version`, cut on another line, is the previous release.
  const topStatus = repo.t0?.compare?.status;
  const topSha = repo.o0?.target?.oid ?? repo.o0?.oid;
  if (version !== undefined && candidates[0] && topSha && topSha !== toSha && topStatus === 'DIVERGED') {
    return { to: toPoint, from: { name: candidates[0], sha: topSha, ref: `refs/tags/${candidates[0]}` }, mailmap, acrossBranches: true };
  }
  for (const [n, tag] of candidates.entries()) {
    const status = repo[`t${n}`]?.compare?.status;
    const sha = repo[`o${n}`]?.target?.oid ?? repo[`o${n}`]?.oid;
    if (sha && sha !== toSha && (status === 'AHEAD' || status === 'IDENTICAL')) return { to: toPoint, from: { name: tag, sha, ref: `refs/tags/${tag}` }, mailmap };
  }
  return { to: toPoint, from: undefined, mailmap };
}
