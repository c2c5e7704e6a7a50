import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize, posix, relative, sep } from 'node:path';
import { UserError } from '@relkit/kit';
import { isScalar, parseDocument } from 'yaml';

export interface TreeFile {
  /** Relative to the published repository's root, forward slashes. */
  path: string;
  contents: Buffer;
}

/** The steps of `runs` that name a JavaScript file. */
const ENTRY_KEYS = ['pre', 'main', 'post'] as const;

/** A link in Markdown whose target is relative (not a URL, not an anchor). */
const RELATIVE_LINK = /\]\((?!https?:|mailto:|#)([^)\s]+)\)/g;

function requireFile(path: string, what: string, fix: string): Buffer {
  if (!existsSync(path)) throw new UserError(`${what} is missing: ${path}.`, fix);
  return readFileSync(path);
}

/**
 * action.yml as its own repository holds it: each `runs` entry point moves from the monorepo's
 * `../../dist/<name>/x.js` to `dist/x.js`.
 */
function publishedActionYml(root: string, name: string, source: string): { yaml: string; entries: string[] } {
  const doc = parseDocument(source);
  const bundleDir = join(root, 'dist', name);
  const entries: string[] = [];
  const edits: Array<{ start: number; end: number; text: string }> = [];
  if (!doc.hasIn(['runs', 'main'])) throw new UserError(`actions/${name}/action.yml has no runs.main.`, 'Give the action a `runs.main` entry point.');
  for (const key of ENTRY_KEYS) {
    const node = doc.getIn(['runs', key], true);
    if (node === undefined) continue;
    const value = isScalar(node) ? String(node.value) : '';
    // Joined by hand: the bundler would read resolve(root, 'actions', …) as files to ship with relkit.
    const target = normalize([root, 'actions', name, value].join(sep));
    const inBundle = relative(bundleDir, target);
    if (!isScalar(node) || !node.range || !value || inBundle.startsWith('..') || inBundle.includes(sep)) {
      throw new UserError(
        `actions/${name}/action.yml: runs.${key} is \`${value}\`, which is not a file directly in dist/${name}/.`,
        `Point runs.${key} at the bundle npm run build writes, e.g. \`../../dist/${name}/index.js\`.`,
      );
    }
    const quote = node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '';
    edits.push({ start: node.range[0], end: node.range[1], text: `${quote}dist/${inBundle}${quote}` });
    entries.push(inBundle);
  }
  // Spliced into the source text, so every other byte (comments, wrapping, quoting) stays as written.
  let yaml = source;
  for (const edit of edits.sort((a, b) => b.start - a.start)) yaml = yaml.slice(0, edit.start) + edit.text + yaml.slice(edit.end);
  return { yaml, entries };
}

function checkReadmeLinks(name: string, readme: string): void {
  for (const match of readme.matchAll(RELATIVE_LINK)) {
    const target = posix.normalize((match[1] ?? '').replace(/#.*$/, ''));
    if (target.startsWith('..') || target.startsWith('/')) {
      throw new UserError(
        `actions/${name}/README.md links to \`${match[1]}\`, which is outside the action and breaks in the relkit/${name} repository.`,
        'Link to the published repository instead (https://github.com/relkit/<name>) or to a file inside the action.',
      );
    }
  }
}

/**
 * The exact tree the repository `relkit/<name>` holds at a release: action.yml pointing at
 * `dist/`, the action's bundle folder (entry points, the `package.json` that makes them ES modules,
 * the licences of what is bundled), the action's README and relkit's LICENSE. Nothing else.
 */
export function actionPublishTree(root: string, name: string): TreeFile[] {
  const actionDir = join(root, 'actions', name);
  const source = requireFile(join(actionDir, 'action.yml'), `The action.yml of ${name}`, `Check the action name; actions live in actions/<name>/action.yml.`).toString('utf8');
  const { yaml, entries } = publishedActionYml(root, name, source);
  const bundleDir = join(root, 'dist', name);
  for (const entry of entries) requireFile(join(bundleDir, entry), `The bundle of ${name}`, 'Run `npm run build` first.');
  const readme = requireFile(join(actionDir, 'README.md'), `The README of ${name}`, `Write actions/${name}/README.md: it is the front page of relkit/${name}.`);
  checkReadmeLinks(name, readme.toString('utf8'));
  const files: TreeFile[] = [
    { path: 'action.yml', contents: Buffer.from(yaml) },
    { path: 'README.md', contents: readme },
    { path: 'LICENSE', contents: requireFile(join(root, 'LICENSE'), 'relkit’s LICENSE', 'Restore LICENSE at the repository root.') },
  ];
  for (const entry of readdirSync(bundleDir, { withFileTypes: true })) {
    if (!entry.isFile()) throw new UserError(`dist/${name}/${entry.name} is not a file; a published bundle is flat.`, 'Run `npm run build` to regenerate dist/.');
    files.push({ path: `dist/${entry.name}`, contents: readFileSync(join(bundleDir, entry.name)) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every action of the monorepo: the folders of actions/ that hold an action.yml. */
export function publishableActions(root: string): string[] {
  const dir = join(root, 'actions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'action.yml')))
    .map((e) => e.name)
    .sort();
}
