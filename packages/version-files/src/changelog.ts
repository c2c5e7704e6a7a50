import { escapeRegex, UserError } from '@relkit/kit';
import type { Match } from './match.js';
import { lineColumn, type SourceText } from './source-file.js';
import type { Selector } from './spec.js';
import { nextValue, renderTemplate, type TemplateVars } from './version.js';

const NEXT_HEADER = '<!-- next-header -->';
const UNRELEASED_HEADING = /^(#{1,6}\s*)?\[?unreleased\]?/i;

/**
 * The cargo-release / Keep a Changelog convention: the "Unreleased" section under
 * `<!-- next-header -->` becomes the release's section (heading renamed, body kept) and a fresh
 * Unreleased section, whose compare link starts at the new version, is put above it.
 */
export function matchChangelog(source: SourceText, selector: Extract<Selector, { kind: 'changelog' }>): Match[] {
  const { text } = source;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  const markerIndex = lines.findIndex((l) => l.includes(NEXT_HEADER));
  const headingIndex = markerIndex >= 0 ? markerIndex + 1 : lines.findIndex((l) => UNRELEASED_HEADING.test(l.trim()));
  const heading = lines[headingIndex];
  if (headingIndex < 0 || heading === undefined || !UNRELEASED_HEADING.test(heading.trim())) {
    if (selector.optional) return [];
    throw new UserError(
      `${source.path} has no "Unreleased" section${markerIndex >= 0 ? ` right under ${NEXT_HEADER}` : ` and no ${NEXT_HEADER} marker`}.`,
      `Start the changelog's newest section with a line "Unreleased" (or "## [Unreleased]"), optionally under ${NEXT_HEADER}.`,
      { input: 'files' },
    );
  }
  let blockEnd = headingIndex;
  while (blockEnd < lines.length && (lines[blockEnd] ?? '').trim() !== '') blockEnd++;
  const block = lines.slice(headingIndex, blockEnd);
  const atx = /^(#{1,6})\s/.exec(heading);
  const template = selector.template ?? (atx ? `${atx[1]} [{version}] - {date}` : '{version} / {date}');
  const start = lines.slice(0, headingIndex).reduce((n, l) => n + l.length + eol.length, 0);
  const end = start + block.join(eol).length;
  const line = lineColumn(text, start).line;

  const released = (vars: TemplateVars): RegExp => {
    const [before, after] = renderTemplate(template, { ...vars, date: '\u0000' }).split('\u0000') as [string, string | undefined];
    return new RegExp(`^${escapeRegex(before)}${after === undefined ? '' : `.*${escapeRegex(after)}`}\\s*$`, 'm');
  };
  return [
    {
      selector,
      path: source.path,
      line,
      where: `section "${heading.trim()}" (line ${line})`,
      current: heading.trim(),
      edits: (vars) => {
        // Re-run safety: the release's heading is already there, so the section was already cut.
        if (released(vars).test(text)) return [];
        const fresh = block.map((l) => l.replace(/(compare\/)([^\s)/]+?)(\.\.\.)/g, (_all, pre: string, base: string, dots: string) => `${pre}${nextValue(base, undefined, vars, '{tag}')}${dots}`));
        const renamed = [renderTemplate(template, vars), ...block.slice(1)];
        return [{ start, end, replacement: [...fresh, '', ...renamed].join(eol), by: selector.text }];
      },
    },
  ];
}
