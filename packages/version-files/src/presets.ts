import { posix } from 'node:path';
import { UserError } from '@relkit/kit';
import type { FileSource } from './file-source.js';
import { parseTomlTree } from './formats/toml.js';
import { resolveKeyPath, type TreeNode } from './key-path.js';
import { decodeSource } from './source-file.js';
import { parseSpec, type SpecEntry } from './spec.js';
import { PRESETS } from './presets/index.js';
import type { PresetData } from './presets/types.js';

type PresetExpander = (source: FileSource) => Promise<ExpandedPreset>;

/** A preset's spec entries, and what it could not do that the user should know. */
export interface ExpandedPreset {
  entries: SpecEntry[];
  notes: string[];
}

const STATIC_PRESETS = new Map(PRESETS.filter((p) => p.extends === undefined).map((p) => [p.name, p.spec.join('\n')]));

async function readToml(source: FileSource, path: string): Promise<TreeNode | undefined> {
  if ((await source.resolve(path, 'preset cargo-workspace')).length === 0) return undefined;
  const bytes = await source.read(path).catch(() => undefined);
  return bytes ? parseTomlTree(decodeSource(path, bytes)) : undefined;
}

function strings(node: TreeNode | undefined): string[] {
  if (!node) return [];
  if (node.kind === 'scalar') return typeof node.value === 'string' ? [node.value] : [];
  if (node.kind === 'seq') return node.items.flatMap(strings);
  return [];
}

const DEPENDENCY_TABLES = ['dependencies', 'dev-dependencies', 'build-dependencies'];

function get(tree: TreeNode | undefined, keys: string[]): TreeNode | undefined {
  return tree
    ? resolveKeyPath(
        tree,
        keys.map((name) => ({ type: 'key' as const, name })),
      )[0]?.node
    : undefined;
}

function scalar(node: TreeNode | undefined): unknown {
  return node?.kind === 'scalar' ? node.value : undefined;
}

/** cargo-release's settings for one crate: its own `release.toml` / `[package.metadata.release]`, else the workspace's. */
interface ReleaseSettings {
  release: boolean;
  replacements: TreeNode[];
  hook: string[];
  dependentVersion: string | undefined;
}

/** The release settings a table (a release.toml, or a `metadata.release` table) gives; undefined keys stay undefined. */
function settingsOf(table: TreeNode | undefined): Partial<ReleaseSettings> {
  if (table?.kind !== 'map') return {};
  const release = scalar(get(table, ['release']));
  const replacements = get(table, ['pre-release-replacements']);
  const hook = get(table, ['pre-release-hook']);
  const dependentVersion = scalar(get(table, ['dependent-version']));
  return {
    ...(typeof dependentVersion === 'string' ? { dependentVersion } : {}),
    ...(typeof release === 'boolean' ? { release } : {}),
    ...(replacements?.kind === 'seq' ? { replacements: replacements.items } : {}),
    ...(hook ? { hook: hook.kind === 'seq' ? strings(hook) : strings(hook).flatMap((h) => h.split(/\s+/)) } : {}),
  };
}

/** `(?m)`, `(?s)`, `(?i)` at the start of a Rust regex become JavaScript flags. */
function rustRegex(search: string, where: string): RegExp {
  let source = search;
  let flags = 'gd';
  for (let m = /^\(\?([imsx]+)\)/.exec(source); m; m = /^\(\?([imsx]+)\)/.exec(source)) {
    flags += (m[1] ?? '').replace(/x/g, '');
    source = source.slice(m[0].length);
  }
  try {
    return new RegExp(source, [...new Set(flags)].join(''));
  } catch (error) {
    throw new UserError(
      `${where}: the search regex "${search}" is not one relkit can run (${(error as Error).message}).`,
      'Simplify the regex in release.toml (relkit runs it as a JavaScript regex), or list the edit in `files`.',
      { input: 'preset' },
    );
  }
}

/** A crate's pre-release replacements as spec entries, paths relative to the crate as cargo-release reads them. */
function replacementEntries(items: TreeNode[], crateDir: string, crate: string, origin: string): SpecEntry[] {
  return items.map((item, n) => {
    const where = `${origin} pre-release-replacements[${n}]`;
    const file = scalar(get(item, ['file']));
    const search = scalar(get(item, ['search']));
    const replace = scalar(get(item, ['replace']));
    if (typeof file !== 'string' || typeof search !== 'string' || typeof replace !== 'string') {
      throw new UserError(
        `${where} needs \`file\`, \`search\` and \`replace\` strings.`,
        'Fix release.toml as cargo-release documents it (https://github.com/crate-ci/cargo-release/blob/master/docs/reference.md#pre-release-replacements).',
        { input: 'preset' },
      );
    }
    const count = (key: string) => {
      const value = scalar(get(item, [key]));
      return typeof value === 'number' ? value : undefined;
    };
    const exactly = count('exactly');
    const min = exactly ?? count('min') ?? 1;
    const max = exactly ?? count('max');
    const path = posix.normalize(crateDir ? `${crateDir}/${file}` : file);
    if (path.startsWith('../')) throw new UserError(`${where}: \`file\` "${file}" is outside the workspace.`, 'Point `file` at a file inside the repository.', { input: 'preset' });
    return {
      pattern: path.replace(/^\.\//, ''),
      optional: false,
      origin: where,
      selectors: [
        {
          kind: 'replace' as const,
          pattern: rustRegex(search, where),
          replacement: replace,
          placeholders: 'cargo' as const,
          crate,
          min,
          max,
          prerelease: scalar(get(item, ['prerelease'])) === true,
          optional: min === 0,
          text: `${where}: ${search}`,
        },
      ],
    };
  });
}

/**
 * A Cargo workspace as cargo-release bumps it (https://github.com/crate-ci/cargo-release/blob/master/docs/reference.md):
 * the shared `[workspace.package] version` and each released member's own version; members that are
 * not released (`publish = false`, `release = false`) keep theirs; a path dependency's requirement
 * changes only when it no longer matches the new version (ranges are never narrowed); README
 * dependency snippets for the released crates, the changelog's Unreleased section, and each crate's
 * `pre-release-replacements`. A `pre-release-hook` is a program relkit does not run: it is reported.
 */
const cargoWorkspace: PresetExpander = async (source) => {
  const manifest = await readToml(source, 'Cargo.toml');
  if (!manifest)
    throw new UserError(
      'Preset `cargo-workspace` needs a Cargo.toml at the workspace root, and there is none.',
      'Run the action in the repository root (`working-directory`), or list the files in `files`.',
      { input: 'preset' },
    );
  const workspaceToml = await readToml(source, 'release.toml');
  const workspaceSettings = { ...settingsOf(get(manifest, ['workspace', 'metadata', 'release'])), ...settingsOf(workspaceToml) };
  const members = strings(get(manifest, ['workspace', 'members']));
  const memberDirs = new Set<string>();
  for (const member of members) for (const file of await source.resolve(`${member.replace(/\/$/, '')}/Cargo.toml`, 'preset cargo-workspace')) memberDirs.add(file.slice(0, -'/Cargo.toml'.length));
  // cargo-release's `dependent-version`: `upgrade` (its default) or `fix`; `warn`, `error` and `ignore` of older releases change nothing.
  const policy = workspaceSettings.dependentVersion ?? 'upgrade';
  const requirements = (tables: string[]) => (['upgrade', 'fix'].includes(policy) ? tables.map((t) => `requirement ${t}.*[path].version ${policy}?`) : []);

  const crates: Array<{ dir: string; name: string; tree: TreeNode; released: boolean; settings: ReleaseSettings }> = [];
  const addCrate = async (dir: string, tree: TreeNode) => {
    const name = scalar(get(tree, ['package', 'name']));
    if (typeof name !== 'string') return;
    const own = { ...settingsOf(get(tree, ['package', 'metadata', 'release'])), ...settingsOf(dir ? await readToml(source, `${dir}/release.toml`) : undefined) };
    const settings: ReleaseSettings = {
      release: own.release ?? workspaceSettings.release ?? true,
      replacements: own.replacements ?? workspaceSettings.replacements ?? [],
      hook: own.hook ?? workspaceSettings.hook ?? [],
      dependentVersion: own.dependentVersion ?? workspaceSettings.dependentVersion,
    };
    const published = scalar(get(tree, ['package', 'publish'])) !== false;
    crates.push({ dir, name, tree, released: settings.release && published, settings });
  };
  if (get(manifest, ['package'])) await addCrate('', manifest);
  for (const dir of [...memberDirs].sort()) {
    const tree = await readToml(source, `${dir}/Cargo.toml`);
    if (tree) await addCrate(dir, tree);
  }

  const rootReleased = crates.find((c) => c.dir === '')?.released ?? false;
  const line = (path: string, selectors: string[]) => `${path}: ${selectors.join(', ')}`;
  const lines = [line('Cargo.toml', ['workspace.package.version?', ...(rootReleased ? ['package.version?'] : []), ...requirements(['workspace.dependencies', ...DEPENDENCY_TABLES])])];
  for (const crate of crates.filter((c) => c.dir !== '')) {
    // An unreleased member (e2e, examples) keeps its own version; its requirements still follow the release.
    const selectors = [...(crate.released ? ['package.version?'] : []), ...requirements(DEPENDENCY_TABLES)];
    if (selectors.length > 0) lines.push(line(`${crate.dir}/Cargo.toml`, selectors));
  }
  const released = crates
    .filter((c) => c.released)
    .map((c) => c.name)
    .sort();
  if (released.length > 0) lines.push(`README.md?: crate ${released.join(' ')}?`);
  lines.push('CHANGELOG.md?: changelog?');
  const entries = parseSpec(lines.join('\n'), 'preset cargo-workspace');
  const notes: string[] = [];
  for (const crate of crates.filter((c) => c.released)) {
    entries.push(...replacementEntries(crate.settings.replacements, crate.dir, crate.name, `${crate.dir ? `${crate.dir}/` : ''}release.toml (${crate.name})`));
  }
  const own = crates.filter((c) => c.released && c.settings.dependentVersion !== undefined && c.settings.dependentVersion !== policy);
  if (own.length > 0) notes.push(`${own.map((c) => c.name).join(', ')} set their own \`dependent-version\`; relkit applies the workspace's (\`${policy}\`) to every requirement.`);
  const hooks = new Map<string, string[]>();
  for (const crate of crates.filter((c) => c.released && c.settings.hook.length > 0)) hooks.set(crate.settings.hook.join(' '), [...(hooks.get(crate.settings.hook.join(' ')) ?? []), crate.name]);
  for (const [hook, names] of hooks) {
    notes.push(
      `release.toml runs the pre-release hook \`${hook}\` for ${names.join(', ')}; relkit does not run it, so whatever it edits (a changelog header, README versions, link rewrites) is not in this bump. Run it yourself, or express its edits as pre-release-replacements.`,
    );
  }
  return { entries, notes };
};

/**
 * A data preset on top of a dynamic one: the base's entries, with the paths the data names replaced,
 * and the base's note about a hook the data restates swapped for what of the hook it leaves out.
 */
function extending(base: PresetExpander, data: PresetData): PresetExpander {
  return async (source) => {
    const expanded = await base(source);
    const own = parseSpec(data.spec.join('\n'), `preset ${data.name}`);
    const replaced = new Set(own.map((e) => e.pattern));
    const restated = data.restates ?? [];
    return {
      entries: [...expanded.entries.filter((e) => !replaced.has(e.pattern)), ...own],
      notes: [
        ...expanded.notes.filter((note) => !restated.some((r) => note.includes(`\`${r.hook}\``))),
        ...restated.map((r) => `Preset ${data.name} makes the edits of the pre-release hook \`${r.hook}\` itself; it does not run ${r.skipped}.`),
      ],
    };
  };
}

const BASE_PRESETS: Record<string, PresetExpander> = { 'cargo-workspace': cargoWorkspace };
const DYNAMIC_PRESETS: Record<string, PresetExpander> = {
  ...BASE_PRESETS,
  ...Object.fromEntries(
    PRESETS.flatMap((p) => {
      if (p.extends === undefined) return [];
      const base = BASE_PRESETS[p.extends];
      if (!base) throw new Error(`Preset ${p.name} extends ${p.extends}, which is not a base preset.`);
      return [[p.name, extending(base, p)]];
    }),
  ),
};

export const PRESET_NAMES = [...STATIC_PRESETS.keys(), ...Object.keys(DYNAMIC_PRESETS)].sort();

function unknownPreset(name: string): UserError {
  return new UserError(`Input \`preset\` names "${name}", which is not a preset.`, `Use one of ${PRESET_NAMES.join(', ')}, or list the files in \`files\`.`, { input: 'preset' });
}

export function checkPresetNames(names: string[]): void {
  for (const name of names) if (!PRESET_NAMES.includes(name)) throw unknownPreset(name);
}

export async function expandPreset(source: FileSource, name: string): Promise<ExpandedPreset> {
  const text = STATIC_PRESETS.get(name);
  if (text !== undefined) return { entries: parseSpec(text, `preset ${name}`), notes: [] };
  const expand = DYNAMIC_PRESETS[name];
  if (!expand) throw unknownPreset(name);
  return expand(source);
}
