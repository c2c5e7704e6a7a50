import semver, { type SemVer } from 'semver';
import { fillPlaceholders, unknownPlaceholders, UserError } from '@relkit/kit';

export const BUMPS = ['major', 'minor', 'patch', 'premajor', 'preminor', 'prepatch', 'prerelease'] as const;
export type Bump = (typeof BUMPS)[number];

/** A semver core with optional pre-release and build, as found inside `v1.2.3`, `=1.2.3` or `chart-1.2.3-rc.1`. */
export const VERSION_TOKEN = /(?<![\d.])\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?![\d])/;

/** Parses `1.2.3`, `v1.2.3` or `1.2.3-rc.1`; anything looser is refused rather than guessed. */
export function parseVersion(value: string): SemVer | undefined {
  const trimmed = value.trim().replace(/^v(?=\d)/, '');
  return semver.valid(trimmed) ? new semver.SemVer(trimmed) : undefined;
}

/** The first semver inside a value such as `v0.16.0`, `=4.0.0` or `"4.0.0"`. */
export function findVersion(value: string): SemVer | undefined {
  const match = VERSION_TOKEN.exec(value);
  return match ? parseVersion(match[0]) : undefined;
}

export interface VersionRequest {
  version?: string | undefined;
  bump?: Bump | undefined;
  preid?: string | undefined;
  current?: SemVer | undefined;
  currentSource?: string | undefined;
  allowDowngrade: boolean;
}

export interface VersionDecision {
  next: SemVer;
  previous: SemVer | undefined;
  /** True when the next version equals the current one: nothing to bump. */
  same: boolean;
}

export function decideVersion(request: VersionRequest): VersionDecision {
  const { current } = request;
  let next: SemVer;
  if (request.version !== undefined) {
    // semver drops build metadata (`+build`) when it parses, so 1.2.3+build would silently release 1.2.3.
    if (/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\+/.test(request.version.trim())) {
      throw new UserError(
        `Input \`version\` is "${request.version}", which carries build metadata (the part after \`+\`) that semver ignores and tags should not hold.`,
        `Set \`version\` to ${request.version.trim().replace(/\+.*$/, '')} (or a pre-release such as ${request.version.trim().replace(/\+.*$/, '')}-rc.1).`,
        { input: 'version' },
      );
    }
    const parsed = parseVersion(request.version);
    if (!parsed) {
      throw new UserError(`Input \`version\` is "${request.version}", which is not a semantic version.`, 'Set `version` to X.Y.Z, vX.Y.Z or a pre-release such as 1.2.0-rc.1.', { input: 'version' });
    }
    next = parsed;
  } else if (request.bump !== undefined) {
    if (!current) {
      throw new UserError(
        `Input \`bump\` is "${request.bump}", but no current version was found to bump from${request.currentSource ? ` (looked in ${request.currentSource})` : ''}.`,
        'Set `current-version-from` to a file spec (e.g. `VERSION`) or `tag`, or give the new version in `version` instead of `bump`.',
        { input: 'bump' },
      );
    }
    const bumped = request.preid ? semver.inc(current.version, request.bump, request.preid) : semver.inc(current.version, request.bump);
    if (!bumped) throw new UserError(`Cannot apply \`bump: ${request.bump}\` to ${current.version}.`, 'Give the new version in `version`.', { input: 'bump' });
    next = new semver.SemVer(bumped);
  } else {
    throw new UserError('Neither `version` nor `bump` was given.', 'Set `version` (e.g. 1.4.0) or `bump` (major, minor, patch, premajor, preminor, prepatch or prerelease).', { input: 'version' });
  }
  if (current && semver.lt(next, current) && !request.allowDowngrade) {
    throw new UserError(
      `The new version ${next.version} is lower than the current version ${current.version}${request.currentSource ? ` (from ${request.currentSource})` : ''}.`,
      'Give a higher version, or set `allow-downgrade: true` if going back is intended.',
      { input: request.version !== undefined ? 'version' : 'bump' },
    );
  }
  return { next, previous: current, same: current !== undefined && semver.eq(next, current) };
}

// A type, not an interface, so it reads as the Record of strings that fillPlaceholders takes.
export type TemplateVars = {
  version: string;
  major: string;
  minor: string;
  patch: string;
  prerelease: string;
  tag: string;
  previous: string;
  'previous-tag': string;
  date: string;
};

export function templateVars(next: SemVer, options: { tagPrefix: string; previous?: SemVer | undefined; date: string }): TemplateVars {
  return {
    version: next.version,
    major: String(next.major),
    minor: String(next.minor),
    patch: String(next.patch),
    prerelease: next.prerelease.join('.'),
    tag: `${options.tagPrefix}${next.version}`,
    previous: options.previous?.version ?? '',
    'previous-tag': options.previous ? `${options.tagPrefix}${options.previous.version}` : '',
    date: options.date,
  };
}

/** Throws on an unknown placeholder, so a typo like `{verison}` is caught before any file is read. */
export function checkTemplate(template: string, where: string): void {
  const [unknown] = unknownPlaceholders(template, Object.keys(PLACEHOLDER_NAMES));
  if (unknown !== undefined) {
    throw new UserError(
      `${where}: the template "${template}" uses an unknown placeholder {${unknown}}.`,
      `Use ${Object.keys(PLACEHOLDER_NAMES)
        .map((n) => `{${n}}`)
        .join(', ')}.`,
      { input: 'files' },
    );
  }
}

const PLACEHOLDER_NAMES: Record<keyof TemplateVars, true> = {
  version: true,
  major: true,
  minor: true,
  patch: true,
  prerelease: true,
  tag: true,
  previous: true,
  'previous-tag': true,
  date: true,
};

export function renderTemplate(template: string, vars: TemplateVars): string {
  return fillPlaceholders(template, vars);
}

/**
 * The value a selector writes when the spec gives no template: the version token inside the current
 * value is replaced and its surroundings kept (`v0.16.0` → `v0.16.1`, `=4.0.0` → `=4.2.0`); a value
 * without a version token (`main-dev`) becomes `fallback`.
 */
export function nextValue(current: string, template: string | undefined, vars: TemplateVars, fallback: string): string {
  if (template !== undefined) return renderTemplate(template, vars);
  const match = VERSION_TOKEN.exec(current);
  if (!match) return renderTemplate(fallback, vars);
  return current.slice(0, match.index) + vars.version + current.slice(match.index + match[0].length);
}
