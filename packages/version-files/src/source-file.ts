import { UserError } from '@relkit/kit';

/** A file's text with what must survive an edit byte for byte: the BOM and the line ending style. */
export interface SourceText {
  path: string;
  bom: boolean;
  text: string;
}

export function decodeSource(path: string, bytes: Buffer): SourceText {
  if (bytes.includes(0)) {
    throw new UserError(`${path} is a binary file.`, 'Remove it from `files`; only text files can be bumped.', { input: 'files' });
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { path, bom, text: bytes.toString('utf8', bom ? 3 : 0) };
}

export function encodeSource(source: SourceText, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return source.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

/** 1-based line and column of an offset. */
/** Offsets where each line starts, per text: every scalar of a 100-document manifest asks for its line. */
const lineStarts = new Map<string, number[]>();

function startsOf(text: string): number[] {
  let starts = lineStarts.get(text);
  if (!starts) {
    starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    // Texts come and go with the files of one run; a small memo is enough to make lookups O(log n).
    if (lineStarts.size > 64) lineStarts.clear();
    lineStarts.set(text, starts);
  }
  return starts;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const starts = startsOf(text);
  const at = Math.max(0, Math.min(offset, text.length));
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? Infinity) <= at) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: at - (starts[low] ?? 0) + 1 };
}

export function syntaxError(path: string, format: string, line: number, column: number, message: string): UserError {
  return new UserError(
    `${path}:${line}:${column}: not valid ${format}: ${message}`,
    `Fix the ${format} syntax at line ${line}, column ${column} (nothing was changed), or remove the file from \`files\`.`,
    { input: 'files' },
  );
}
