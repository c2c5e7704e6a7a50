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
    comparators.push({ op: (m[1] ?? '') as Comparator['op'], version: m[2]! });
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
 * A dependent's requirement after a release, as cargo-release updates it: left alone while it
 * still matches the new version (a range is never narrowed); otherwise a single `=`, `^`, `~` or
 * bare requirement takes the new version with as many parts as it had. A range that no longer
 * matches cannot be guessed: that is an error naming it, before anything is written.
 */
export function updatedRequirement(requirement: string, version: string, where: string): string {
  const trimmed = requirement.trim();
  const satisfied = cargoSatisfies(trimmed, version);
  if (satisfied === undefined) throw new UserError(`${where}: "${requirement}" is not a Cargo version requirement.`, 'Write it as Cargo does (e.g. "1.2", "=4.2.0", ">=0.61, <2"), or drop `version` from the path dependency.', { input: 'files' });
  if (satisfied) return requirement;
  const comparators = parseComparators(trimmed)!;
  const only = comparators.length === 1 ? comparators[0]! : undefined;
  if (!only || !['', '^', '~', '='].includes(only.op) || only.version.includes('*')) {
    throw new UserError(
      `${where}: the requirement "${requirement}" does not match the new version ${version}, and relkit will not guess how to widen a range.`,
      `Widen the requirement so it matches ${version} (e.g. add ", <${semver.major(version) + 1}.0.0"), or make it a plain version.`,
      { input: 'files' },
    );
  }
  const parts = only.version.replace(/[-+].*$/, '').split('.').length;
  const next = parts >= 3 || semver.prerelease(version) ? version : version.split('.').slice(0, parts).join('.');
  return `${only.op}${next}`;
}
