import semver from 'semver';
import type { ReleaseInfo } from './types.js';

export type MakeLatest = 'auto' | 'true' | 'false' | 'legacy';

function versionOf(tag: string): semver.SemVer | undefined {
  const cleaned = tag.replace(/^[^\d]*(?=\d)/, '');
  return semver.valid(cleaned) ? new semver.SemVer(cleaned) : undefined;
}

export function isPrereleaseTag(tag: string): boolean {
  return (versionOf(tag)?.prerelease.length ?? 0) > 0;
}

/**
 * `auto`: latest only when this version is the highest semver among the published, non-prerelease
 * releases — a patch on an old branch (v1.4.3 after v1.5.0) does not take "latest", a pre-release never does.
 */
export function decideLatest(mode: MakeLatest, tag: string, prerelease: boolean, published: ReleaseInfo[]): 'true' | 'false' | 'legacy' {
  if (mode !== 'auto') return mode;
  if (prerelease) return 'false';
  const mine = versionOf(tag);
  if (!mine) return 'legacy';
  const others = published
    .filter((r) => !r.draft && !r.prerelease && r.tag_name !== tag)
    .map((r) => versionOf(r.tag_name))
    .filter((v): v is semver.SemVer => v !== undefined);
  return others.every((v) => semver.gte(mine, v)) ? 'true' : 'false';
}
