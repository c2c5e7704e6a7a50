import { createHash } from 'node:crypto';
import type { ObjectSource } from './git-dir-source.js';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface GitObject {
  type: ObjectType;
  data: Buffer;
}

export interface TreeEntry {
  mode: string;
  name: string;
  sha: string;
  type: 'blob' | 'tree' | 'commit';
}

export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  /** `+0000` style. */
  tz: string;
}

export interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
  signature?: string;
}

export interface Tag {
  sha: string;
  object: string;
  type: ObjectType;
  tag: string;
  tagger?: Signature;
  message: string;
}

function parseSignature(text: string): Signature {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(text);
  if (!match) return { name: text, email: '', time: 0, tz: '+0000' };
  return { name: match[1] as string, email: match[2] as string, time: Number(match[3]), tz: match[4] as string };
}

export function formatSignature(sig: Signature): string {
  return `${sig.name} <${sig.email}> ${sig.time} ${sig.tz}`;
}

export function signatureDate(sig: Signature): string {
  return new Date(sig.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function treeTypeOf(mode: string): TreeEntry['type'] {
  if (mode === '40000' || mode === '040000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}

/** Git sorts tree entries by name, with directory names compared as if they ended in '/'. */
function treeSortKey(entry: Pick<TreeEntry, 'name' | 'type'>): string {
  return entry.type === 'tree' ? `${entry.name}/` : entry.name;
}

/** A content-addressed object database computing the same SHA-1 ids as git. */
export class ObjectStore {
  /** Objects made in the sandbox (and every object of a store without a backing source). */
  private readonly objects = new Map<string, GitObject>();
  private readonly commitCache = new Map<string, Commit>();
  /** Objects read on demand (a seed's git directory); new objects never go there. */
  private backing: ObjectSource | undefined;

  /** Reads every object this store does not hold from `source`, when asked for. */
  /** The git `objects` folder behind this store, if it is backed by one. */
  get backingObjectsDir(): string | undefined {
    return this.backing?.objectsDir;
  }

  attach(source: ObjectSource): void {
    this.backing = source;
  }

  private lookup(sha: string): GitObject | undefined {
    return this.objects.get(sha) ?? this.backing?.read(sha);
  }

  put(type: ObjectType, data: Buffer): string {
    const header = Buffer.from(`${type} ${data.length}\0`);
    const sha = createHash('sha1').update(header).update(data).digest('hex');
    if (!this.objects.has(sha) && !this.backing?.has(sha)) this.objects.set(sha, { type, data });
    return sha;
  }

  has(sha: string): boolean {
    return this.objects.has(sha) || (this.backing?.has(sha) ?? false);
  }

  get(sha: string): GitObject | undefined {
    return this.lookup(sha);
  }

  typeOf(sha: string): ObjectType | undefined {
    return this.lookup(sha)?.type;
  }

  /** Expands an abbreviated sha (at least 4 hex digits) when it is unambiguous. */
  resolvePrefix(prefix: string): string | undefined {
    if (!/^[0-9a-f]{4,40}$/.test(prefix)) return undefined;
    if (prefix.length === 40) return this.has(prefix) ? prefix : undefined;
    const found = new Set(this.backing?.withPrefix(prefix, 2) ?? []);
    for (const sha of this.objects.keys()) if (sha.startsWith(prefix)) found.add(sha);
    return found.size === 1 ? [...found][0] : undefined;
  }

  get size(): number {
    return this.objects.size + (this.backing?.count ?? 0);
  }

  /** The objects made in the sandbox (a backing source's stay where they are). */
  *entries(): IterableIterator<[string, GitObject]> {
    yield* this.objects.entries();
  }

  putBlob(content: Buffer | string): string {
    return this.put('blob', Buffer.isBuffer(content) ? content : Buffer.from(content));
  }

  blob(sha: string): Buffer | undefined {
    const object = this.lookup(sha);
    return object?.type === 'blob' ? object.data : undefined;
  }

  putTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => (treeSortKey(a) < treeSortKey(b) ? -1 : treeSortKey(a) > treeSortKey(b) ? 1 : 0));
    const parts: Buffer[] = [];
    for (const entry of sorted) {
      const mode = entry.type === 'tree' ? '40000' : entry.mode;
      parts.push(Buffer.from(`${mode} ${entry.name}\0`), Buffer.from(entry.sha, 'hex'));
    }
    return this.put('tree', Buffer.concat(parts));
  }

  tree(sha: string): TreeEntry[] | undefined {
    const object = this.lookup(sha);
    if (object?.type !== 'tree') return undefined;
    const entries: TreeEntry[] = [];
    const data = object.data;
    let offset = 0;
    while (offset < data.length) {
      const space = data.indexOf(0x20, offset);
      const nul = data.indexOf(0x00, space);
      const mode = data.subarray(offset, space).toString();
      const name = data.subarray(space + 1, nul).toString();
      const entrySha = data.subarray(nul + 1, nul + 21).toString('hex');
      entries.push({ mode: mode === '40000' ? '040000' : mode, name, sha: entrySha, type: treeTypeOf(mode) });
      offset = nul + 21;
    }
    return entries;
  }

  putCommit(commit: Omit<Commit, 'sha'>): string {
    const lines = [`tree ${commit.tree}`, ...commit.parents.map((p) => `parent ${p}`), `author ${formatSignature(commit.author)}`, `committer ${formatSignature(commit.committer)}`];
    if (commit.signature) lines.push(`gpgsig ${commit.signature.split('\n').join('\n ')}`);
    return this.put('commit', Buffer.from(`${lines.join('\n')}\n\n${commit.message}`));
  }

  commit(sha: string): Commit | undefined {
    const cached = this.commitCache.get(sha);
    if (cached) return cached;
    const object = this.lookup(sha);
    if (object?.type !== 'commit') return undefined;
    const text = object.data.toString('utf8');
    const split = text.indexOf('\n\n');
    const headers = split === -1 ? text : text.slice(0, split);
    const message = split === -1 ? '' : text.slice(split + 2);
    const commit: Commit = { sha, tree: '', parents: [], author: parseSignature(''), committer: parseSignature(''), message };
    let lastKey = '';
    for (const line of headers.split('\n')) {
      if (line.startsWith(' ')) {
        if (lastKey === 'gpgsig') commit.signature = `${commit.signature ?? ''}\n${line.slice(1)}`;
        continue;
      }
      const space = line.indexOf(' ');
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      lastKey = key;
      if (key === 'tree') commit.tree = value;
      else if (key === 'parent') commit.parents.push(value);
      else if (key === 'author') commit.author = parseSignature(value);
      else if (key === 'committer') commit.committer = parseSignature(value);
      else if (key === 'gpgsig') commit.signature = value;
    }
    this.commitCache.set(sha, commit);
    return commit;
  }

  putTag(tag: Omit<Tag, 'sha'>): string {
    const lines = [`object ${tag.object}`, `type ${tag.type}`, `tag ${tag.tag}`];
    if (tag.tagger) lines.push(`tagger ${formatSignature(tag.tagger)}`);
    return this.put('tag', Buffer.from(`${lines.join('\n')}\n\n${tag.message}`));
  }

  tag(sha: string): Tag | undefined {
    const object = this.lookup(sha);
    if (object?.type !== 'tag') return undefined;
    const text = object.data.toString('utf8');
    const split = text.indexOf('\n\n');
    const tag: Tag = { sha, object: '', type: 'commit', tag: '', message: split === -1 ? '' : text.slice(split + 2) };
    for (const line of (split === -1 ? text : text.slice(0, split)).split('\n')) {
      const space = line.indexOf(' ');
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === 'object') tag.object = value;
      else if (key === 'type') tag.type = value as ObjectType;
      else if (key === 'tag') tag.tag = value;
      else if (key === 'tagger') tag.tagger = parseSignature(value);
    }
    return tag;
  }

  /** Follows annotated tags down to the object they finally point at. */
  peel(sha: string): string {
    let current = sha;
    for (let i = 0; i < 16; i++) {
      const tag = this.tag(current);
      if (!tag) return current;
      current = tag.object;
    }
    return current;
  }

  /** The entry at `path` inside a tree, or undefined. */
  entryAt(treeSha: string, path: string): TreeEntry | undefined {
    const parts = path.split('/').filter((p) => p !== '');
    if (parts.length === 0) return { mode: '040000', name: '', sha: treeSha, type: 'tree' };
    let tree = treeSha;
    for (let i = 0; i < parts.length; i++) {
      const entry = this.tree(tree)?.find((e) => e.name === parts[i]);
      if (!entry) return undefined;
      if (i === parts.length - 1) return entry;
      if (entry.type !== 'tree') return undefined;
      tree = entry.sha;
    }
    return undefined;
  }

  /**
   * Applies path-level changes to a tree (nested directories created or pruned as needed).
   * `sha: null` deletes the path.
   */
  applyChanges(baseTree: string | undefined, changes: { path: string; mode: string; sha: string | null }[]): string {
    const entries = new Map<string, TreeEntry>((baseTree ? (this.tree(baseTree) ?? []) : []).map((e) => [e.name, e]));
    const nested = new Map<string, { path: string; mode: string; sha: string | null }[]>();
    for (const change of changes) {
      const slash = change.path.indexOf('/');
      if (slash === -1) {
        if (change.sha === null) entries.delete(change.path);
        else entries.set(change.path, { mode: change.mode, name: change.path, sha: change.sha, type: treeTypeOf(change.mode) });
      } else {
        const dir = change.path.slice(0, slash);
        const list = nested.get(dir) ?? [];
        list.push({ ...change, path: change.path.slice(slash + 1) });
        nested.set(dir, list);
      }
    }
    for (const [dir, list] of nested) {
      const existing = entries.get(dir);
      const subtree = this.applyChanges(existing?.type === 'tree' ? existing.sha : undefined, list);
      if ((this.tree(subtree) ?? []).length === 0) entries.delete(dir);
      else entries.set(dir, { mode: '040000', name: dir, sha: subtree, type: 'tree' });
    }
    return this.putTree([...entries.values()]);
  }

  /** Every file (blob) below a tree, as path → entry. */
  listFiles(treeSha: string, prefix = ''): Map<string, TreeEntry> {
    const files = new Map<string, TreeEntry>();
    for (const entry of this.tree(treeSha) ?? []) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.type === 'tree') for (const [p, e] of this.listFiles(entry.sha, path)) files.set(p, e);
      else files.set(path, entry);
    }
    return files;
  }

  /** True when `ancestor` is reachable from `descendant` (or equal to it). */
  isAncestor(ancestor: string, descendant: string): boolean {
    if (ancestor === descendant) return true;
    const seen = new Set<string>();
    const queue = [descendant];
    while (queue.length > 0) {
      const sha = queue.pop() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      const commit = this.commit(sha);
      if (commit) queue.push(...commit.parents);
    }
    return false;
  }

  /** Recent answers of reachable(): what a commit reaches never changes, and compares ask twice a page. */
  private readonly reachableMemo = new Map<string, Set<string>>();

  /** Every commit reachable from `heads`. */
  reachable(heads: string[]): Set<string> {
    const key = [...heads].sort().join(',');
    const memo = this.reachableMemo.get(key);
    if (memo) return memo;
    const seen = new Set<string>();
    const queue = [...heads];
    while (queue.length > 0) {
      const sha = queue.pop() as string;
      if (seen.has(sha)) continue;
      const commit = this.commit(sha);
      if (!commit) continue;
      seen.add(sha);
      queue.push(...commit.parents);
    }
    this.reachableMemo.set(key, seen);
    if (this.reachableMemo.size > 8) this.reachableMemo.delete(this.reachableMemo.keys().next().value as string);
    return seen;
  }

  /** Commits from `head` back, newest first by committer date, parents never before their children. */
  private *newestFirst(head: string, hidden: Set<string>): Generator<Commit> {
    const seen = new Set<string>();
    const frontier: Commit[] = [];
    const push = (sha: string) => {
      if (seen.has(sha) || hidden.has(sha)) return;
      seen.add(sha);
      const commit = this.commit(sha);
      if (commit) frontier.push(commit);
    };
    push(head);
    while (frontier.length > 0) {
      frontier.sort((a, b) => b.committer.time - a.committer.time);
      const next = frontier.shift() as Commit;
      yield next;
      for (const parent of next.parents) push(parent);
    }
  }

  /**
   * Commits reachable from `head` but not from `exclude`, newest first by committer date
   * (git log's default order, with parents never before their children).
   */
  log(head: string, exclude: string[] = []): Commit[] {
    return [...this.newestFirst(head, this.reachable(exclude))];
  }

  /** The best common ancestor of two commits (newest by committer date), or undefined. */
  mergeBase(a: string, b: string): string | undefined {
    const fromA = this.reachable([a]);
    // Walked newest first from b, stopping at the first commit a reaches: b's history is not listed.
    for (const commit of this.newestFirst(b, new Set())) if (fromA.has(commit.sha)) return commit.sha;
    return undefined;
  }
}
