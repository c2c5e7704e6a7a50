import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import type { ScalarSpan, TreeNode } from '../key-path.js';
import { syntaxError, type SourceText } from '../source-file.js';

type MapNode = Extract<TreeNode, { kind: 'map' }>;

function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === 'TOMLBare' ? key.name : key.value;
}

function stringSpan(value: AST.TOMLStringValue): ScalarSpan | undefined {
  if (value.multiline) return undefined;
  const [start, end] = value.range;
  const line = value.loc.start.line;
  if (value.style === 'literal') return { start, end, line, render: (v) => (/['\n\r]/.test(v) ? JSON.stringify(v) : `'${v}'`) };
  return { start, end, line, render: (v) => JSON.stringify(v) };
}

function valueNode(node: AST.TOMLContentNode): TreeNode {
  switch (node.type) {
    case 'TOMLInlineTable': {
      const map: MapNode = { kind: 'map', entries: [] };
      for (const kv of node.body) assign(map, kv.key.keys.map(keyName), valueNode(kv.value));
      return map;
    }
    case 'TOMLArray':
      return { kind: 'seq', items: node.elements.map(valueNode) };
    default:
      return { kind: 'scalar', value: node.value, span: node.kind === 'string' ? stringSpan(node) : undefined };
  }
}

function childMap(map: MapNode, key: string): MapNode {
  const existing = map.entries.find(([k]) => k === key)?.[1];
  if (existing?.kind === 'map') return existing;
  const created: MapNode = { kind: 'map', entries: [] };
  map.entries.push([key, created]);
  return created;
}

function assign(map: MapNode, keys: string[], value: TreeNode): void {
  let target = map;
  const last = keys.at(-1);
  if (last === undefined) return;
  for (const key of keys.slice(0, -1)) target = childMap(target, key);
  target.entries.push([last, value]);
}

/** Navigates a table header path; `[[bin]]` arrays of tables appear as numbered steps. */
function tableAt(root: MapNode, path: Array<string | number>): MapNode {
  let current: TreeNode = root;
  for (const [n, step] of path.entries()) {
    if (typeof step === 'number') {
      if (current.kind !== 'seq') return { kind: 'map', entries: [] };
      let item: TreeNode | undefined = current.items[step];
      while (item === undefined) {
        item = { kind: 'map', entries: [] };
        current.items.push(item);
        item = current.items[step];
      }
      current = item;
    } else {
      if (current.kind !== 'map') return { kind: 'map', entries: [] };
      const existing: TreeNode | undefined = current.entries.find(([k]) => k === step)?.[1];
      if (existing) current = existing;
      else {
        const next = path[n + 1];
        const created: TreeNode = typeof next === 'number' ? { kind: 'seq', items: [] } : { kind: 'map', entries: [] };
        current.entries.push([step, created]);
        current = created;
      }
    }
  }
  return current.kind === 'map' ? current : { kind: 'map', entries: [] };
}

export function parseTomlTree(source: SourceText): TreeNode {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(source.text);
  } catch (error) {
    const e = error as { message: string; lineNumber?: number; column?: number };
    throw syntaxError(source.path, 'TOML', e.lineNumber ?? 1, (e.column ?? 0) + 1, e.message);
  }
  const root: MapNode = { kind: 'map', entries: [] };
  for (const item of ast.body[0]?.body ?? []) {
    if (item.type === 'TOMLKeyValue') {
      assign(root, item.key.keys.map(keyName), valueNode(item.value));
      continue;
    }
    const table = tableAt(root, item.resolvedKey);
    for (const kv of item.body) assign(table, kv.key.keys.map(keyName), valueNode(kv.value));
  }
  return root;
}

/** The spans of string values inside a TOML snippet, offset into the enclosing text (Markdown code blocks). */
export function parseTomlSnippet(text: string, offset: number, line: number): TreeNode | undefined {
  try {
    const tree = parseTomlTree({ path: '', bom: false, text });
    shiftSpans(tree, offset, line - 1);
    return tree;
  } catch {
    return undefined;
  }
}

function shiftSpans(node: TreeNode, offset: number, lines: number): void {
  if (node.kind === 'map') for (const [, v] of node.entries) shiftSpans(v, offset, lines);
  else if (node.kind === 'seq') for (const v of node.items) shiftSpans(v, offset, lines);
  else if (node.span) node.span = { ...node.span, start: node.span.start + offset, end: node.span.end + offset, line: node.span.line + lines };
}
