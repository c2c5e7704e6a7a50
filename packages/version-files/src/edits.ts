import { UserError } from '@relkit/kit';
import { lineColumn } from './source-file.js';

/** Replace `text.slice(start, end)` with `replacement`. Offsets are into the decoded text (no BOM). */
export interface Edit {
  start: number;
  end: number;
  replacement: string;
  /** The selector that asked for it, for conflict messages. */
  by: string;
  /** Found inside a YAML scalar (an image reference, a link), so inert text written there keeps the structure. */
  withinScalar?: boolean;
}

/**
 * Applies non-overlapping edits. Two selectors asking for the same change (an anchor and its alias,
 * say) is fine; two asking for different changes to the same bytes is an error, not a coin toss.
 */
export function applyEdits(path: string, text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const unique: Edit[] = [];
  for (const edit of sorted) {
    const last = unique.at(-1);
    if (last && last.start === edit.start && last.end === edit.end && last.replacement === edit.replacement) continue;
    if (last && edit.start < last.end) {
      const { line } = lineColumn(text, edit.start);
      throw new UserError(
        `${path} line ${line}: \`${last.by}\` and \`${edit.by}\` both change the same text, differently.`,
        'Remove one of the two selectors from `files` (or the preset you combined with it).',
        { input: 'files' },
      );
    }
    unique.push(edit);
  }
  let result = '';
  let cursor = 0;
  for (const edit of unique) {
    result += text.slice(cursor, edit.start) + edit.replacement;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}
