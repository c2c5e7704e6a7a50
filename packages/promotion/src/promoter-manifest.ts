import { isMap, isScalar, isSeq, parseDocument, type Document, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { UserError } from '@relkit/kit';
import { applyEdits, lineColumn, type Edit, type SourceText } from '@relkit/version-files';

/** One image's promotion: the staging digest and the tags it gets in production. */
export interface ImagePromotion {
  /** The image's name in the manifest, e.g. `epp` or `charts/inferencepool`. */
  name: string;
  digest: string;
  tags: string[];
}

export interface ManifestChange {
  image: string;
  digest: string;
  /** Tags added by this run (already present ones are not listed). */
  tags: string[];
  kind: 'new-image' | 'new-digest' | 'more-tags';
}

export interface ManifestEdit {
  text: string;
  changes: ManifestChange[];
  /** Tags asked for that the manifest already promotes with the same digest. */
  present: Array<{ image: string; tag: string }>;
}

type ScalarStyle = 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'PLAIN';

function quote(value: string, style: ScalarStyle): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (style === 'PLAIN' && /^[\w./-][\w./:@+-]*$/.test(value) && !/:\s/.test(value)) return value;
  return JSON.stringify(value);
}

function styleOf(node: unknown, fallback: ScalarStyle = 'QUOTE_DOUBLE'): ScalarStyle {
  if (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' || node.type === 'PLAIN')) return node.type;
  return fallback;
}

function invalid(path: string, text: string, offset: number, what: string): UserError {
  const { line, column } = lineColumn(text, offset);
  return new UserError(
    `${path}:${line}:${column}: not an image-promoter manifest: ${what}.`,
    'Point `promoter-manifest` at an images.yaml: a list of `- name: IMAGE` entries, each with a `dmap` of "sha256:DIGEST": ["TAG", …].',
    { input: 'promoter-manifest' },
  );
}

interface ManifestImage {
  item: YAMLMap;
  name: string;
  nameNode: Scalar;
  dmapPair: Pair | undefined;
  dmap: YAMLMap | undefined;
}

function readManifest(source: SourceText, doc: Document): { root: YAMLSeq | undefined; images: ManifestImage[] } {
  const { path, text } = source;
  const error = doc.errors[0];
  if (error) {
    const { line, column } = lineColumn(text, error.pos[0]);
    throw new UserError(`${path}:${line}:${column}: not valid YAML: ${error.message.split('\n')[0]}`, 'Fix the manifest in the target repository first; nothing was changed.', {
      input: 'promoter-manifest',
    });
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { root: undefined, images: [] };
  if (!isSeq(root)) throw invalid(path, text, root.range?.[0] ?? 0, 'the document is not a list');
  const images: ManifestImage[] = [];
  for (const item of root.items) {
    if (!isMap(item)) throw invalid(path, text, (item as { range?: [number] }).range?.[0] ?? 0, 'an entry is not a map');
    const nameNode = item.get('name', true);
    if (!isScalar(nameNode) || typeof nameNode.value !== 'string') throw invalid(path, text, item.range?.[0] ?? 0, 'an entry has no `name`');
    const dmapPair: Pair | undefined = item.items.find((p) => isScalar(p.key) && p.key.value === 'dmap');
    const value = dmapPair?.value;
    if (value !== undefined && value !== null && !isMap(value) && !(isScalar(value) && value.value === null))
      throw invalid(path, text, nameNode.range?.[0] ?? 0, `\`dmap\` of ${nameNode.value} is not a map`);
    images.push({ item, name: nameNode.value, nameNode, dmapPair, dmap: isMap(value) ? value : undefined });
  }
  return { root, images };
}

function tagsOf(path: string, text: string, pair: Pair): string[] {
  const value = pair.value;
  if (isSeq(value)) return value.items.map((t) => String(isScalar(t) ? t.value : ''));
  if (isScalar(value) && value.value === null) return [];
  throw invalid(path, text, isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0, 'a `dmap` entry is not a list of tags');
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just past the newline that ends the line holding `offset` (the text's end if none). */
function afterLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** How the file writes a tag list: its quoting, and whether `[` is followed by a space. */
interface ListStyle {
  quote: ScalarStyle;
  padded: boolean;
  separator: string;
}

function listStyleOf(text: string, seq: YAMLSeq | undefined): ListStyle {
  const style: ListStyle = { quote: 'QUOTE_DOUBLE', padded: false, separator: ', ' };
  if (!seq?.range || !seq.flow) return style;
  style.padded = /^\[\s/.test(text.slice(seq.range[0], seq.range[1]));
  const [first, second] = seq.items;
  if (first) style.quote = styleOf(first);
  if (isScalar(first) && isScalar(second) && first.range && second.range) style.separator = text.slice(first.range[1], second.range[0]) || ', ';
  return style;
}

function renderList(tags: string[], style: ListStyle): string {
  const inner = tags.map((t) => quote(t, style.quote)).join(style.separator);
  return style.padded ? `[ ${inner} ]` : `[${inner}]`;
}

/** The file's conventions, read from its existing entries so a new one looks like its neighbours. */
interface FileStyle {
  eol: string;
  itemIndent: string;
  /** From `- ` to `dmap:` keys, and from `dmap:` to its entries. */
  keyIndent: number;
  entryIndent: number;
  nameQuote: ScalarStyle;
  digestQuote: ScalarStyle;
  list: ListStyle;
}

function fileStyle(text: string, images: ManifestImage[]): FileStyle {
  const style: FileStyle = {
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    itemIndent: '',
    keyIndent: 2,
    entryIndent: 2,
    nameQuote: 'PLAIN',
    digestQuote: 'QUOTE_DOUBLE',
    list: listStyleOf(text, undefined),
  };
  const sample = images.findLast((i) => i.dmap && i.dmap.items.length > 0) ?? images.at(-1);
  if (!sample) return style;
  const itemStart = sample.item.range?.[0] ?? 0;
  const dash = text.lastIndexOf('-', itemStart);
  style.itemIndent = ' '.repeat(Math.max(0, column(text, dash)));
  style.keyIndent = Math.max(1, column(text, itemStart) - column(text, dash));
  style.nameQuote = styleOf(sample.nameNode, 'PLAIN');
  const entry = sample.dmap?.items.at(-1);
  const dmapKey = sample.dmapPair?.key;
  if (entry && isScalar(entry.key) && entry.key.range && isScalar(dmapKey) && dmapKey.range) {
    style.entryIndent = Math.max(1, column(text, entry.key.range[0]) - column(text, dmapKey.range[0]));
    style.digestQuote = styleOf(entry.key);
    style.list = listStyleOf(text, isSeq(entry.value) ? entry.value : undefined);
  }
  return style;
}

/**
 * Adds digest → tags promotions to an image-promoter manifest by inserting text, never by
 * re-serialising it: a new digest line goes at the end of its image's `dmap`, a new image at the
 * end of the list, an extra tag at the end of its digest's list; every other byte stays.
 */
export function promoteInManifest(source: SourceText, promotions: ImagePromotion[]): ManifestEdit {
  const { path, text } = source;
  const doc = parseDocument(text, { uniqueKeys: false });
  const { root, images } = readManifest(source, doc);
  const style = fileStyle(text, images);
  const { eol } = style;
  const edits: Edit[] = [];
  const changes: ManifestChange[] = [];
  const present: ManifestEdit['present'] = [];
  const appended = new Map<number, string>();
  const append = (offset: number, lines: string) => appended.set(offset, (appended.get(offset) ?? '') + lines);
  const newImages: string[] = [];

  for (const promotion of promotions) {
    const matching = images.filter((i) => i.name === promotion.name);
    const pairs = matching.flatMap((i) => i.dmap?.items ?? []);
    const wanted: string[] = [];
    for (const tag of promotion.tags) {
      const holder = pairs.find((p) => tagsOf(path, text, p).includes(tag));
      const digest = holder && isScalar(holder.key) ? String(holder.key.value) : undefined;
      if (digest === undefined) wanted.push(tag);
      else if (digest === promotion.digest) present.push({ image: promotion.name, tag });
      else {
        throw new UserError(
          `${path} already promotes ${promotion.name}:${tag} as ${digest}, but the staging image is ${promotion.digest}. A promoted tag never moves to another digest.`,
          `Check \`tags\` and the staging image: release a new tag (e.g. the next patch or rc) instead of re-tagging ${tag}.`,
          { input: 'tags' },
        );
      }
    }
    if (wanted.length === 0) continue;
    const image = matching[0];
    if (!image) {
      newImages.push(renderImage(promotion.name, promotion.digest, wanted, style));
      changes.push({ image: promotion.name, digest: promotion.digest, tags: wanted, kind: 'new-image' });
      continue;
    }
    const existing = pairs.find((p) => isScalar(p.key) && p.key.value === promotion.digest);
    if (existing) {
      edits.push(addTags(path, text, existing, wanted, style));
      changes.push({ image: promotion.name, digest: promotion.digest, tags: wanted, kind: 'more-tags' });
      continue;
    }
    const line = `${quote(promotion.digest, style.digestQuote)}: ${renderList(wanted, style.list)}`;
    const last = image.dmap?.items.at(-1);
    if (last && isScalar(last.key) && last.key.range) {
      const end = ((last.value as { range?: [number, number, number] } | null)?.range?.[1] ?? last.key.range[1]) - 1;
      const indent = ' '.repeat(column(text, last.key.range[0]));
      const at = afterLine(text, end);
      append(at, `${at === text.length && !text.endsWith('\n') ? eol : ''}${indent}${line}${eol}`);
    } else {
      edits.push(fillEmptyDmap(source, image, line, style));
    }
    changes.push({ image: promotion.name, digest: promotion.digest, tags: wanted, kind: 'new-digest' });
  }

  if (newImages.length > 0) {
    const end = root?.range?.[1];
    const lastItem = root?.items.at(-1) as { range?: [number, number, number] } | undefined;
    const at = lastItem?.range ? afterLine(text, lastItem.range[1] - 1) : end !== undefined && root && root.items.length > 0 ? end : text.length;
    if (root && root.items.length === 0 && root.flow && root.range) {
      edits.push({ start: root.range[0], end: root.range[1], replacement: newImages.join('').trimEnd(), by: 'promoter-manifest' });
    } else {
      append(at, `${at === text.length && text.length > 0 && !text.endsWith('\n') ? eol : ''}${newImages.join('')}`);
    }
  }
  for (const [at, lines] of appended) edits.push({ start: at, end: at, replacement: lines, by: 'promoter-manifest' });
  const result = applyEdits(path, text, edits);
  if (result !== text) verify(source, result, promotions);
  return { text: result, changes, present };
}

function renderImage(name: string, digest: string, tags: string[], style: FileStyle): string {
  const { eol, itemIndent } = style;
  const keys = ' '.repeat(itemIndent.length + style.keyIndent);
  const entries = ' '.repeat(itemIndent.length + style.keyIndent + style.entryIndent);
  const dash = `${itemIndent}-${' '.repeat(style.keyIndent - 1)}`;
  return `${dash}name: ${quote(name, style.nameQuote)}${eol}${keys}dmap:${eol}${entries}${quote(digest, style.digestQuote)}: ${renderList(tags, style.list)}${eol}`;
}

function addTags(path: string, text: string, pair: Pair, tags: string[], style: FileStyle): Edit {
  const value = pair.value;
  if (isSeq(value) && value.flow && value.range) {
    const last = value.items.at(-1) as Scalar | undefined;
    const list = listStyleOf(text, value);
    const quoteAs = last ? styleOf(last) : style.list.quote;
    if (last?.range) return { start: last.range[1], end: last.range[1], replacement: tags.map((t) => `${list.separator}${quote(t, quoteAs)}`).join(''), by: 'promoter-manifest' };
    return { start: value.range[0], end: value.range[1], replacement: renderList(tags, { ...style.list }), by: 'promoter-manifest' };
  }
  if (isSeq(value) && value.range) {
    const last = value.items.at(-1) as Scalar | undefined;
    const start = last?.range?.[0] ?? value.range[0];
    const dash = text.lastIndexOf('-', start);
    const at = afterLine(text, (last?.range?.[1] ?? value.range[1]) - 1);
    const prefix = text.slice(lineStart(text, dash), dash);
    return { start: at, end: at, replacement: tags.map((t) => `${prefix}- ${quote(t, styleOf(last))}${style.eol}`).join(''), by: 'promoter-manifest' };
  }
  const key = pair.key as Scalar;
  throw invalid(path, text, key.range?.[0] ?? 0, `the tags of ${String(key.value)} are not a list`);
}

function fillEmptyDmap(source: SourceText, image: ManifestImage, line: string, style: FileStyle): Edit {
  const { text } = source;
  const key = image.dmapPair?.key as Scalar | undefined;
  const value = image.dmapPair?.value as { range?: [number, number, number] } | null | undefined;
  if (key?.range && value?.range && isMap(value) && value.flow) {
    // `dmap: {}`: a flow map stays a flow map.
    return { start: value.range[0], end: value.range[1], replacement: `{${line}}`, by: 'promoter-manifest' };
  }
  if (key?.range) {
    const at = afterLine(text, key.range[1]);
    const indent = ' '.repeat(column(text, key.range[0]) + style.entryIndent);
    return { start: at, end: at, replacement: `${at === text.length && !text.endsWith('\n') ? style.eol : ''}${indent}${line}${style.eol}`, by: 'promoter-manifest' };
  }
  // No `dmap` key at all: add one after the entry's last line.
  const end = image.item.range?.[1] ?? image.nameNode.range?.[1] ?? 0;
  const at = afterLine(text, end - 1);
  const keys = ' '.repeat(column(text, image.nameNode.range?.[0] ?? 0) - 'name: '.length);
  const entries = ' '.repeat(keys.length + style.entryIndent);
  return { start: at, end: at, replacement: `${keys}dmap:${style.eol}${entries}${line}${style.eol}`, by: 'promoter-manifest' };
}

/** The manifest as the promoter reads it: image → digest → tags. */
export function manifestPromotions(source: SourceText): Map<string, Map<string, string[]>> {
  const doc = parseDocument(source.text, { uniqueKeys: false });
  const { images } = readManifest(source, doc);
  const result = new Map<string, Map<string, string[]>>();
  for (const image of images) {
    const dmap = result.get(image.name) ?? new Map<string, string[]>();
    for (const pair of image.dmap?.items ?? []) if (isScalar(pair.key)) dmap.set(String(pair.key.value), tagsOf(source.path, source.text, pair));
    result.set(image.name, dmap);
  }
  return result;
}

/** Reads the edited text back: it must hold exactly the old promotions plus the new ones. */
function verify(source: SourceText, edited: string, promotions: ImagePromotion[]): void {
  const expected = manifestPromotions(source);
  for (const p of promotions) {
    const dmap = expected.get(p.name) ?? new Map<string, string[]>();
    const tags = dmap.get(p.digest) ?? [];
    dmap.set(p.digest, [...tags, ...p.tags.filter((t) => !tags.includes(t))]);
    expected.set(p.name, dmap);
  }
  let actual: Map<string, Map<string, string[]>>;
  try {
    actual = manifestPromotions({ ...source, text: edited });
  } catch (error) {
    throw new Error(`relkit produced an unreadable ${source.path}; nothing was written: ${(error as Error).message}`, { cause: error });
  }
  const flat = (m: Map<string, Map<string, string[]>>) => JSON.stringify([...m].map(([name, d]) => [name, [...d]]));
  if (flat(actual) !== flat(expected)) throw new Error(`relkit's edit of ${source.path} does not read back as intended; nothing was written.`);
}
