import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { GitObject, ObjectType } from './git-objects.js';

/** Objects the sandbox reads when asked, instead of holding them all in memory. */
export interface ObjectSource {
  read(sha: string): GitObject | undefined;
  has(sha: string): boolean;
  /** Object names starting with `prefix`, at most `limit` of them. */
  withPrefix(prefix: string, limit: number): string[];
  /** How many objects the source holds (packed and loose). */
  readonly count: number;
  /** The git `objects` folder it reads, when it is one (a git mirror borrows it as an alternate). */
  readonly objectsDir?: string;
}

const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;

/**
 * One pack and its version-2 index, as git writes them (gitformat-pack(5)): the index is kept as
 * read (28 bytes an object), the pack is read at an object's offset when the object is asked for.
 */
class Pack {
  private readonly fd: number;
  private readonly idx: Buffer;
  readonly count: number;
  private readonly shaStart = 8 + 256 * 4;
  private readonly offsetStart: number;
  private readonly largeStart: number;
  /** Every object's offset, ascending, with the pack's trailer as the last: where each object ends. */
  private readonly ends: Float64Array;
  /** One read buffer, reused: a buffer per object read would leave the garbage collector gigabytes. */
  private scratch = Buffer.allocUnsafeSlow(1 << 16);

  constructor(
    readonly path: string,
    indexPath: string,
    /** Its place among the directory's packs: cache keys of different packs must not meet. */
    private readonly number: number,
  ) {
    this.idx = readFileSync(indexPath);
    if (this.idx.readUInt32BE(0) !== 0xff744f63 || this.idx.readUInt32BE(4) !== 2) throw new Error(`${indexPath} is not a version 2 pack index`);
    this.count = this.idx.readUInt32BE(8 + 255 * 4);
    this.offsetStart = this.shaStart + this.count * 24;
    this.largeStart = this.offsetStart + this.count * 4;
    this.fd = openSync(path, 'r');
    const ends = new Float64Array(this.count + 1);
    for (let i = 0; i < this.count; i++) ends[i] = this.offsetAt(i);
    ends[this.count] = statSync(path).size - 20;
    this.ends = ends.sort();
  }

  close(): void {
    closeSync(this.fd);
  }

  private offsetAt(i: number): number {
    const small = this.idx.readUInt32BE(this.offsetStart + i * 4);
    if ((small & 0x80000000) === 0) return small;
    return Number(this.idx.readBigUInt64BE(this.largeStart + (small & 0x7fffffff) * 8));
  }

  private shaAt(i: number): Buffer {
    return this.idx.subarray(this.shaStart + i * 20, this.shaStart + i * 20 + 20);
  }

  /** The index position of an object name, or -1. */
  find(sha: Buffer): number {
    const first = sha.readUInt8(0);
    let lo = first === 0 ? 0 : this.idx.readUInt32BE(8 + (first - 1) * 4);
    let hi = this.idx.readUInt32BE(8 + first * 4);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const order = Buffer.compare(this.shaAt(mid), sha);
      if (order === 0) return mid;
      if (order < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  withPrefix(prefix: string, limit: number): string[] {
    const found: string[] = [];
    const first = parseInt(prefix.slice(0, 2), 16);
    let i = first === 0 ? 0 : this.idx.readUInt32BE(8 + (first - 1) * 4);
    const hi = this.idx.readUInt32BE(8 + first * 4);
    for (; i < hi && found.length < limit; i++) {
      const hex = this.shaAt(i).toString('hex');
      if (hex.startsWith(prefix)) found.push(hex);
    }
    return found;
  }

  offsetOf(sha: Buffer): number | undefined {
    const i = this.find(sha);
    return i === -1 ? undefined : this.offsetAt(i);
  }

  /** The stored bytes of the object at `offset`: its pack type, inflated size and where its data starts. */
  private readEntry(offset: number): { kind: number; data: Buffer; base?: { offset: number } | { sha: Buffer } } {
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ends[mid] ?? Infinity) <= offset) lo = mid + 1;
      else hi = mid;
    }
    const end = this.ends[lo];
    if (end === undefined || end <= offset) throw new Error(`No object starts at offset ${offset} of pack ${this.number}.`);
    const length = end - offset;
    if (length > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(Math.max(length, this.scratch.length * 2));
    const raw = this.scratch.subarray(0, length);
    readSync(this.fd, raw, 0, length, offset);
    let at = 0;
    let byte = raw.readUInt8(at++);
    const kind = (byte >> 4) & 7;
    let size = byte & 0x0f;
    for (let shift = 4; byte & 0x80; shift += 7) {
      byte = raw.readUInt8(at++);
      size += (byte & 0x7f) * 2 ** shift;
    }
    let base: { offset: number } | { sha: Buffer } | undefined;
    if (kind === OFS_DELTA) {
      byte = raw.readUInt8(at++);
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        byte = raw.readUInt8(at++);
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      base = { offset: offset - distance };
    } else if (kind === REF_DELTA) {
      base = { sha: Buffer.from(raw.subarray(at, at + 20)) };
      at += 20;
    }
    // Inflated in one chunk of the stored size: zlib's default 16 KiB chunks would each keep a 16 KiB
    // block alive behind a 300-byte commit, gigabytes over a long history.
    return { kind, data: inflateSync(raw.subarray(at), { chunkSize: Math.max(64, size) }), ...(base ? { base } : {}) };
  }

  /** The object at `offset`, its delta chain applied (`resolveSha` finds REF_DELTA bases anywhere). */
  readAt(offset: number, cache: ObjectCache<string>, resolveSha: (sha: Buffer) => GitObject | undefined): GitObject | undefined {
    const key = `${this.number}:${offset}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const entry = this.readEntry(offset);
    let object: GitObject | undefined;
    if (entry.base) {
      const base = 'offset' in entry.base ? this.readAt(entry.base.offset, cache, resolveSha) : resolveSha(entry.base.sha);
      if (!base) return undefined;
      object = { type: base.type, data: applyDelta(base.data, entry.data) };
    } else {
      const type = TYPES[entry.kind];
      if (!type) return undefined;
      object = { type, data: entry.data };
    }
    cache.set(key, object);
    return object;
  }
}

/** A git delta (gitformat-pack(5), "Deltified representation") applied to its base. */
function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta.readUInt8(at++);
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  varint();
  const out = Buffer.allocUnsafe(varint());
  let written = 0;
  while (at < delta.length) {
    const op = delta.readUInt8(at++);
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += delta.readUInt8(at++) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (16 << bit)) size += delta.readUInt8(at++) * 2 ** (8 * bit);
      if (size === 0) size = 0x10000;
      base.copy(out, written, offset, offset + size);
      written += size;
    } else if (op > 0) {
      delta.copy(out, written, at, at + op);
      written += op;
      at += op;
    } else throw new Error('git delta: opcode 0 is reserved');
  }
  return out;
}

/** Objects read recently, up to a number of bytes: trees and delta bases are asked for again and again. */
class ObjectCache<K> {
  private readonly entries = new Map<K, GitObject>();
  private bytes = 0;

  constructor(private readonly limit: number) {}

  get(key: K): GitObject | undefined {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: K, object: GitObject): void {
    // Commits are kept parsed by the object store; their bytes here would be a second copy.
    if (object.type === 'commit' || object.data.length > this.limit / 4) return;
    this.entries.set(key, object);
    this.bytes += object.data.length;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.limit) break;
      this.entries.delete(oldest);
      this.bytes -= value.data.length;
    }
  }
}

/**
 * The objects of a git directory, read on demand from its packs and loose objects: a repository of
 * any size is ready once its pack indexes are read, and memory holds only what is asked for (with
 * a bounded cache). The directory is only ever read.
 */
export class GitDirSource implements ObjectSource {
  private readonly packs: Pack[] = [];
  readonly objectsDir: string;
  private readonly cache = new ObjectCache<string>(32 << 20);
  private readonly looseCache = new ObjectCache<string>(16 << 20);
  readonly count: number;

  constructor(gitDir: string) {
    this.objectsDir = join(gitDir, 'objects');
    const packDir = join(this.objectsDir, 'pack');
    for (const name of existsSync(packDir) ? readdirSync(packDir).sort() : []) {
      if (name.endsWith('.idx') && existsSync(join(packDir, name.replace(/\.idx$/, '.pack'))))
        this.packs.push(new Pack(join(packDir, name.replace(/\.idx$/, '.pack')), join(packDir, name), this.packs.length));
    }
    let loose = 0;
    for (const dir of existsSync(this.objectsDir) ? readdirSync(this.objectsDir) : []) if (/^[0-9a-f]{2}$/.test(dir)) loose += readdirSync(join(this.objectsDir, dir)).length;
    this.count = this.packs.reduce((sum, p) => sum + p.count, 0) + loose;
  }

  close(): void {
    for (const pack of this.packs) pack.close();
  }

  private loosePath(sha: string): string {
    return join(this.objectsDir, sha.slice(0, 2), sha.slice(2));
  }

  has(sha: string): boolean {
    if (!/^[0-9a-f]{40}$/.test(sha)) return false;
    const name = Buffer.from(sha, 'hex');
    return this.packs.some((p) => p.find(name) !== -1) || existsSync(this.loosePath(sha));
  }

  read(sha: string): GitObject | undefined {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    return this.readName(Buffer.from(sha, 'hex'));
  }

  private readName(name: Buffer): GitObject | undefined {
    for (const pack of this.packs) {
      const offset = pack.offsetOf(name);
      if (offset !== undefined) return pack.readAt(offset, this.cache, (base) => this.readName(base));
    }
    const sha = name.toString('hex');
    const cached = this.looseCache.get(sha);
    if (cached) return cached;
    if (!existsSync(this.loosePath(sha))) return undefined;
    const raw = inflateSync(readFileSync(this.loosePath(sha)), { chunkSize: 1 << 16 });
    const nul = raw.indexOf(0);
    const type = raw.subarray(0, raw.indexOf(0x20)).toString() as ObjectType;
    const object = { type, data: Buffer.from(raw.subarray(nul + 1)) };
    this.looseCache.set(sha, object);
    return object;
  }

  withPrefix(prefix: string, limit: number): string[] {
    const found = new Set<string>();
    for (const pack of this.packs) for (const sha of pack.withPrefix(prefix, limit)) found.add(sha);
    const dir = join(this.objectsDir, prefix.slice(0, 2));
    if (existsSync(dir)) for (const rest of readdirSync(dir)) if (`${prefix.slice(0, 2)}${rest}`.startsWith(prefix)) found.add(`${prefix.slice(0, 2)}${rest}`);
    return [...found].slice(0, limit);
  }
}
