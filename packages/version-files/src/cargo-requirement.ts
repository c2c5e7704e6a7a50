import semver from 'semver';
import { UserError } from '@relkit/kit';

/** One comparator of a Cargo requirement: `^1.2`, `=4.2.0`, `>=0.61.0`, `1.*`, `~0.9.1`. */
interface Comparator {
  op: '' | '^' | '~' | '=' | '>' | '>=' | '<' | '<=' | '*';
  /** major[.minor[.patch]][-pre], as written. */
  version: string;
}

function parseComparators(requirement: string): Comparator[] | undefined {
  const parts = requirement.split(',').map((p) => p.trim());
  const comparators: Comparator[] = [];
  for (const part of parts) {
    if (part === '*') {
      comparators.push({ op: '*', version: '' });
      continue;
    }
    const m = /^(\^|~|=|>=|>|<=|<)?\s*(\d+(?:\.(?:\d+|\*))?(?:\.(?:\d+|\*))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(part);
    if (!m) return undefined;
    comparators.push({ op: (m[1] ?? '') as Comparator['op'], version: m[2] ?? '' });
  }
  return comparators;
}

/**
 * Cargo's meaning of a requirement as a node-semver range: a bare version is a caret requirement
 * (`1.2.3` means `^1.2.3`, not exactly 1.2.3), commas are AND, `1.*` is a wildcard.
 * https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html
 */
export function cargoRange(requirement: string): semver.Range | undefined {
  const comparators = parseComparators(requirement);
  if (!comparators) return undefined;
  try {
    return new semver.Range(comparators.map((c) => (c.op === '*' ? '*' : `${c.op === '' ? '^' : c.op}${c.version}`)).join(' '));
  } catch {
    return undefined;
  }
}

/** Whether `version` satisfies the Cargo requirement (undefined when the requirement cannot be read). */
export function cargoSatisfies(requirement: string, version: string): boolean | undefined {
  const range = cargoRange(requirement);
  return range ? range.test(version) : undefined;
}

/**
 * How cargo-release treats a dependent's requirement on a released crate (its `dependent-version`):
 * `upgrade` (its default) rewrites every requirement it can to the new version, `fix` only those the
 * new version no longer satisfies. https://github.com/crate-ci/cargo-release/blob/master/docs/reference.md
 */
export type DependentVersion = 'upgrade' | 'fix';

/**
 * cargo-release's rewrite of one requirement (`upgrade_requirement`): each `=`, `^`, `~`, bare or
 * wildcard comparator takes the new version with as many parts as it had; a comparison (`>=`, `<`)
 * cannot be rewritten, so the requirement is returned unchanged.
 */
function rewritten(requirement: string, comparators: Comparator[], version: string): string {
  if (comparators.some((c) => ['>', '>=', '<', '<='].includes(c.op))) return requirement;
  const v = semver.parse(version);
  // The caller checked the version; a comparator list cannot be rewritten to something not semver.
  if (!v) return requirement;
  const pre = v.prerelease.length ? `-${v.prerelease.join('.')}` : '';
  const text = comparators
    .map((c) => {
      if (c.op === '*') return '*';
      const parts = c.version.replace(/[-+].*$/, '').split('.');
      if (parts.includes('*')) return parts.length === 2 ? `${v.major}.*` : `${v.major}.${v.minor}.*`;
      // Cargo cannot read a partial version with a pre-release (`1.0-rc.1`); a pre-release is written whole.
      const numbers = pre ? [v.major, v.minor, v.patch] : [v.major, v.minor, v.patch].slice(0, parts.length);
      return `${c.op === '' ? '^' : c.op}${numbers.join('.')}${pre}`;
    })
    .join(', ');
  return text.startsWith('^') && !requirement.trim().startsWith('^') ? text.slice(1) : text;
}

/**
 * A dependent's requirement after a release, as cargo-release updates it (see DependentVersion). A
 * requirement the new version does not satisfy and that cannot be rewritten (a range) is an error
 * naming it, before anything is written: cargo-release would leave it and `cargo metadata` fail.
 */
export function updatedRequirement(requirement: string, version: string, where: string, policy: DependentVersion = 'upgrade'): string {
  const trimmed = requirement.trim();
  const satisfied = cargoSatisfies(trimmed, version);
  if (satisfied === undefined)
    throw new UserError(`${where}: "${requirement}" is not a Cargo version requirement.`, 'Write it as Cargo does (e.g. "1.2", "=4.2.0", ">=0.61, <2"), or drop `version` from the path dependency.', {
      input: 'files',
    });
  if (satisfied && policy === 'fix') return requirement;
  const next = rewritten(trimmed, parseComparators(trimmed) ?? [], version);
  if (next === trimmed) {
    if (satisfied) return requirement;
    throw new UserError(
      `${where}: the requirement "${requirement}" does not match the new version ${version}, and relkit will not guess how to widen a range.`,
      `Widen the requirement so it matches ${version} (e.g. add ", <${semver.major(version) + 1}.0.0"), or make it a plain version.`,
      { input: 'files' },
    );
  }
  return next;
}
