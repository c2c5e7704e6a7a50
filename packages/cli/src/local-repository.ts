import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';

/** git in a local repository (work tree or bare), its answer trimmed; throws when git fails. */
export function gitIn(dir: string): (...args: string[]) => string {
  return (...args) => execFileSync('git', ['-C', dir, ...args], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 }).toString().trim();
}

/**
 * The repository as its origin names it (github.com/metallb/metallb → metallb/metallb), so notes,
 * links and checks name the real project; `sandbox/<folder>` without a GitHub origin.
 */
export function repositoryName(dir: string): string {
  let url = '';
  try {
    url = gitIn(dir)('remote', 'get-url', 'origin');
  } catch {
    // no origin
  }
  const match = /^(?:https?:\/\/(?:[^@/]+@)?[^/]+\/|git@[^:]+:|ssh:\/\/git@[^/]+\/)([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(url);
  return match ? `${match[1]}/${match[2]}` : `sandbox/${basename(dir).replace(/\.git$/, '')}`;
}

/**
 * The newest release tag reachable from `branch` and the prefix it uses (`v0.14.8` → `v`,
 * `3.9.0` → ''), so a rehearsal continues the project's own tag scheme from its own last release.
 * When no release tag is reachable (a main branch whose releases are cut on release branches, as
 * GAIE's), the highest release tag of the repository, marked `elsewhere`.
 */
export function latestReleaseTag(dir: string, branch: string): { tag: string; prefix: string; elsewhere: boolean } | undefined {
  const git = gitIn(dir);
  const prefixOf = (tag: string) => /^(.*?)\d+\.\d+\.\d+/.exec(tag)?.[1] ?? '';
  try {
    // Release tags (v0.14.8, 3.9.0), not other tag families (MetalLB's metallb-chart-0.16.1).
    const tag = git('describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*.[0-9]*.[0-9]*', '--match', '[0-9]*.[0-9]*.[0-9]*', branch);
    return { tag, prefix: prefixOf(tag), elsewhere: false };
  } catch {
    const tags = git('tag', '--list', '--sort=-v:refname', 'v[0-9]*.[0-9]*.[0-9]*', '[0-9]*.[0-9]*.[0-9]*').split('\n');
    const tag = tags.find((t) => /^v?\d+\.\d+\.\d+$/.test(t));
    return tag ? { tag, prefix: prefixOf(tag), elsewhere: true } : undefined;
  }
}
