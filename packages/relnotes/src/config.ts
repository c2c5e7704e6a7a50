import { isMap, isSeq, parseDocument, type Node } from 'yaml';
import { UserError } from '@relkit/kit';

export interface Category {
  title: string;
  labels: string[];
  excludeLabels: string[];
  excludeAuthors: string[];
}

/** GitHub's `.github/release.yml` format, plus relkit's own keys in the same file. */
export interface NotesConfig {
  categories: Category[];
  excludeLabels: string[];
  excludeAuthors: string[];
  releaseNoteBlocks: boolean;
  /** `kind/*` label → category title, in priority order (Kubernetes style); empty when off. */
  kindLabels: Array<[string, string]>;
  conventionalCommits: boolean;
  contributors: boolean;
  newContributors: boolean;
  /** Category title for dependency-bot PRs; undefined when not grouped. */
  dependencies: string | undefined;
  /** Logins never listed as contributors (bots are always left out). */
  excludeContributors: string[];
}

export const KUBERNETES_KINDS: Array<[string, string]> = [
  ['kind/api-change', 'API Change'],
  ['kind/feature', 'Feature'],
  ['kind/documentation', 'Documentation'],
  ['kind/failing-test', 'Failing Test'],
  ['kind/bug', 'Bug or Regression'],
  ['kind/regression', 'Bug or Regression'],
  ['kind/cleanup', 'Other (Cleanup or Flake)'],
  ['kind/flake', 'Other (Cleanup or Flake)'],
];

export function defaultConfig(): NotesConfig {
  return {
    categories: [],
    excludeLabels: [],
    excludeAuthors: [],
    releaseNoteBlocks: true,
    kindLabels: [],
    conventionalCommits: false,
    contributors: true,
    newContributors: true,
    dependencies: undefined,
    excludeContributors: [],
  };
}

class ConfigReader {
  constructor(
    private readonly path: string,
    private readonly text: string,
  ) {}

  fail(node: Node | undefined | null, what: string): never {
    const offset = node?.range?.[0] ?? 0;
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new UserError(
      `${this.path}:${line}:${column}: ${what}`,
      "Follow GitHub's release.yml format (changelog.categories[].title/labels, changelog.exclude.labels/authors) plus relkit's keys: release-note-blocks, kind-labels, conventional-commits, contributors, new-contributors, dependencies.",
      { input: 'config' },
    );
  }

  strings(node: unknown, where: string): string[] {
    if (node === undefined || node === null) return [];
    if (!isSeq(node)) this.fail(node as Node, `${where} must be a list of strings.`);
    return node.items.map((item) => {
      const value = (item as { value?: unknown }).value;
      if (typeof value !== 'string' && typeof value !== 'number') this.fail(item as Node, `${where} must be a list of strings.`);
      return String(value);
    });
  }

  bool(node: unknown, where: string, fallback: boolean): boolean {
    if (node === undefined || node === null) return fallback;
    const value = (node as { value?: unknown }).value;
    if (typeof value !== 'boolean') this.fail(node as Node, `${where} must be true or false.`);
    return value;
  }
}

function get(node: unknown, key: string): unknown {
  return isMap(node) ? node.get(key, true) : undefined;
}

function checkKeys(reader: ConfigReader, node: unknown, allowed: string[], where: string): void {
  if (node === undefined || node === null) return;
  if (!isMap(node)) reader.fail(node as Node, `${where} must be a map.`);
  for (const pair of node.items) {
    const key = String((pair.key as { value?: unknown }).value);
    if (!allowed.includes(key)) reader.fail(pair.key as Node, `unknown key "${key}" in ${where}; expected one of ${allowed.join(', ')}.`);
  }
}

/** Reads a release.yml; every error names the file, line and column and what was expected. */
export function parseNotesConfig(path: string, text: string): NotesConfig {
  const doc = parseDocument(text);
  const reader: ConfigReader = new ConfigReader(path, text);
  if (doc.errors[0]) {
    const pos = doc.errors[0].pos[0];
    reader.fail({ range: [pos, pos, pos] } as unknown as Node, `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const root = doc.contents;
  const config = defaultConfig();
  if (root === null) return config;
  checkKeys(reader, root, ['changelog', 'release-note-blocks', 'kind-labels', 'conventional-commits', 'contributors', 'new-contributors', 'dependencies'], 'the top level');
  const changelog = get(root, 'changelog');
  checkKeys(reader, changelog, ['categories', 'exclude'], 'changelog');
  const exclude = get(changelog, 'exclude');
  checkKeys(reader, exclude, ['labels', 'authors'], 'changelog.exclude');
  config.excludeLabels = reader.strings(get(exclude, 'labels'), 'changelog.exclude.labels');
  config.excludeAuthors = reader.strings(get(exclude, 'authors'), 'changelog.exclude.authors');
  const categories = get(changelog, 'categories');
  if (categories !== undefined && categories !== null) {
    if (!isSeq(categories)) reader.fail(categories as Node, 'changelog.categories must be a list of { title, labels }.');
    categories.items.forEach((item, n) => {
      const where = `changelog.categories[${n}]`;
      checkKeys(reader, item, ['title', 'labels', 'exclude'], where);
      const title = (get(item, 'title') as { value?: unknown } | undefined)?.value;
      if (typeof title !== 'string' || !title) reader.fail(item as Node, `${where} needs a title.`);
      const labels = reader.strings(get(item, 'labels'), `${where}.labels`);
      if (labels.length === 0) reader.fail(item as Node, `${where} needs labels (use "*" for every PR).`);
      const catExclude = get(item, 'exclude');
      checkKeys(reader, catExclude, ['labels', 'authors'], `${where}.exclude`);
      config.categories.push({
        title,
        labels,
        excludeLabels: reader.strings(get(catExclude, 'labels'), `${where}.exclude.labels`),
        excludeAuthors: reader.strings(get(catExclude, 'authors'), `${where}.exclude.authors`),
      });
    });
  }
  config.releaseNoteBlocks = reader.bool(get(root, 'release-note-blocks'), 'release-note-blocks', true);
  const kinds = get(root, 'kind-labels');
  if (kinds !== undefined && kinds !== null) {
    if ((kinds as { value?: unknown }).value === true) config.kindLabels = KUBERNETES_KINDS;
    else if ((kinds as { value?: unknown }).value === false) config.kindLabels = [];
    else if (isMap(kinds)) config.kindLabels = kinds.items.map((pair) => [String((pair.key as { value?: unknown }).value), String((pair.value as { value?: unknown }).value)]);
    else reader.fail(kinds as Node, 'kind-labels must be true (the Kubernetes kinds) or a map of label to section title.');
  }
  config.conventionalCommits = reader.bool(get(root, 'conventional-commits'), 'conventional-commits', false);
  const contributors = get(root, 'contributors');
  if (isMap(contributors)) {
    checkKeys(reader, contributors, ['enabled', 'exclude'], 'contributors');
    config.contributors = reader.bool(get(contributors, 'enabled'), 'contributors.enabled', true);
    config.excludeContributors = reader.strings(get(contributors, 'exclude'), 'contributors.exclude');
  } else config.contributors = reader.bool(contributors, 'contributors', true);
  config.newContributors = reader.bool(get(root, 'new-contributors'), 'new-contributors', true);
  const deps = get(root, 'dependencies');
  if (deps !== undefined && deps !== null) {
    const value = (deps as { value?: unknown }).value;
    if (value === true) config.dependencies = 'Dependencies';
    else if (typeof value === 'string' && value) config.dependencies = value;
    else if (value !== false) reader.fail(deps as Node, 'dependencies must be true, false or a section title.');
  }
  return config;
}
