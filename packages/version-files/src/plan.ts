import { createTwoFilesPatch } from 'diff';
import type { SemVer } from 'semver';
import { UserError } from '@relkit/kit';
import { applyEdits, type Edit } from './edits.js';
import { matchSelector, noMatchError, type Match } from './match.js';
import { ParsedFile } from './parsed-file.js';
import { decodeSource, encodeSource } from './source-file.js';
import type { SpecEntry } from './spec.js';
import { decideVersion, findVersion, templateVars, type Bump } from './version.js';
import type { FileSource } from './file-source.js';

/** Where the current version is read from. */
export type CurrentVersionSource = { kind: 'files' } | { kind: 'spec'; entries: SpecEntry[]; label: string } | { kind: 'value'; version: SemVer | undefined; label: string } | { kind: 'none' };

export interface BumpRequest {
  /** Where the spec's paths are read: the workspace (a folder) or any other source, such as a repository read through the API. */
  source: FileSource;
  entries: SpecEntry[];
  version?: string | undefined;
  bump?: Bump | undefined;
  preid?: string | undefined;
  current: CurrentVersionSource;
  tagPrefix: string;
  /** YYYY-MM-DD, for changelog headings. */
  date: string;
  allowDowngrade: boolean;
}

export interface ChangeReport {
  selector: string;
  where: string;
  line: number;
  from: string;
  to: string;
}

export interface FileChange {
  path: string;
  before: Buffer;
  after: Buffer;
  diff: string;
  changes: ChangeReport[];
}

export interface BumpPlan {
  version: SemVer;
  previous: SemVer | undefined;
  previousSource: string | undefined;
  tag: string;
  /** Every file the spec named and that was read. */
  examined: number;
  /** Every place a selector found, changed or not. */
  found: number;
  files: FileChange[];
}

class FileCache {
  private readonly files = new Map<string, Promise<ParsedFile>>();
  constructor(readonly source: FileSource) {}

  get(path: string): Promise<ParsedFile> {
    let file = this.files.get(path);
    if (!file) {
      file = this.source.read(path).then((bytes) => new ParsedFile(decodeSource(path, bytes)));
      this.files.set(path, file);
    }
    return file;
  }

  get size(): number {
    return this.files.size;
  }
}

async function filesOf(cache: FileCache, entry: SpecEntry): Promise<ParsedFile[]> {
  const paths = await cache.source.resolve(entry.pattern, entry.origin);
  if (paths.length === 0 && !entry.optional) {
    const glob = /[*?[\]{}]/.test(entry.pattern);
    throw new UserError(
      `${entry.origin}: ${glob ? `the pattern "${entry.pattern}" matches no file` : `the file "${entry.pattern}" does not exist`} in ${cache.source.label}.`,
      `Check the path (it is relative to ${cache.source.label}), or write \`${entry.pattern}?\` if the file may be missing.`,
      { input: 'files' },
    );
  }
  return Promise.all(paths.map((p) => cache.get(p)));
}

async function readCurrent(cache: FileCache, request: BumpRequest): Promise<{ version: SemVer | undefined; source: string | undefined }> {
  const source = request.current;
  if (source.kind === 'none') return { version: undefined, source: undefined };
  if (source.kind === 'value') return { version: source.version, source: source.label };
  // The first value the first selector finds; while it finds nothing, the next entry's (a Cargo
  // workspace without a root version, as kube-rs before 0.88, versions its members). A requirement
  // (`^1.2`) or a replacement is not the version.
  const entries = source.kind === 'files' ? request.entries : source.entries;
  for (const entry of entries) {
    const selector = entry.selectors[0];
    if (!selector || (source.kind === 'files' && ['requirement', 'replace', 'literal'].includes(selector.kind))) continue;
    let found = false;
    for (const file of await filesOf(cache, entry)) {
      for (const match of matchSelector(file, selector, { previous: undefined, next: undefined })) {
        const version = findVersion(match.current);
        if (version) return { version, source: `${file.source.path} (${match.where})` };
        found = true;
      }
    }
    if (found && source.kind === 'files') break;
  }
  return { version: undefined, source: entries[0] ? `${entries[0].pattern}${entries[0].selectors[0]?.kind === 'whole' ? '' : `: ${entries[0].selectors[0]?.text}`}` : undefined };
}

/** Text of version characters, bare or quoted as a whole: it cannot open a comment, a key or a collection. */
const INERT = /^(?:[\w.+/=~^<>][\w.+\-/:@=~^<>]*|"[\w.+\-/:@=~^<>]*"|'[\w.+\-/:@=~^<>]*')$/;

/**
 * Whether edits certainly leave a YAML file's structure as it was, so it need not be parsed again
 * (parsing is most of a bump's time): each edit lies inside one string scalar and writes inert text.
 * Anything else — JSON, TOML, a literal or replacement that spans structure, a template with
 * spaces or `#` — is parsed again to prove the file still reads.
 */
function keepsStructure(file: ParsedFile, edits: Edit[]): boolean {
  if (file.format !== 'YAML') return false;
  if (!edits.every((e) => INERT.test(e.replacement))) return false;
  if (edits.every((e) => e.withinScalar)) return true;
  const scalars = file.searchRanges();
  return edits.every((e) => e.withinScalar || scalars.some((r) => r.start <= e.start && e.end <= r.end));
}

/**
 * Reads every file, resolves every selector and computes every edit before anything is written,
 * so a bad selector or a malformed file fails the run with the workspace untouched.
 */
export async function planBump(request: BumpRequest): Promise<BumpPlan> {
  const cache = new FileCache(request.source);
  const current = await readCurrent(cache, request);
  const previous = current.version?.version;
  const decision = decideVersion({
    version: request.version,
    bump: request.bump,
    preid: request.preid,
    current: current.version,
    currentSource: current.source,
    allowDowngrade: request.allowDowngrade,
  });
  const { version, major, minor, patch } = decision.next;
  const context = { previous, next: { version, major, minor, patch } };

  const matchesByFile = new Map<string, Match[]>();
  let found = 0;
  for (const entry of request.entries) {
    const files = await filesOf(cache, entry);
    if (files.length === 0) continue;
    for (const selector of entry.selectors) {
      let hits = 0;
      for (const file of files) {
        const matches = matchSelector(file, selector, context);
        hits += matches.length;
        if (matches.length > 0) matchesByFile.set(file.source.path, [...(matchesByFile.get(file.source.path) ?? []), ...matches]);
      }
      if (hits === 0 && !selector.optional) throw noMatchError(selector, files, entry.pattern);
      found += hits;
    }
  }

  const vars = templateVars(decision.next, { tagPrefix: request.tagPrefix, previous: current.version, date: request.date });

  const files: FileChange[] = [];
  for (const [path, matches] of [...matchesByFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = await cache.get(path);
    const { text } = file.source;
    const edits: Edit[] = [];
    const changes: ChangeReport[] = [];
    for (const match of matches) {
      const made = match.edits(vars);
      edits.push(...made);
      for (const edit of made) changes.push({ selector: match.selector.text, where: match.where, line: match.line, from: text.slice(edit.start, edit.end), to: edit.replacement });
    }
    let after = applyEdits(path, text, edits);
    if (after === text) continue;
    // Cargo and cargo-release write a manifest through toml_edit, which ends it with a newline.
    if (path.split('/').at(-1) === 'Cargo.toml' && !after.endsWith('\n')) after += '\n';
    const edited = new ParsedFile({ ...file.source, text: after }, file.format);
    if (file.format !== 'text' && !keepsStructure(file, edits)) {
      try {
        edited.structured();
      } catch (error) {
        throw new UserError(
          `The edits to ${path} would leave it invalid ${file.format} (${(error as Error).message.split('\n')[0]}); nothing was written.`,
          `Check the selectors for ${path}: a literal, regex or template must write text that keeps the file valid ${file.format}.`,
          { input: 'files' },
        );
      }
    }
    let diff: string | undefined;
    const written = after;
    files.push({
      path,
      before: encodeSource(file.source, text),
      after: encodeSource(file.source, after),
      // Made when read: a summary shows the first 60 KiB of diffs, not a thousand files' worth.
      get diff() {
        return (diff ??= createTwoFilesPatch(`a/${path}`, `b/${path}`, text, written, undefined, undefined, { context: 3 }).replace(/^=+\n/, ''));
      },
      changes: changes.filter((c) => c.from !== c.to),
    });
  }
  return { version: decision.next, previous: current.version, previousSource: current.source, tag: vars.tag, examined: cache.size, found, files };
}
