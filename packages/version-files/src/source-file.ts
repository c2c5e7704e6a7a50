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
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function syntaxError(path: string, format: string, line: number, column: number, message: string): UserError {
  return new UserError(
    `${path}:${line}:${column}: not valid ${format}: ${message}`,
    `Fix the ${format} syntax at line ${line}, column ${column} (nothing was changed), or remove the file from \`files\`.`,
    { input: 'files' },
  );
}
