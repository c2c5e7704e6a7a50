import type { GitHubGraphql, GitHubRest } from '@relkit/kit';
import type { NotesConfig } from './config.js';
import { contributors as listContributors, newContributors as findNewContributors } from './contributors.js';
import { buildEntries, sectionOrder } from './entries.js';
import { backportOf, cherryPickedFrom, prNumberFromMessage } from './messages.js';
import { fetchCommits, fetchPulls, recoverAssociation, type PullInfo } from './pulls.js';
import { apiRange, localRange, mergedBranchCommits, type CommitRange, type RangeCommit, type RepoId } from './range.js';
import type { NotesDocument } from './render.js';
import { git } from './git.js';
import { parseMailmap, People } from './people.js';
import { resolveLocally, resolveRemotely } from './resolve.js';

export interface GenerateRequest {
  id: RepoId;
  to: string;
  from: string | undefined;
  version: string | undefined;
  tagPrefix: string;
  paths: string[];
  config: NotesConfig;
  /** A clone to read commits from (actions/checkout with fetch-depth: 0); undefined for API only. */
  localDir: string | undefined;
  /** Why `localDir` is (or is not) used, for the log. */
  localWhy?: string;
  /** Queries in flight at once for PR batches. */
  parallel: number;
  date: string;
  /** https://github.com (or the GHES/sandbox web URL), for the compare link. */
  serverUrl: string;
  log: (line: string) => void;
  warn: (line: string) => void;
  now?: () => number;
}

const RECENT_MS = 24 * 3_600_000;

/** Commit → PR number: from its own message, from the merge that brought it in, or from GitHub's association. */
async function numberCommits(range: CommitRange, localDir: string | undefined, fetchLoose: (shas: string[]) => Promise<Map<string, RangeCommit>>): Promise<Map<string, number>> {
  const prOf = new Map<string, number>();
  for (const c of range.commits) {
    const n = prNumberFromMessage(c.message);
    if (n !== undefined) prOf.set(c.sha, n);
  }
  if (range.source === 'local clone' && localDir) {
    for (const merge of range.commits) {
      const number = merge.parents.length > 1 ? prOf.get(merge.sha) : undefined;
      if (number === undefined) continue;
      for (const sha of await mergedBranchCommits(localDir, merge)) if (!prOf.has(sha)) prOf.set(sha, number);
    }
    const loose = range.commits.filter((c) => !prOf.has(c.sha));
    if (loose.length > 0) {
      const fetched = await fetchLoose(loose.map((c) => c.sha));
      for (const c of loose) {
        const remote = fetched.get(c.sha);
        if (!remote) continue;
        c.associated = remote.associated;
        c.authorLogin = remote.authorLogin;
        c.authorIsBot = remote.authorIsBot;
      }
    }
  }
  for (const c of range.commits) {
    if (!prOf.has(c.sha) && c.associated?.length) prOf.set(c.sha, Math.min(...c.associated));
  }
  return prOf;
}

/** Which path the notes take (local clone or API) and why, so a run that fell back to the API says so. */
function readingFrom(request: GenerateRequest, resolved: boolean, ranged: boolean): string {
  const why = request.localWhy ? `: ${request.localWhy}` : '';
  if (!request.localDir) return `Reading commits through the GitHub API${why || ': no local clone'}.`;
  if (!resolved)
    return `Reading commits through the GitHub API: the clone at ${request.localDir} does not have ${request.to}${request.from ? ` or ${request.from}` : ''} (a shallow checkout? check out with fetch-depth: 0).`;
  if (!ranged) return `Reading commits through the GitHub API: git log failed in the clone at ${request.localDir}.`;
  return `Reading commits from the local clone at ${request.localDir}${why}; no API request for the range.`;
}

/**
 * Reads the range (a local clone when it has the commits, else the API), finds every PR with as
 * few requests as the range allows, follows cherry-picks to their originals, and returns the
 * document the renderers print.
 */
export async function generateNotes(clients: { rest: GitHubRest; graphql: GitHubGraphql }, request: GenerateRequest): Promise<NotesDocument> {
  const { id, config } = request;
  const local = request.localDir ? await resolveLocally(request.localDir, request.to, request.from, request.tagPrefix, request.version) : undefined;
  const remote = local ? undefined : await resolveRemotely(clients, id, request.to, request.from, request.tagPrefix, request.version);
  const points = local ?? remote;
  if (!points) throw new Error('Neither the local clone nor the API resolved the range.');
  let range: CommitRange | undefined;
  if (local && request.localDir) range = await localRange(request.localDir, points.from?.sha, points.to.sha, request.paths);
  request.log(readingFrom(request, local !== undefined, range !== undefined));
  range ??= await apiRange(clients, id, points.from ? { ...(points.from.ref ? { ref: points.from.ref } : {}), sha: points.from.sha } : undefined, points.to.sha, request.paths);
  request.log(`Range ${points.from?.name ?? '(start of history)'}..${points.to.name}: ${range.commits.length} commit(s), read from the ${range.source}.`);
  if (range.diverged && points.acrossBranches)
    request.log(
      `${points.from?.name}, the previous release, was cut on another branch: the notes cover the commits since ${points.to.name} and it parted (their merge base), as GitHub's compare does.`,
    );
  else if (range.diverged) request.warn(`${points.from?.name} is not an ancestor of ${points.to.name}: the notes cover the commits since their merge base.`);

  const prOf = await numberCommits(range, request.localDir, (shas) => fetchCommits(clients.graphql, id, shas, request.parallel));
  // GitHub's association lags behind a fresh merge: ask REST for recent commits still without a PR.
  const now = request.now?.() ?? Date.now();
  for (const c of range.commits) {
    if (prOf.has(c.sha) || c.parents.length > 1 || now - Date.parse(c.date) > RECENT_MS || (c.associated?.length ?? 0) > 0) continue;
    const recovered = await recoverAssociation(clients.rest, id, c.sha);
    if (recovered.length > 0) prOf.set(c.sha, Math.min(...recovered));
  }

  const pulls: Map<number, PullInfo> = await fetchPulls(clients.graphql, id, [...prOf.values()], request.parallel);

  // Cherry-picks: by backport PR title/branch, and by the -x trailer on commits.
  const wanted = new Map<number, number>();
  for (const pr of pulls.values()) {
    const original = backportOf(pr.title, pr.headRefName);
    if (original !== undefined && original !== pr.number) wanted.set(pr.number, original);
  }
  // A -x trailer is only followed when nothing else names the PR: a commit with its own PR number
  // (a squash title survives cherry-picking) or a backport PR whose title names the original needs no lookup.
  const trailerOf = new Map<string, string>();
  for (const c of range.commits) {
    const original = cherryPickedFrom(c.message);
    const own = prOf.get(c.sha);
    const ownTitled = own !== undefined && (wanted.has(own) || prNumberFromMessage(c.message) === own);
    if (original && !ownTitled) trailerOf.set(c.sha, original);
  }
  const originalCommits = trailerOf.size > 0 ? await fetchCommits(clients.graphql, id, [...new Set(trailerOf.values())], request.parallel) : new Map<string, RangeCommit>();
  const prOfOriginal = (sha: string): number | undefined => {
    const commit = [...originalCommits.values()].find((c) => c.sha.startsWith(sha));
    if (!commit) return undefined;
    return prNumberFromMessage(commit.message) ?? (commit.associated?.length ? Math.min(...commit.associated) : undefined);
  };
  const commitOriginals = new Map<string, number>();
  for (const [sha, original] of trailerOf) {
    const number = prOfOriginal(original);
    const own = prOf.get(sha);
    if (number === undefined || number === own) continue;
    if (own === undefined) commitOriginals.set(sha, number);
    else if (!wanted.has(own)) wanted.set(own, number);
  }
  const missing = [...new Set([...wanted.values(), ...commitOriginals.values()])].filter((n) => !pulls.has(n));
  if (missing.length > 0) for (const [n, pr] of await fetchPulls(clients.graphql, id, missing, request.parallel)) pulls.set(n, pr);
  const originals = new Map<number, number | null>();
  for (const [backport, original] of wanted) originals.set(backport, pulls.has(original) ? original : null);
  for (const [sha, original] of commitOriginals) if (!pulls.has(original)) commitOriginals.delete(sha);

  const unreadable = [...new Set(prOf.values())].filter((n) => !pulls.has(n)).sort((a, b) => a - b);
  if (unreadable.length > 0) {
    // Without the PR, GitHub associates nothing with its branch commits: the merge commit's second
    // parent and its ancestors off the first-parent line are that PR's, as git sees them.
    const bySha = new Map(range.commits.map((c) => [c.sha, c]));
    const mainline = new Set<string>();
    for (let c = bySha.get(points.to.sha); c && !mainline.has(c.sha); c = bySha.get(c.parents[0] ?? '')) mainline.add(c.sha);
    for (const merge of range.commits) {
      const number = prOf.get(merge.sha);
      if (merge.parents.length < 2 || number === undefined || pulls.has(number)) continue;
      const stack = merge.parents.slice(1, 2);
      for (let sha = stack.pop(); sha !== undefined; sha = stack.pop()) {
        const commit = bySha.get(sha);
        if (!commit || mainline.has(sha) || prOf.has(sha)) continue;
        prOf.set(sha, number);
        stack.push(...commit.parents);
      }
    }
  }
  if (unreadable.length > 0) {
    request.warn(
      `${unreadable.length} pull request(s) named by the history could not be read from ${id.owner}/${id.repo} (${unreadable
        .slice(0, 10)
        .map((n) => `#${n}`)
        .join(', ')}${unreadable.length > 10 ? ', …' : ''}): each is listed with what its commits say (no labels, no release-note block).`,
    );
  }
  const mailmap = local && request.localDir ? await git(request.localDir, ['show', `${points.to.sha}:.mailmap`]) : remote?.mailmap;
  const people = new People(range.commits, parseMailmap(mailmap ?? ''));
  const entries = buildEntries({ commits: range.commits, prOf, pulls, originals, commitOriginals, config, people });
  const contributors = config.contributors ? listContributors(entries, config.excludeContributors) : undefined;
  const newContributors = config.newContributors ? await findNewContributors(clients.graphql, id, entries, config.excludeContributors) : undefined;
  // The new tag is spelled like the previous one (v0.14.8 → v0.14.9; 4.0.0 → 4.2.0).
  const version = request.version?.replace(/^v/, '');
  const previousVersion = points.from?.name.slice(request.tagPrefix.length).replace(/^v/, '');
  const head = version && points.from && previousVersion ? points.from.name.replace(previousVersion, version) : version ? `${request.tagPrefix}${version}` : points.to.name;
  return {
    version,
    previous: points.from?.name,
    to: points.to.name,
    date: request.date,
    compareUrl: points.from ? `${request.serverUrl}/${id.owner}/${id.repo}/compare/${points.from.name}...${head}` : undefined,
    source: range.source,
    sections: sectionOrder(config),
    entries,
    contributors,
    newContributors,
    commitCount: range.commits.length,
    nameOnly: people.nameOnly(),
  };
}
