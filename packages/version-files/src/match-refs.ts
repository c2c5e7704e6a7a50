import { escapeRegex } from '@relkit/kit';
import { atLine, span, valueMatch, type Match } from './match-value.js';
import { at, scan, type ParsedFile } from './parsed-file.js';
import type { Selector } from './spec.js';
import { nextValue, VERSION_TOKEN } from './version.js';

const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '@sha256:[0-9a-f]{64}';

/** What a bump knows while matching: the version the files carry now, and the one it writes. */
export interface MatchContext {
  previous: string | undefined;
  next: { version: string; major: number; minor: number; patch: number } | undefined;
}

/**
 * Whether a reference (tag or link ref) moves under a `from BRANCH on x.y.0` clause: on an x.y.0
 * release only the branch; on x.y.z the previous release, which is x.y.(z-1) whatever the files
 * say (MetalLB 0.14.1 followed a 0.14.0 whose chart still read 0.0.0). The new version always
 * matches, so a re-run finds what the first run wrote.
 */
function refMoves(ref: string, branch: string | undefined, context: MatchContext): boolean {
  const { next, previous } = context;
  if (ref === branch) return next === undefined || next.patch === 0;
  const token = VERSION_TOKEN.exec(ref)?.[0];
  if (token === undefined) return false;
  if (next === undefined) return true;
  if (token === next.version) return true;
  if (next.patch === 0) return false;
  return token === previous || token === `${next.major}.${next.minor}.${next.patch - 1}`;
}

export function matchImage(file: ParsedFile, selector: Extract<Selector, { kind: 'image' }>, context: MatchContext): Match[] {
  const matches: Match[] = [];
  const names = selector.rename ? [...selector.repositories, selector.rename] : selector.repositories;
  for (const repository of names) {
    const pattern = new RegExp(`(?<![\\w./-])${escapeRegex(repository)}:(${TAG})(${DIGEST})?(?![\\w.-])`, 'gd');
    for (const { match: m, offset } of scan(file, pattern)) {
      const tag = m[1] ?? '';
      if (selector.branch !== undefined && !refMoves(tag, selector.branch, context)) continue;
      const start = offset + m.index;
      const end = start + m[0].length;
      matches.push({
        selector,
        path: file.source.path,
        line: at(file, start),
        where: `${repository}:${tag}`,
        current: tag,
        edits: (vars) => {
          // A digest pins the old image; keeping it would make the new tag a lie.
          const replacement = `${selector.rename ?? repository}:${nextValue(tag, selector.template, vars, '{tag}')}`;
          return replacement === m[0] ? [] : [{ start, end, replacement, by: selector.text, withinScalar: true }];
        },
      });
    }
  }
  return matches;
}

const VERSION_REF = 'v?\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?';

export function matchLinks(file: ParsedFile, selector: Extract<Selector, { kind: 'links' }>, context: MatchContext): Match[] {
  const repo = escapeRegex(selector.repository);
  const ref = selector.branch === undefined ? VERSION_REF : `${VERSION_REF}|${escapeRegex(selector.branch)}`;
  const patterns = [
    `github\\.com/${repo}/(?:blob|tree|releases/tag|releases/download)/(${ref})(?=[/)\\s"'#>\\]]|$)`,
    `raw\\.githubusercontent\\.com/${repo}/(${ref})(?=/)`,
    // A branch moves in links that carry it in their path; `?ref=` (kustomize) follows versions only.
    `github\\.com/${repo}(?:/[^\\s?#)"'\\]]*)?\\?ref=(${VERSION_REF})(?![\\w.-])`,
  ];
  const matches: Match[] = [];
  for (const source of patterns) {
    for (const { match: m, offset } of scan(file, new RegExp(source, 'gid'))) {
      const group = span(m, 1);
      if (!group) continue;
      const start = offset + group[0];
      const end = offset + group[1];
      const current = m[1] ?? '';
      // Links to older releases (changelogs, upgrade notes) are history and stay as they are.
      if (selector.branch !== undefined ? !refMoves(current, selector.branch, context) : context.previous !== undefined && VERSION_TOKEN.exec(current)?.[0] !== context.previous) continue;
      matches.push(valueMatch(file, selector, { start, end, withinScalar: true }, current, atLine, '{tag}'));
    }
  }
  return matches.sort((a, b) => a.line - b.line);
}
