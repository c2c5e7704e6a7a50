import { UserError } from '@relkit/kit';
import { parseJsonTree } from './formats/json.js';
import { parseTomlTree } from './formats/toml.js';
import { parseYamlDocuments, parseYamlTrees, yamlScalarRanges } from './formats/yaml.js';
import type { TreeNode } from './key-path.js';
import { lineColumn, type SourceText } from './source-file.js';

export type Format = 'YAML' | 'JSON' | 'TOML' | 'text';

export function formatOf(path: string): Format {
  if (/\.ya?ml$/i.test(path)) return 'YAML';
  if (/\.json5?$|\.jsonc$/i.test(path)) return 'JSON';
  if (/\.toml$/i.test(path) || /(^|\/)(Cargo\.lock|Pipfile)$/.test(path)) return 'TOML';
  return 'text';
}

/** Parsed views of one file, computed at most once however many selectors look at it. */
export class ParsedFile {
  private trees: TreeNode[] | undefined;
  private ranges: Array<{ start: number; end: number }> | undefined;

  constructor(
    readonly source: SourceText,
    readonly format: Format = formatOf(source.path),
  ) {}

  structured(): TreeNode[] {
    if (!this.trees) {
      switch (this.format) {
        case 'YAML':
          this.trees = parseYamlTrees(this.source, parseYamlDocuments(this.source));
          break;
        case 'JSON':
          this.trees = [parseJsonTree(this.source)];
          break;
        case 'TOML':
          this.trees = [parseTomlTree(this.source)];
          break;
        default:
          throw new UserError(
            `${this.source.path} is not YAML, JSON or TOML, so key paths cannot be used on it.`,
            'Use `regex /…(version)…/`, `marker` or `image` for this file, or rename it with a .yaml/.json/.toml extension.',
            { input: 'files' },
          );
      }
    }
    return this.trees;
  }

  /** Where text selectors may look: scalars in YAML (never comments), the whole text elsewhere. */
  searchRanges(): Array<{ start: number; end: number }> {
    if (!this.ranges) this.ranges = this.format === 'YAML' ? yamlScalarRanges(this.source) : [{ start: 0, end: this.source.text.length }];
    return this.ranges;
  }
}

export function at(file: ParsedFile, offset: number): number {
  return lineColumn(file.source.text, offset).line;
}

/**
 * Matches of a global regex that lie wholly inside one of the file's searchable ranges; offsets in
 * the result are file offsets. One pass over the text, each match placed by binary search: a
 * manifest has thousands of tiny scalar ranges, and a regex per range cost more than the parse.
 */
export function* scan(file: ParsedFile, pattern: RegExp): Generator<{ match: RegExpExecArray; offset: number }> {
  const { text } = file.source;
  const regex = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  let ranges: Array<{ start: number; end: number }> | undefined;
  for (const match of text.matchAll(regex)) {
    const start = match.index;
    const end = start + match[0].length;
    // A comment runs from a `#` to the end of its line: with no `#` before it on its line, a match is
    // not in one. Only the other matches need the file lexed (a `#` in a quoted or block scalar).
    if (file.format !== 'YAML' || text.lastIndexOf('#', start) < text.lastIndexOf('\n', start)) {
      yield { match: match, offset: 0 };
      continue;
    }
    ranges ??= file.searchRanges();
    let low = 0;
    let high = ranges.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((ranges[mid]?.start ?? Infinity) <= start) low = mid;
      else high = mid - 1;
    }
    const range = ranges[low];
    if (range && range.start <= start && end <= range.end) yield { match: match, offset: 0 };
  }
}
