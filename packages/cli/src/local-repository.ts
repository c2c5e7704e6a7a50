import { execFileSync } from 'node:child_process';
import { basename, posix } from 'node:path';
import type { FileSource } from '@relkit/version-files';

/** git in a local repository (work tree or bare), its answer trimmed; throws when git fails. */
export function gitIn(dir: string): (...args: string[]) => string {
  return (...args) =>
    execFileSync('git', ['-C', dir, ...args], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 })
      .toString()
      .trim();
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
 * The release tag a rehearsal of `branch` continues from, and the prefix it uses (`v0.14.8` → `v`,
 * `3.9.0` → ''). A release branch (its name holds X.Y, as `v0.14` or `release-1.6`) continues its
 * newest reachable tag. Any other branch continues the repository's highest release tag; when that
 * tag is not in the branch's history it was cut on a release branch (MetalLB's and GAIE's main),
 * marked `elsewhere`, so the branch heads for the next minor.
 */
export function latestReleaseTag(dir: string, branch: string): { tag: string; prefix: string; elsewhere: boolean } | undefined {
  const git = gitIn(dir);
  const prefixOf = (tag: string) => /^(.*?)\d+\.\d+\.\d+/.exec(tag)?.[1] ?? '';
  let reachable: string | undefined;
  try {
    // Release tags (v0.14.8, 3.9.0), not other tag families (MetalLB's metallb-chart-0.16.1).
    reachable = git('describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*.[0-9]*.[0-9]*', '--match', '[0-9]*.[0-9]*.[0-9]*', branch);
  } catch {
    reachable = undefined;
  }
  const highest = git('tag', '--list', '--sort=-v:refname', 'v[0-9]*.[0-9]*.[0-9]*', '[0-9]*.[0-9]*.[0-9]*')
    .split('\n')
    .find((t) => /^v?\d+\.\d+\.\d+$/.test(t));
  const releaseBranch = /\d+\.\d+/.test(branch);
  if (reachable && (releaseBranch || !highest || highest === reachable)) return { tag: reachable, prefix: prefixOf(reachable), elsewhere: false };
  if (!highest) return undefined;
  const inHistory = (() => {
    try {
      git('merge-base', '--is-ancestor', highest, branch);
      return true;
    } catch {
      return false;
    }
  })();
  return { tag: highest, prefix: prefixOf(highest), elsewhere: !inHistory };
}

const SKIPPED_DIRS = /(^|\/)(\.git|node_modules|target|vendor)\//;

/**
 * The files of one revision of a local repository (bare or not), read with git: what version-file
 * detection sees, without a checkout and without writing anything into the repository.
 */
export function revisionFiles(dir: string, revision: string): FileSource {
  let paths: string[] | undefined;
  const list = () =>
    (paths ??= execFileSync('git', ['-C', dir, 'ls-tree', '-r', '-z', '--name-only', revision], { maxBuffer: 1 << 28 })
      .toString()
      .split('\0')
      .filter(Boolean));
  return {
    label: `${basename(dir)}@${revision}`,
    resolve: async (pattern) => {
      const literal = pattern.replace(/^\.\//, '');
      if (!/[*?[\]{}]/.test(pattern)) return list().includes(literal) ? [literal] : [];
      return list().filter((path) => !SKIPPED_DIRS.test(path) && posix.matchesGlob(path, literal));
    },
    read: async (path) => execFileSync('git', ['-C', dir, 'cat-file', 'blob', `${revision}:${path}`], { maxBuffer: 1 << 28 }),
  };
}
