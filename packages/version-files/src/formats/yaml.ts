import { isAlias, isMap, isPair, isScalar, isSeq, Lexer, parseAllDocuments, parse as parseYamlValue, type Document, type Scalar } from 'yaml';
import type { ScalarSpan, TreeNode } from '../key-path.js';
import { lineColumn, syntaxError, type SourceText } from '../source-file.js';

export function parseYamlDocuments(source: SourceText): Document[] {
  const parsed = parseAllDocuments(source.text, { uniqueKeys: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const { line, column } = lineColumn(source.text, error.pos[0]);
      throw syntaxError(source.path, 'YAML', line, column, (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''));
    }
  }
  return docs;
}

/** A plain scalar stays plain unless the new text would read back as something else (a number, a map). */
function renderPlain(original: unknown, value: string): string {
  try {
    const back: unknown = parseYamlValue(value);
    if (back === value || (typeof original !== 'string' && typeof back === typeof original)) return value;
  } catch {
    // falls through to quoting
  }
  return JSON.stringify(value);
}

function spanOf(source: SourceText, scalar: Scalar): ScalarSpan | undefined {
  const range = scalar.range;
  if (!range) return undefined;
  const [start, end] = range;
  const line = lineColumn(source.text, start).line;
  switch (scalar.type) {
    case 'PLAIN':
      return { start, end, line, render: (v) => renderPlain(scalar.value, v) };
    case 'QUOTE_DOUBLE':
      return { start, end, line, render: (v) => JSON.stringify(v) };
    case 'QUOTE_SINGLE':
      return { start, end, line, render: (v) => `'${v.replace(/'/g, "''")}'` };
    default:
      return undefined;
  }
}

function toTree(source: SourceText, doc: Document, node: unknown, seen: Set<unknown>): TreeNode {
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target || seen.has(target)) return { kind: 'scalar', value: null, span: undefined };
    return toTree(source, doc, target, new Set([...seen, target]));
  }
  if (isMap(node)) {
    const entries: Array<[string, TreeNode]> = [];
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      if (pair.key.value === '<<') {
        // Merge keys: the merged map's entries come after the explicit ones, as YAML resolves them.
        const merged = toTree(source, doc, pair.value, seen);
        if (merged.kind === 'map') entries.push(...merged.entries);
        continue;
      }
      entries.push([String(pair.key.value), toTree(source, doc, pair.value, seen)]);
    }
    return { kind: 'map', entries };
  }
  if (isSeq(node)) return { kind: 'seq', items: node.items.map((item) => toTree(source, doc, item, seen)) };
  if (isScalar(node)) return { kind: 'scalar', value: node.value, span: spanOf(source, node) };
  return { kind: 'scalar', value: null, span: undefined };
}

/** One tree per document in the stream. */
export function parseYamlTrees(source: SourceText, docs: Document[] = parseYamlDocuments(source)): TreeNode[] {
  return docs.map((doc) => toTree(source, doc, doc.contents, new Set()));
}

const ZERO_WIDTH = new Set(['\x02', '\x18', '\x1f']);

/**
 * Every scalar's source range (keys and values, quotes included; block scalars' content), so text
 * selectors touch values and never comments. The lexer alone says this, at a fifth of the cost of
 * a full parse; a file a key path reads is parsed (and checked) in full anyway.
 */
export function yamlScalarRanges(source: SourceText): Array<{ start: number; end: number }> {
  const ranges: Array<{ start: number; end: number }> = [];
  let offset = 0;
  let scalarNext = false;
  for (const token of new Lexer().lex(source.text)) {
    // The lexer's mode markers (document, flow end, "a scalar follows") are not source text.
    if (ZERO_WIDTH.has(token)) {
      scalarNext = token === '\x1f';
      continue;
    }
    // A quoted scalar is one token, opening with its quote; no other token starts with one.
    if (scalarNext || token[0] === '"' || token[0] === "'") ranges.push({ start: offset, end: offset + token.length });
    scalarNext = false;
    offset += token.length;
  }
  return ranges;
}
