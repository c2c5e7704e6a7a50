import { escapeRegex, UserError } from '@relkit/kit';
import { existingKeysNear, formatKeyPath, resolveKeyPath, type TreeNode } from './key-path.js';
import { parseTomlSnippet } from './formats/toml.js';
import { at, ParsedFile } from './parsed-file.js';
import type { Selector } from './spec.js';
import { renderTemplate, VERSION_TOKEN, type TemplateVars } from './version.js';
import { matchChangelog } from './changelog.js';
import { updatedRequirement } from './cargo-requirement.js';
import { atLine, span, valueMatch, type Match } from './match-value.js';
import { matchImage, matchLinks, type MatchContext } from './match-refs.js';

export type { Match, MatchContext };

function matchWhole(file: ParsedFile, selector: Extract<Selector, { kind: 'whole' }>): Match[] {
  const { text } = file.source;
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  if (end <= start) return [];
  const current = text.slice(start, end);
  if (current.includes('\n')) {
    throw new UserError(
      `${file.source.path} has more than one line, so the whole file cannot be the version.`,
      'Name what to change, e.g. `PATH: regex /version: (.*)/`, `PATH: marker`, or a key path for YAML/JSON/TOML.',
      { input: 'files' },
    );
  }
  return [valueMatch(file, selector, { start, end }, current, () => 'whole file')];
}

/** cargo-release's placeholders in a replacement (https://github.com/crate-ci/cargo-release/blob/master/docs/reference.md#placeholders). */
function cargoPlaceholders(text: string, vars: TemplateVars, crate: string): string {
  const values: Record<string, string> = { version: vars.version, prev_version: vars.previous, date: vars.date, crate_name: crate, metadata: '', prev_metadata: '' };
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** A pre-release replacement: each match of the pattern, replaced as cargo-release would, within its occurrence bounds. */
function matchReplace(file: ParsedFile, selector: Extract<Selector, { kind: 'replace' }>): Match[] {
  const { text } = file.source;
  const found = [...text.matchAll(selector.pattern)];
  const bounds = selector.max === selector.min ? `exactly ${selector.min}` : `at least ${selector.min}${selector.max !== undefined ? ` and at most ${selector.max}` : ''}`;
  if (found.length > 0 && (found.length < selector.min || (selector.max !== undefined && found.length > selector.max))) {
    throw new UserError(
      `${file.source.path}: the pre-release replacement \`${selector.pattern.source}\` matches ${found.length} time(s), and release.toml asks for ${bounds}.`,
      'Fix the `search` regex (or min/max/exactly) in release.toml, or the file.',
      { input: 'files' },
    );
  }
  return found.map((m) => {
    const start = m.index;
    const end = start + m[0].length;
    return {
      selector,
      path: file.source.path,
      line: at(file, start),
      where: `line ${at(file, start)}`,
      current: m[0],
      edits: (vars: TemplateVars) => {
        if (!selector.prerelease && vars.prerelease !== '') return [];
        // Replacements may insert (a new changelog header): made again over their own output they would repeat.
        if (vars.previous === vars.version) return [];
        const filled = selector.placeholders === 'cargo' ? cargoPlaceholders(selector.replacement, vars, selector.crate) : renderTemplate(selector.replacement, vars);
        // $1 / ${1} / ${name} as the regex crate writes them; {{…}} as cargo-release fills them.
        const replacement = filled.replace(
          /\$(?:\{(\w+)\}|(\d+))/g,
          (_, name: string | undefined, digit: string | undefined) => (name !== undefined ? (/^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name]) : m[Number(digit)]) ?? '',
        );
        return replacement === m[0] ? [] : [{ start, end, replacement, by: selector.text }];
      },
    };
  });
}

/** Cargo requirements at a key path: each kept while it matches the new version, else updated in its own style. */
function matchRequirement(file: ParsedFile, selector: Extract<Selector, { kind: 'requirement' }>): Match[] {
  const matches: Match[] = [];
  for (const tree of file.structured()) {
    for (const found of resolveKeyPath(tree, selector.path)) {
      const { node } = found;
      if (node.kind !== 'scalar' || typeof node.value !== 'string' || !node.span) continue;
      const span = node.span;
      const current = node.value;
      const line = span.line ?? at(file, span.start);
      matches.push({
        selector,
        path: file.source.path,
        line,
        where: found.path,
        current,
        edits: (vars) => {
          const next = updatedRequirement(current, vars.version, `${file.source.path}: \`${found.path}\``, selector.policy);
          return next === current ? [] : [{ start: span.start, end: span.end, replacement: span.render ? span.render(next) : next, by: selector.text }];
        },
      });
    }
  }
  return matches;
}

function matchKey(file: ParsedFile, selector: Extract<Selector, { kind: 'key' }>): Match[] {
  const matches: Match[] = [];
  const trees = file.structured();
  const multi = trees.length > 1;
  trees.forEach((tree, doc) => {
    for (const found of resolveKeyPath(tree, selector.path)) {
      const where = multi ? `document ${doc + 1}: ${found.path}` : found.path;
      const { node } = found;
      if (node.kind !== 'scalar') {
        if (selector.optional) continue;
        throw new UserError(
          `${file.source.path}: \`${found.path}\` is a ${node.kind === 'map' ? 'table/map' : 'list'}, not a value.`,
          `Point the key path at the version value inside it, e.g. \`${found.path}.version\`.`,
          { input: 'files' },
        );
      }
      const span = node.span;
      if (!span) {
        if (selector.optional && typeof node.value !== 'string') continue;
        throw new UserError(
          `${file.source.path}: \`${found.path}\` is ${typeof node.value === 'string' ? 'a block or multi-line string' : `a ${node.value === null ? 'null' : typeof node.value}`}, which relkit does not rewrite in place.`,
          'Make it a single-line string (quoted or plain), or select it with `regex /…/` instead.',
          { input: 'files' },
        );
      }
      matches.push(valueMatch(file, selector, span, String(node.value), () => where));
    }
  });
  return matches;
}

function groupSpan(m: RegExpExecArray): { start: number; end: number; text: string } {
  const [start, end] = span(m, 'version') ?? span(m, 1) ?? span(m, 0) ?? [m.index, m.index + m[0].length];
  return { start, end, text: m.groups?.version ?? m[1] ?? m[0] };
}

function matchRegex(file: ParsedFile, selector: Extract<Selector, { kind: 'regex' }>): Match[] {
  const matches: Match[] = [];
  const { text } = file.source;
  const regex = new RegExp(selector.pattern.source, selector.pattern.flags);
  for (const m of text.matchAll(regex)) {
    if (m[0] === '') continue;
    const { start, end, text: current } = groupSpan(m);
    matches.push(valueMatch(file, selector, { start, end }, current, atLine));
  }
  return matches;
}

const LINE_MARKER = /x-release-please-version|relkit:version/;
const BLOCK_START = /x-release-please-start-version|relkit:start-version/;
const BLOCK_END = /x-release-please-end|relkit:end/;

function matchMarker(file: ParsedFile, selector: Extract<Selector, { kind: 'marker' }>): Match[] {
  const matches: Match[] = [];
  const { text } = file.source;
  let offset = 0;
  let inBlock = false;
  for (const line of text.split('\n')) {
    const marked = LINE_MARKER.test(line) || (inBlock && !BLOCK_END.test(line));
    if (BLOCK_START.test(line)) inBlock = true;
    else if (BLOCK_END.test(line)) inBlock = false;
    if (marked) {
      for (const m of line.matchAll(new RegExp(VERSION_TOKEN.source, 'g'))) {
        const start = offset + m.index;
        const end = start + m[0].length;
        const current = m[0];
        matches.push({
          selector,
          path: file.source.path,
          line: at(file, start),
          where: `line ${at(file, start)}`,
          current,
          edits: (vars) => {
            const value = selector.template === undefined ? vars.version : renderTemplate(selector.template, vars);
            return value === current ? [] : [{ start, end, replacement: value, by: selector.text }];
          },
        });
      }
    }
    offset += line.length + 1;
  }
  return matches;
}

function matchLiteral(file: ParsedFile, selector: Extract<Selector, { kind: 'literal' }>, context: MatchContext): Match[] {
  const matches: Match[] = [];
  const { text } = file.source;
  // `{previous}` is the version the files carry now (a hook's `sd "$PREV_VERSION" "$NEW_VERSION"`).
  if (selector.from.includes('{previous}') && context.previous === undefined) return matches;
  const from = selector.from.replaceAll('{previous}', context.previous ?? '');
  // A literal edit may span a key and its value, so it searches the whole text, YAML included.
  for (const m of text.matchAll(new RegExp(escapeRegex(from), 'g'))) {
    const start = m.index;
    matches.push({
      selector,
      path: file.source.path,
      line: at(file, start),
      where: `line ${at(file, start)}`,
      current: from,
      edits: (vars) => [{ start, end: start + from.length, replacement: renderTemplate(selector.to, vars), by: selector.text }],
    });
  }
  if (matches.length === 0 && !/\{[a-z-]+\}/.test(selector.to) && text.includes(selector.to)) {
    // Already applied by an earlier run: found, nothing to change.
    const start = text.indexOf(selector.to);
    matches.push({ selector, path: file.source.path, line: at(file, start), where: `line ${at(file, start)}`, current: selector.to, edits: () => [] });
  }
  return matches;
}

/** Dependency entries named after the given crates, in Cargo.toml or in ```toml blocks of Markdown. */
function matchCrate(file: ParsedFile, selector: Extract<Selector, { kind: 'crate' }>): Match[] {
  const trees: TreeNode[] = [];
  if (file.format === 'TOML') trees.push(...file.structured());
  else {
    const fence = /^([ \t]*)(```+|~~~+)[ \t]*toml[^\n]*\n([\s\S]*?)^\1\2[ \t]*$/gm;
    for (const m of file.source.text.matchAll(fence)) {
      const bodyStart = m.index + m[0].indexOf('\n') + 1;
      const tree = parseTomlSnippet(m[3] ?? '', bodyStart, at(file, bodyStart));
      if (tree) trees.push(tree);
    }
  }
  const names = new Set(selector.names);
  const matches: Match[] = [];
  const visit = (node: TreeNode, path: string[]): void => {
    if (node.kind !== 'map') return;
    for (const [key, value] of node.entries) {
      const inPackage = path.at(-1) === 'package' || path.at(-1) === 'workspace';
      let target: TreeNode | undefined;
      if (names.has(key) && !inPackage) target = value.kind === 'map' ? value.entries.find(([k]) => k === 'version')?.[1] : value;
      if (target?.kind === 'scalar' && typeof target.value === 'string' && target.span) {
        matches.push(valueMatch(file, selector, target.span, target.value, (line) => `${key} (line ${line})`));
      } else visit(value, [...path, key]);
    }
  };
  for (const tree of trees) visit(tree, []);
  return matches;
}

/** Why a selector found nothing, with what the files do contain where that helps. */
export function noMatchError(selector: Selector, files: ParsedFile[], pattern: string): UserError {
  const [only] = files;
  const where = files.length === 1 && only ? only.source.path : `${files.length} files matching ${pattern}`;
  if (selector.kind === 'key' || selector.kind === 'requirement') {
    const near = new Set(files.slice(0, 5).flatMap((f) => f.structured().flatMap((t) => existingKeysNear(t, selector.path))));
    return new UserError(
      `${where}: the key path \`${formatKeyPath(selector.path)}\` matches nothing.${near.size ? ` Keys there: ${[...near].slice(0, 12).join(', ')}.` : ''}`,
      'Correct the key path in `files`, or add `?` after it (`version?`) if the key may be absent.',
      { input: 'files' },
    );
  }
  const hint: Record<Exclude<Selector['kind'], 'key' | 'requirement'>, string> = {
    replace: 'The `search` regex of a pre-release replacement in release.toml matches nothing in this file (release.toml asks for at least `min`, default 1).',
    whole: 'The file is empty; write the current version into it first.',
    image: 'Check the repository name (no tag), e.g. `image quay.io/metallb/speaker`; only references with a tag are changed.',
    regex: 'Check the pattern against the file; the version is group 1 or the group named `version`.',
    marker: 'Add `x-release-please-version` (or `relkit:version`) at the end of the lines that carry the version.',
    literal: 'Check the text to replace, character for character (it is case-sensitive).',
    links: 'Only links that point at a version (…/blob/vX.Y.Z/…, ?ref=vX.Y.Z) of the current release are changed.',
    crate: 'Check the crate names; dependency entries with a `version` are changed.',
    changelog: 'Start the newest section with an "Unreleased" heading.',
  };
  return new UserError(`${where}: \`${selector.text}\` matches nothing.`, `${hint[selector.kind]} Or add \`?\` to make it optional.`, { input: 'files' });
}

export function matchSelector(file: ParsedFile, selector: Selector, context: MatchContext): Match[] {
  switch (selector.kind) {
    case 'whole':
      return matchWhole(file, selector);
    case 'key':
      return matchKey(file, selector);
    case 'image':
      return matchImage(file, selector, context);
    case 'regex':
      return matchRegex(file, selector);
    case 'marker':
      return matchMarker(file, selector);
    case 'literal':
      return matchLiteral(file, selector, context);
    case 'links':
      return matchLinks(file, selector, context);
    case 'crate':
      return matchCrate(file, selector);
    case 'changelog':
      return matchChangelog(file.source, selector);
    case 'requirement':
      return matchRequirement(file, selector);
    case 'replace':
      return matchReplace(file, selector);
  }
}
