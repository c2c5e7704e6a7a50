import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, parse as parseYamlValue, visit, type Document, type Node, type Scalar } from 'yaml';
import type { ScalarSpan, TreeNode } from '../key-path.js';
import { lineColumn, syntaxError, type SourceText } from '../source-file.js';

export function parseYamlDocuments(source: SourceText): Document[] {
  const parsed = parseAllDocuments(source.text, { uniqueKeys: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const { line, column } = lineColumn(source.text, error.pos[0]);
      throw syntaxError(source.path, 'YAML', line, column, error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
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

/** Every string scalar's source range, so text selectors touch values and never comments. */
export function yamlScalarRanges(source: SourceText, docs: Document[] = parseYamlDocuments(source)): Array<{ start: number; end: number }> {
  const ranges: Array<{ start: number; end: number }> = [];
  for (const doc of docs) {
    visit(doc, {
      Scalar(_key, node: Node) {
        if (isScalar(node) && typeof node.value === 'string' && node.range) ranges.push({ start: node.range[0], end: node.range[1] });
      },
    });
  }
  return ranges;
}
