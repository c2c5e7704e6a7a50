import { UserError } from '@relkit/kit';
import { parseKeyPath, type KeyStep } from './key-path.js';
import { checkTemplate } from './version.js';
import type { DependentVersion } from './cargo-requirement.js';

/** What to change inside one file. `optional` (a trailing `?`) means "skip quietly when absent". */
export type Selector =
  | { kind: 'whole'; template: string | undefined; optional: boolean; text: string }
  | { kind: 'key'; path: KeyStep[]; template: string | undefined; optional: boolean; text: string }
  | { kind: 'image'; repositories: string[]; rename: string | undefined; branch: string | undefined; template: string | undefined; optional: boolean; text: string }
  | { kind: 'regex'; pattern: RegExp; template: string | undefined; optional: boolean; text: string }
  | { kind: 'marker'; template: string | undefined; optional: boolean; text: string }
  | { kind: 'literal'; from: string; to: string; optional: boolean; text: string }
  /**
   * `branch` (`from main on x.y.0`): on an x.y.0 release only references to that branch move to the
   * new version, on any other release only references to the previous one (MetalLB's `inv release`).
   * The branch moves in path links (`/blob/main/`, `raw…/main/`), not in `?ref=main`.
   */
  | { kind: 'links'; repository: string; branch: string | undefined; template: string | undefined; optional: boolean; text: string }
  | { kind: 'crate'; names: string[]; template: string | undefined; optional: boolean; text: string }
  | { kind: 'changelog'; template: string | undefined; optional: boolean; text: string }
  /** A Cargo version requirement at a key path, rewritten by cargo-release's `dependent-version` (`upgrade` or `fix`). */
  | { kind: 'requirement'; path: KeyStep[]; policy: DependentVersion; optional: boolean; text: string }
  /**
   * cargo-release's `pre-release-replacements`, or `replace /RE/ -> "TEXT"` in a spec: every match of
   * `pattern` becomes `replacement` ($1 and the placeholders filled in: {{version}}… from release.toml,
   * {version}… in a spec), with occurrence bounds; only when the version changes, so a re-run adds nothing.
   */
  | {
      kind: 'replace';
      pattern: RegExp;
      replacement: string;
      placeholders: 'cargo' | 'relkit';
      crate: string;
      min: number;
      max: number | undefined;
      prerelease: boolean;
      optional: boolean;
      text: string;
    };

export interface SpecEntry {
  /** A workspace-relative path or glob. */
  pattern: string;
  /** The file may be missing (`path?`). */
  optional: boolean;
  selectors: Selector[];
  /** Where the entry came from, for messages: `files line 3` or `preset metallb`. */
  origin: string;
}

const KEYWORDS = ['regex', 'marker', 'image', 'literal', 'links', 'crate', 'changelog', 'requirement', 'replace'] as const;

function specError(origin: string, cause: string): UserError {
  return new UserError(
    `${origin}: ${cause}`,
    'Write one file per line as `PATH` or `PATH: selector, selector`, e.g. `deploy/helm/Chart.yaml: version, appVersion=v{version}` (see the bump-version-files README for every selector).',
    { input: origin.split(' ')[0] ?? 'files' },
  );
}

/** Splits on commas that are outside quotes, brackets and a `regex /…/` or `replace /…/` body. */
export function splitSelectors(text: string, origin: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  let depth = 0;
  let inRegex = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (inRegex) {
      current += c;
      if (c === '\\') current += text[++i] ?? '';
      else if (c === '/') inRegex = false;
      continue;
    }
    if (quote) {
      current += c;
      if (c === '\\' && quote === '"') current += text[++i] ?? '';
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '/' && /^\s*(?:regex|replace\??)\s*$/.test(current)) inRegex = true;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (quote || inRegex || depth !== 0) throw specError(origin, `the selectors "${text}" have an unclosed ${quote ? 'quote' : inRegex ? 'regex' : 'bracket'}.`);
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/s.exec(value.trim());
  if (!m) return value.trim();
  return m[1] === '"' ? (JSON.parse(`"${m[2] ?? ''}"`) as string) : (m[2] ?? '');
}

/** `name?=template` → name, optional, template. The `=` is the first one outside brackets and quotes. */
function splitTemplate(text: string): { head: string; optional: boolean; template: string | undefined } {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '=' && depth === 0) return withOptional(text.slice(0, i), unquote(text.slice(i + 1)));
  }
  return withOptional(text, undefined);
}

const BRANCH_CLAUSE = /\s+from\s+([\w./-]+)\s+on\s+x\.y\.0$/;

/** `… from main on x.y.0` → the head without the clause, and the branch. */
function splitBranchClause(head: string): { head: string; branch: string | undefined } {
  const m = BRANCH_CLAUSE.exec(head);
  return m ? { head: head.slice(0, m.index), branch: m[1] } : { head, branch: undefined };
}

function withOptional(head: string, template: string | undefined) {
  const trimmed = head.trim();
  return trimmed.endsWith('?') ? { head: trimmed.slice(0, -1).trim(), optional: true, template } : { head: trimmed, optional: false, template };
}

function parseRegex(text: string, origin: string): { pattern: RegExp; rest: string } {
  const body = text.replace(/^(?:regex|replace\??)\s*/, '');
  if (!body.startsWith('/')) throw specError(origin, `\`${text}\`: write the pattern between slashes, e.g. regex /Version = "(.*)"/.`);
  let i = 1;
  let source = '';
  while (i < body.length && body[i] !== '/') {
    if (body[i] === '\\') source += body[i++];
    source += body[i++] ?? '';
  }
  if (body[i] !== '/') throw specError(origin, `\`${text}\`: the pattern has no closing slash.`);
  const flags = /^[a-z]*/.exec(body.slice(i + 1))?.[0] ?? '';
  if (/[^imsu]/.test(flags)) throw specError(origin, `\`${text}\`: regex flags may be i, m, s or u (every match is replaced, so g is implied).`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, `${flags}gd`);
  } catch (error) {
    throw specError(origin, `\`${text}\`: ${(error as Error).message}.`);
  }
  return { pattern, rest: body.slice(i + 1 + flags.length) };
}

function parseSelector(text: string, origin: string): Selector {
  const keyword = KEYWORDS.find((k) => text === k || text.startsWith(`${k} `) || text.startsWith(`${k}?`) || text.startsWith(`${k}=`) || (k === 'regex' && text.startsWith('regex/')));
  switch (keyword) {
    case 'regex': {
      const { pattern, rest } = parseRegex(text, origin);
      const { head, optional, template } = splitTemplate(rest);
      if (head) throw specError(origin, `\`${text}\`: unexpected "${head}" after the pattern.`);
      return { kind: 'regex', pattern, optional, template, text };
    }
    case 'marker':
    case 'changelog': {
      const { head, optional, template } = splitTemplate(text);
      if (head !== keyword) throw specError(origin, `\`${text}\`: \`${keyword}\` takes no argument (only \`=template\`).`);
      return { kind: keyword, optional, template, text };
    }
    case 'image': {
      const split = splitTemplate(text);
      const { optional, template } = split;
      const { head, branch } = splitBranchClause(split.head);
      const [sources, rename] = head.replace(/^image\s*/, '').split(/\s*->\s*/);
      const repositories = (sources ?? '').split(/[\s,]+/).filter(Boolean);
      if (repositories.length === 0) throw specError(origin, `\`${text}\`: name the image repository, e.g. image quay.io/metallb/speaker.`);
      for (const r of repositories) if (/[:@]/.test(r.replace(/^[^/]*:\d+\//, ''))) throw specError(origin, `\`${text}\`: give the repository without a tag or digest ("${r}").`);
      if (rename !== undefined && repositories.length > 1) throw specError(origin, `\`${text}\`: \`-> NEW\` renames one repository at a time.`);
      return { kind: 'image', repositories, rename: rename?.trim() || undefined, branch, optional, template, text };
    }
    case 'replace': {
      const { pattern, rest } = parseRegex(text, origin);
      const m = /^\s*->\s*("(?:[^"\\]|\\.)*"|'[^']*')$/.exec(rest);
      if (!m) throw specError(origin, `\`${text}\`: write a replacement as replace /REGEX/ -> "TEXT" ($1 for a group, {version}, {previous}, {date} for the release).`);
      const optional = text.startsWith('replace?');
      const replacement = unquote(m[1] ?? '');
      return { kind: 'replace', pattern, replacement, placeholders: 'relkit', crate: '', min: optional ? 0 : 1, max: undefined, prerelease: true, optional, text };
    }
    case 'literal': {
      const m = /^literal(\?)?\s+("(?:[^"\\]|\\.)*"|'[^']*')\s*->\s*("(?:[^"\\]|\\.)*"|'[^']*')$/.exec(text);
      if (!m) throw specError(origin, `\`${text}\`: write a literal edit as literal "old text" -> "new text".`);
      const from = unquote(m[2] ?? '');
      if (!from) throw specError(origin, `\`${text}\`: the text to replace is empty.`);
      return { kind: 'literal', from, to: unquote(m[3] ?? ''), optional: m[1] === '?', text };
    }
    case 'links': {
      const split = splitTemplate(text);
      const { optional, template } = split;
      const { head, branch } = splitBranchClause(split.head);
      const repository = head.replace(/^links\s*/, '');
      if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw specError(origin, `\`${text}\`: name the repository whose links to update, e.g. links metallb/metallb.`);
      return { kind: 'links', repository, branch, optional, template, text };
    }
    case 'requirement': {
      const { head, optional, template } = splitTemplate(text);
      if (template !== undefined) throw specError(origin, `\`${text}\`: a requirement follows the version by Cargo's rules and takes no template.`);
      const [path, policy = 'upgrade', ...extra] = head.replace(/^requirement\s*/, '').split(/\s+/);
      if (!path) throw specError(origin, `\`${text}\`: name the key path, e.g. requirement dependencies.*[path].version.`);
      if ((policy !== 'upgrade' && policy !== 'fix') || extra.length > 0)
        throw specError(origin, `\`${text}\`: after the key path write \`upgrade\` (rewrite every requirement, cargo-release's default) or \`fix\` (only those the new version does not match).`);
      return { kind: 'requirement', path: parseKeyPath(path, origin), policy, optional, text };
    }
    case 'crate': {
      const { head, optional, template } = splitTemplate(text);
      const names = head
        .replace(/^crate\s*/, '')
        .split(/\s+/)
        .filter(Boolean);
      if (names.length === 0) throw specError(origin, `\`${text}\`: name the crates, e.g. crate kube kube-runtime.`);
      return { kind: 'crate', names, optional, template, text };
    }
    default: {
      const { head, optional, template } = splitTemplate(text);
      if (head === '' && template !== undefined) return { kind: 'whole', optional, template, text };
      return { kind: 'key', path: parseKeyPath(head, origin), optional, template, text };
    }
  }
}

/** Parses one spec line: `PATH`, `PATH?`, `PATH: sel, sel` or `PATH:sel`. */
export function parseSpecLine(line: string, origin: string): SpecEntry | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const colon = trimmed.indexOf(':');
  const rawPath = (colon < 0 ? trimmed : trimmed.slice(0, colon)).trim();
  const optional = rawPath.endsWith('?');
  const pattern = optional ? rawPath.slice(0, -1) : rawPath;
  if (!pattern) throw specError(origin, `"${trimmed}" has no file path before the colon.`);
  const selectorText = colon < 0 ? '' : trimmed.slice(colon + 1).trim();
  const selectors: Selector[] = [];
  for (const part of splitSelectors(selectorText, origin)) {
    const last = selectors.at(-1);
    // `image a, b` lists more repositories after a comma; a bare name with a slash continues it.
    if (last?.kind === 'image' && last.rename === undefined && !KEYWORDS.some((k) => part.startsWith(k)) && part.includes('/') && !/[=[\]]/.test(part)) {
      const more = parseSelector(`image ${part}`, origin) as Extract<Selector, { kind: 'image' }>;
      last.repositories.push(...more.repositories);
      last.rename = more.rename;
      last.branch ??= more.branch;
      last.template ??= more.template;
      last.text += `, ${part}`;
      continue;
    }
    selectors.push(parseSelector(part, origin));
  }
  if (selectors.length === 0) selectors.push({ kind: 'whole', template: undefined, optional: false, text: '(whole file)' });
  for (const s of selectors) {
    if ('template' in s && s.template !== undefined) checkTemplate(s.template, origin);
    if (s.kind === 'replace' && s.placeholders === 'relkit') checkTemplate(s.replacement, origin);
  }
  return { pattern, optional, selectors, origin };
}

export function parseSpec(text: string, originPrefix = 'files'): SpecEntry[] {
  const entries: SpecEntry[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    const entry = parseSpecLine(line, `${originPrefix} line ${n + 1}`);
    if (entry) entries.push(entry);
  });
  return entries;
}
