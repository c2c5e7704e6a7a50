import type { Edit } from './edits.js';
import { at, type ParsedFile } from './parsed-file.js';
import type { Selector } from './spec.js';
import { nextValue, type TemplateVars } from './version.js';

/** One place a selector found: what is there now, and how to change it once the version is known. */
export interface Match {
  selector: Selector;
  path: string;
  line: number;
  /** A readable location: `appVersion`, `dependencies[0].version`, `line 12`. */
  where: string;
  current: string;
  edits(vars: TemplateVars): Edit[];
}

export type ValueSelector = Extract<Selector, { template: string | undefined }>;

/**
 * A match whose edit replaces one span with the next value: the template if the selector has one,
 * else the current value with its version token swapped (`fallback` when it has none).
 */
export function valueMatch(
  file: ParsedFile,
  selector: ValueSelector,
  span: { start: number; end: number; line?: number; render?: (value: string) => string; withinScalar?: boolean },
  current: string,
  where: (line: number) => string,
  fallback = '{version}',
): Match {
  const line = span.line ?? at(file, span.start);
  return {
    selector,
    path: file.source.path,
    line,
    where: where(line),
    current,
    edits: (vars) => {
      const value = nextValue(current, selector.template, vars, fallback);
      return value === current
        ? []
        : [{ start: span.start, end: span.end, replacement: span.render ? span.render(value) : value, by: selector.text, ...(span.withinScalar ? { withinScalar: true } : {}) }];
    },
  };
}

export const atLine = (line: number) => `line ${line}`;

/** Where a group matched; every regex here is built with the `d` flag, so `indices` is there. */
export function span(m: RegExpExecArray, group: number | 'version'): [number, number] | undefined {
  return typeof group === 'number' ? m.indices?.[group] : m.indices?.groups?.[group];
}
