import { createHash } from 'node:crypto';
import type { Repository, Sandbox } from '@relkit/sandbox';

/**
 * What a release left in the sandbox, by content rather than by ids and times: branches and tags as
 * the trees they point at (a commit made again on a re-run has another SHA but the same tree),
 * releases with their assets' hashes, pull requests with their files, locks. Two runs that end in
 * the same state have equal outcomes.
 */
export interface ReleaseOutcome {
  repositories: Record<
    string,
    {
      branches: Record<string, string>;
      tags: Record<string, string>;
      releases: Array<{
        tag: string;
        name: string | null;
        draft: boolean;
        prerelease: boolean;
        latest: boolean;
        target: string;
        body: string;
        assets: Array<{ name: string; state: string; sha256: string }>;
      }>;
      pulls: Array<{ number: number; title: string; state: string; merged: boolean; head: string; base: string; tree: string; labels: string[] }>;
      rulesets: Array<{ name: string; enforcement: string; include: string[] }>;
      protections: Record<string, unknown>;
    }
  >;
}

/**
 * `normalize` rewrites text before it is compared (e.g. the sandbox's address, which release notes
 * link to and a changelog keeps): trees are then named by a hash of their normalized files.
 */
export function releaseOutcome(sandbox: Sandbox, normalize?: (text: string) => string): ReleaseOutcome {
  const repositories: ReleaseOutcome['repositories'] = {};
  const tree = (repo: Repository, sha: string | undefined): string => {
    const root = sha ? repo.objects.commit(repo.objects.peel(sha))?.tree : undefined;
    if (!root || !normalize) return root ?? sha ?? '';
    const hash = createHash('sha256');
    for (const [path, entry] of [...repo.objects.listFiles(root)].sort(([a], [b]) => a.localeCompare(b))) hash.update(`${path}\0${normalize(repo.objects.blob(entry.sha)?.toString('utf8') ?? '')}\0`);
    return `normalized:${hash.digest('hex').slice(0, 40)}`;
  };
  const text = normalize ?? ((t: string) => t);
  for (const repo of sandbox.state.repos.values()) {
    const refs = [...repo.refs.entries()].sort(([a], [b]) => a.localeCompare(b));
    repositories[`${repo.owner.login}/${repo.name}`] = {
      branches: Object.fromEntries(refs.filter(([r]) => r.startsWith('refs/heads/')).map(([r, sha]) => [r.slice('refs/heads/'.length), tree(repo, sha)])),
      tags: Object.fromEntries(refs.filter(([r]) => r.startsWith('refs/tags/')).map(([r, sha]) => [r.slice('refs/tags/'.length), tree(repo, sha)])),
      releases: repo.releases
        .map((r) => ({
          tag: r.tagName,
          name: r.name,
          draft: r.draft,
          prerelease: r.prerelease,
          latest: repo.latestReleaseId === r.id,
          target: /^[0-9a-f]{40}$/.test(r.targetCommitish) ? tree(repo, r.targetCommitish) : r.targetCommitish,
          body: text(r.body ?? ''),
          assets: r.assets.map((a) => ({ name: a.name, state: a.state, sha256: createHash('sha256').update(a.data).digest('hex') })).sort((a, b) => a.name.localeCompare(b.name)),
        }))
        .sort((a, b) => a.tag.localeCompare(b.tag) || Number(a.draft) - Number(b.draft)),
      pulls: repo.pulls.map((p) => ({
        number: p.number,
        title: p.title,
        state: p.state,
        merged: p.mergedAt !== null,
        head: p.headRef,
        base: p.baseRef,
        tree: tree(repo, p.headSha),
        labels: [...p.labels].sort(),
      })),
      rulesets: repo.rulesets.map((r) => ({ name: r.name, enforcement: r.enforcement, include: r.conditions?.ref_name?.include ?? [] })),
      protections: Object.fromEntries(repo.protections),
    };
  }
  return { repositories };
}

/** The root tree of a branch, tag or commit of a sandbox repository. */
function rootTree(repo: Repository, ref: string): string | undefined {
  const sha = repo.refs.get(`refs/heads/${ref}`) ?? repo.refs.get(`refs/tags/${ref}`) ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : undefined);
  return sha ? repo.objects.commit(repo.objects.peel(sha))?.tree : undefined;
}

/** A file's text at the tip of a branch (or a tag), read from the sandbox's object store. */
export function fileAt(sandbox: Sandbox, repository: string, ref: string, path: string): string | undefined {
  const repo = sandbox.state.repo(repository);
  const root = repo ? rootTree(repo, ref) : undefined;
  if (!repo || !root) return undefined;
  const entry = repo.objects.entryAt(root, path);
  return entry ? repo.objects.blob(entry.sha)?.toString('utf8') : undefined;
}

/** Every file at a branch, tag or commit, as path → text ({} when there is no such ref). */
export function filesAt(sandbox: Sandbox, repository: string, ref: string): Record<string, string> {
  const repo = sandbox.state.repo(repository);
  const root = repo ? rootTree(repo, ref) : undefined;
  if (!repo || !root) return {};
  return Object.fromEntries([...repo.objects.listFiles(root)].map(([path, entry]) => [path, repo.objects.blob(entry.sha)?.toString('utf8') ?? '']));
}
