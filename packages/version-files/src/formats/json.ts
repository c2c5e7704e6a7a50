import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { TreeNode } from '../key-path.js';
import { lineColumn, syntaxError, type SourceText } from '../source-file.js';

function toTree(source: SourceText, node: Node): TreeNode {
  switch (node.type) {
    case 'object':
      return {
        kind: 'map',
        entries: (node.children ?? []).flatMap((property): Array<[string, TreeNode]> => {
          const [key, value] = property.children ?? [];
          return key && value ? [[String(key.value), toTree(source, value)]] : [];
        }),
      };
    case 'array':
      return { kind: 'seq', items: (node.children ?? []).map((child) => toTree(source, child)) };
    case 'string':
      return {
        kind: 'scalar',
        value: node.value,
        span: { start: node.offset, end: node.offset + node.length, line: lineColumn(source.text, node.offset).line, render: (v) => JSON.stringify(v) },
      };
    default:
      return { kind: 'scalar', value: node.value, span: undefined };
  }
}

export function parseJsonTree(source: SourceText): TreeNode {
  const errors: ParseError[] = [];
  const root = parseTree(source.text, errors, { allowTrailingComma: false, disallowComments: !/\.jsonc$|tsconfig[^/]*\.json$/.test(source.path) });
  const error = errors[0];
  if (error || !root) {
    const { line, column } = lineColumn(source.text, error?.offset ?? 0);
    throw syntaxError(source.path, 'JSON', line, column, error ? printParseErrorCode(error.error) : 'empty document');
  }
  return toTree(source, root);
}
