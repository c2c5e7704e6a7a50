import { cp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WritePath } from '@relkit/kit';
import { expandPreset, planBump, workspaceFiles, writeFilesAtomically } from '@relkit/version-files';
import { listFiles } from '../helpers/real-world.js';
import { scratchDir } from '../helpers/scratch.js';

/**
 * Real release commits, vendored by scripts/vendor-release-corpus.mjs (see NOTICE.md there):
 * `before/` is the parent's files, `after/` the release commit's, `case.json` the inputs.
 */
const CORPUS = fileURLToPath(new URL('../fixtures/release-corpus/', import.meta.url));

interface Case {
  project: string;
  commit: string;
  subject: string;
  date: string;
  changed: string[];
  inputs: { preset: string; version: string; date?: string; 'tag-prefix'?: string };
  /** Files the release commit changed with a tool other than a version bump (Chart.lock): not compared. */
  outOfScope?: string[];
}

const presets = (await readdir(CORPUS, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
const cases = (
  await Promise.all(presets.map(async (preset) => (await readdir(join(CORPUS, preset))).map((name) => ({ preset, name, dir: join(CORPUS, preset, name) }))))
).flat();

describe('presets reproduce real release commits byte for byte', () => {
  it('has at least 8 real release commits for each preset in the corpus', () => {
    for (const preset of presets) expect(cases.filter((c) => c.preset === preset).length, preset).toBeGreaterThanOrEqual(8);
  });

  it.each(cases.map((c) => [`${c.preset}: ${c.name}`, c] as const))('%s', async (_, { dir }) => {
    const spec = JSON.parse(await readFile(join(dir, 'case.json'), 'utf8')) as Case;
    const workspace = await scratchDir('corpus');
    await cp(join(dir, 'before'), workspace, { recursive: true });
    const source = workspaceFiles(workspace);
    const { entries } = await expandPreset(source, spec.inputs.preset);
    const plan = await planBump({ source, entries, version: spec.inputs.version, current: { kind: 'files' }, tagPrefix: spec.inputs['tag-prefix'] ?? 'v', date: spec.inputs.date ?? spec.date, allowDowngrade: false });
    await writeFilesAtomically(workspace, plan.files, new WritePath({ mock: false }));
    const outOfScope = new Set(spec.outOfScope ?? []);
    const differing: string[] = [];
    for (const path of await listFiles(join(dir, 'after'))) {
      if (outOfScope.has(path)) continue;
      if (!(await readFile(join(dir, 'after', path))).equals(await readFile(join(workspace, path)))) differing.push(path);
    }
    expect(differing, `${spec.project}@${spec.commit.slice(0, 10)} "${spec.subject}"`).toEqual([]);
  });
});
