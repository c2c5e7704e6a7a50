import { UserError } from '@relkit/kit';
import type { FileSource } from './file-source.js';
import { parseTomlTree } from './formats/toml.js';
import { resolveKeyPath, type TreeNode } from './key-path.js';
import { decodeSource } from './source-file.js';
import { parseSpec, type SpecEntry } from './spec.js';

type PresetExpander = (source: FileSource) => Promise<string>;

const STATIC_PRESETS: Record<string, string> = {
  'helm-chart': '**/Chart.yaml: version, appVersion?',
  npm: ['package.json: version', 'package-lock.json?: version, packages[""].version?'].join('\n'),
  kata: ['VERSION', 'tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml: version, appVersion'].join('\n'),
  metallb: [
    'charts/metallb/Chart.yaml: version, appVersion, dependencies[name=crds].version',
    'charts/metallb/charts/crds/Chart.yaml: version, appVersion',
    'config/**/*.yaml: image quay.io/metallb/controller, quay.io/metallb/speaker',
    'internal/version/version.go: regex /^\\s*version\\s*=\\s*"([^"]*)"/m',
    'website/content/**/*.md?: links metallb/metallb?',
  ].join('\n'),
};

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

/**
 * A Cargo workspace as cargo-release bumps it: the shared `[workspace.package] version`, each
 * member's own version, `version = "=X"` on internal path dependencies, README dependency snippets
 * for the workspace's crates, and the changelog's Unreleased section.
 */
const cargoWorkspace: PresetExpander = async (source) => {
  const manifest = await readToml(source, 'Cargo.toml');
  if (!manifest) throw new UserError('Preset `cargo-workspace` needs a Cargo.toml at the workspace root, and there is none.', 'Run the action in the repository root (`working-directory`), or list the files in `files`.', { input: 'preset' });
  const members = strings(resolveKeyPath(manifest, [{ type: 'key', name: 'workspace' }, { type: 'key', name: 'members' }])[0]?.node);
  const memberDirs = new Set<string>();
  for (const member of members) for (const file of await source.resolve(`${member.replace(/\/$/, '')}/Cargo.toml`, 'preset cargo-workspace')) memberDirs.add(file.slice(0, -'/Cargo.toml'.length));
  const crates = new Set<string>();
  const pathDeps = (tree: TreeNode, tables: string[][]) => {
    for (const table of tables) {
      const parent = resolveKeyPath(tree, table.map((name) => ({ type: 'key' as const, name })))[0]?.node;
      if (parent?.kind === 'map') for (const [name, dep] of parent.entries) if (dep.kind === 'map' && dep.entries.some(([k]) => k === 'path')) crates.add(name);
    }
  };
  pathDeps(manifest, [['workspace', 'dependencies']]);
  const lines = ['Cargo.toml: workspace.package.version?, package.version?, workspace.dependencies.*[path].version?'];
  for (const dir of [...memberDirs].sort()) {
    const tree = await readToml(source, `${dir}/Cargo.toml`);
    if (!tree) continue;
    const name = resolveKeyPath(tree, [{ type: 'key', name: 'package' }, { type: 'key', name: 'name' }])[0]?.node;
    if (name?.kind === 'scalar' && typeof name.value === 'string') crates.add(name.value);
    pathDeps(tree, DEPENDENCY_TABLES.map((t) => [t]));
    lines.push(`${dir}/Cargo.toml: package.version?, ${DEPENDENCY_TABLES.map((t) => `${t}.*[path].version?`).join(', ')}`);
  }
  if (crates.size > 0) lines.push(`README.md?: crate ${[...crates].sort().join(' ')}?`);
  lines.push('CHANGELOG.md?: changelog?');
  return lines.join('\n');
};

const DYNAMIC_PRESETS: Record<string, PresetExpander> = { 'cargo-workspace': cargoWorkspace };

export const PRESET_NAMES = [...Object.keys(STATIC_PRESETS), ...Object.keys(DYNAMIC_PRESETS)].sort();

export function checkPresetNames(names: string[]): void {
  for (const name of names) {
    if (!PRESET_NAMES.includes(name)) {
      throw new UserError(`Input \`preset\` names "${name}", which is not a preset.`, `Use one of ${PRESET_NAMES.join(', ')}, or list the files in \`files\`.`, { input: 'preset' });
    }
  }
}

export async function expandPreset(source: FileSource, name: string): Promise<SpecEntry[]> {
  checkPresetNames([name]);
  const text = STATIC_PRESETS[name] ?? (await DYNAMIC_PRESETS[name]!(source));
  return parseSpec(text, `preset ${name}`);
}
