import { UserError } from '@relkit/kit';

/**
 * One step of a key path such as `dependencies[name=crds].version` or
 * `workspace.dependencies.*[path].version`.
 */
export type KeyStep = { type: 'key'; name: string } | { type: 'any' } | { type: 'index'; index: number } | { type: 'filter'; key: string; value: string | undefined };

/** A parsed document node, the same shape for YAML, JSON and TOML. */
export type TreeNode = { kind: 'map'; entries: Array<[string, TreeNode]> } | { kind: 'seq'; items: TreeNode[] } | { kind: 'scalar'; value: unknown; span: ScalarSpan | undefined };

/** Where a scalar sits in the source and how to write a new string value in the same style. */
export interface ScalarSpan {
  start: number;
  end: number;
  line: number;
  render(value: string): string;
}

export function parseKeyPath(text: string, where: string): KeyStep[] {
  const steps: KeyStep[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new UserError(
      `${where}: the key path "${text}" ${why}.`,
      'Write key paths as dotted keys with optional filters, e.g. `version`, `dependencies[name=crds].version`, `workspace.dependencies.*[path].version` or `metadata.annotations["example.com/version"]`.',
      { input: 'files' },
    );
  };
  const readQuoted = (): string => {
    const quote = text[i];
    let value = '';
    i++;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\' && quote === '"') i++;
      value += text[i] ?? '';
      i++;
    }
    if (text[i] !== quote) fail('has an unclosed quote');
    i++;
    return value;
  };
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '.') {
      if (i === 0 || text[i + 1] === undefined || text[i + 1] === '.') fail('has an empty key');
      i++;
      continue;
    }
    if (c === '[') {
      i++;
      if (text[i] === '"' || text[i] === "'") {
        steps.push({ type: 'key', name: readQuoted() });
      } else {
        const close = text.indexOf(']', i);
        if (close < 0) fail('has an unclosed [');
        const inner = text.slice(i, close).trim();
        i = close;
        if (/^\d+$/.test(inner)) steps.push({ type: 'index', index: Number(inner) });
        else {
          const eq = inner.indexOf('=');
          const key = (eq < 0 ? inner : inner.slice(0, eq)).trim();
          if (!key) fail('has an empty filter []');
          const raw = eq < 0 ? undefined : inner.slice(eq + 1).trim();
          steps.push({ type: 'filter', key, value: raw?.replace(/^(["'])(.*)\1$/, '$2') });
        }
      }
      if (text[i] !== ']') fail('has an unclosed [');
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      steps.push({ type: 'key', name: readQuoted() });
      continue;
    }
    let name = '';
    while (i < text.length && !'.[]"\''.includes(text[i] ?? '')) name += text[i++];
    name = name.trim();
    if (!name) fail('has an empty key');
    steps.push(name === '*' ? { type: 'any' } : { type: 'key', name });
  }
  if (steps.length === 0) fail('is empty');
  return steps;
}

export function formatKeyPath(steps: KeyStep[]): string {
  return steps
    .map((s, n) => {
      switch (s.type) {
        case 'key':
          return /^[\w-]+$/.test(s.name) ? `${n === 0 ? '' : '.'}${s.name}` : `[${JSON.stringify(s.name)}]`;
        case 'any':
          return `${n === 0 ? '' : '.'}*`;
        case 'index':
          return `[${s.index}]`;
        case 'filter':
          return s.value === undefined ? `[${s.key}]` : `[${s.key}=${s.value}]`;
      }
    })
    .join('');
}

function child(node: TreeNode, key: string): TreeNode | undefined {
  return node.kind === 'map' ? node.entries.find(([k]) => k === key)?.[1] : undefined;
}

function matchesFilter(node: TreeNode, key: string, value: string | undefined): boolean {
  const found = child(node, key);
  if (!found) return false;
  if (value === undefined) return true;
  return found.kind === 'scalar' && String(found.value) === value;
}

export interface KeyMatch {
  node: TreeNode;
  /** The concrete path, e.g. `dependencies[0].version`, for messages and the summary. */
  path: string;
}

/** Every node the path selects; an empty list when nothing matches. */
export function resolveKeyPath(root: TreeNode, steps: KeyStep[]): KeyMatch[] {
  let current: KeyMatch[] = [{ node: root, path: '' }];
  const join = (base: string, key: string) => (/^[\w-]+$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`);
  for (const step of steps) {
    const next: KeyMatch[] = [];
    for (const { node, path } of current) {
      switch (step.type) {
        case 'key': {
          const found = child(node, step.name);
          if (found) next.push({ node: found, path: join(path, step.name) });
          break;
        }
        case 'any':
          if (node.kind === 'map') for (const [k, v] of node.entries) next.push({ node: v, path: join(path, k) });
          if (node.kind === 'seq') node.items.forEach((v, n) => next.push({ node: v, path: `${path}[${n}]` }));
          break;
        case 'index': {
          const item = node.kind === 'seq' ? node.items[step.index] : undefined;
          if (item) next.push({ node: item, path: `${path}[${step.index}]` });
          break;
        }
        case 'filter':
          if (node.kind === 'seq') node.items.forEach((v, n) => matchesFilter(v, step.key, step.value) && next.push({ node: v, path: `${path}[${n}]` }));
          else if (matchesFilter(node, step.key, step.value)) next.push({ node, path });
          break;
      }
    }
    current = next;
  }
  return current;
}

/** The keys that do exist where a path stopped matching, so the error can show what was meant. */
export function existingKeysNear(root: TreeNode, steps: KeyStep[]): string[] {
  for (let n = steps.length - 1; n >= 0; n--) {
    const parents = resolveKeyPath(root, steps.slice(0, n));
    if (parents.length === 0) continue;
    const keys = new Set<string>();
    for (const { node, path } of parents) {
      const prefix = path ? `${path}.` : '';
      if (node.kind === 'map') for (const [k] of node.entries) keys.add(`${prefix}${k}`);
      if (node.kind === 'seq') node.items.forEach((_, i) => keys.add(`${path}[${i}]`));
    }
    return [...keys].slice(0, 20);
  }
  return [];
}
