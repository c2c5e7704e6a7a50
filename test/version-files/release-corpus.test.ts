import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { applyPatch, createTwoFilesPatch, parsePatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { WritePath } from '@relkit/kit';
import { expandPreset, planBump, PRESETS, workspaceFiles, writeFilesAtomically } from '@relkit/version-files';
import { listFiles } from '../helpers/real-world.js';
import { scratchDir } from '../helpers/scratch.js';

/**
 * Real release commits, vendored by scripts/vendor-release-corpus.mjs (see NOTICE.md there):
 * `before/` is the parent's files (`.gz` when large), `release.patch` the commit's own diff,
 * `case.json` the inputs.
 */
const CORPUS = fileURLToPath(new URL('../fixtures/release-corpus/', import.meta.url));

interface Case {
  project: string;
  commit: string;
  subject: string;
  date: string;
  changed: string[];
  inputs: { preset: string; version: string; date?: string; 'tag-prefix'?: string };
  /** Files the release commit changed with a tool other than a version bump (Chart.lock), and why: not compared. */
  outOfScope?: Record<string, string>;
}

const presets = (await readdir(CORPUS)).filter((name) => !name.includes('.'));
const cases = (
  await Promise.all(presets.map(async (preset) => (await readdir(join(CORPUS, preset))).map((name) => ({ preset, name, dir: join(CORPUS, preset, name), extra: {} as Record<string, string> }))))
).flat();
/**
 * A preset that extends another (kube-rs on cargo-workspace) also checks its base on the same
 * releases: everything but the files its own lines rewrite, which the base leaves to the hook.
 */
const baseCases = PRESETS.filter((p) => p.extends !== undefined).flatMap((data) =>
  cases
    .filter((c) => c.preset === data.name)
    .map((c) => ({
      ...c,
      preset: data.extends!,
      extra: Object.fromEntries(
        data.spec.map((line) => [line.split(':')[0]!.replace(/\?$/, ''), `written by ${data.restates?.map((r) => r.hook).join(', ') ?? 'the project'} (restated by preset ${data.name})`]),
      ),
    })),
);

/** The parent's files, unpacked into `workspace`; returns their bytes by path. */
async function materialise(dir: string, workspace: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const stored of await listFiles(join(dir, 'before'))) {
    const raw = await readFile(join(dir, 'before', stored));
    const path = stored.endsWith('.gz') ? stored.slice(0, -3) : stored;
    const bytes = stored.endsWith('.gz') ? gunzipSync(raw) : raw;
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), bytes);
    files.set(path, bytes);
  }
  return files;
}

/** What the release commit left: the parent's files with the commit's patch applied. */
function released(before: Map<string, Buffer>, patch: string): Map<string, Buffer> {
  const after = new Map(before);
  for (const filePatch of parsePatch(patch)) {
    const path = (filePatch.newFileName ?? filePatch.oldFileName ?? '').replace(/^b\//, '');
    const text = applyPatch(before.get(path)?.toString('utf8') ?? '', filePatch);
    if (text === false) throw new Error(`release.patch does not apply to ${path}`);
    after.set(path, Buffer.from(text, 'utf8'));
  }
  return after;
}

describe('presets reproduce real release commits byte for byte', () => {
  it('has at least 8 real release commits for each preset in the corpus, each listed by its preset', async () => {
    for (const preset of presets) {
      const vendored = cases.filter((c) => c.preset === preset);
      expect(vendored.length, preset).toBeGreaterThanOrEqual(8);
      const checked = PRESETS.find((p) => p.name === preset)?.checkedAgainst.join('\n') ?? '';
      for (const c of vendored) {
        const spec = JSON.parse(await readFile(join(c.dir, 'case.json'), 'utf8')) as Case;
        expect(checked, `${preset} checkedAgainst names ${spec.commit.slice(0, 10)}`).toContain(`${spec.project}@${spec.commit.slice(0, 10)}`);
      }
    }
  });

  it('checks every preset that extends another on its base too', () => {
    expect(new Set(baseCases.map((c) => c.preset))).toEqual(new Set(PRESETS.flatMap((p) => (p.extends ? [p.extends] : []))));
  });

  it.each([...cases, ...baseCases].map((c) => [`${c.preset}: ${c.name}`, c] as const))('%s', async (_, { dir, preset, extra }) => {
    const spec = JSON.parse(await readFile(join(dir, 'case.json'), 'utf8')) as Case;
    spec.inputs.preset = preset;
    spec.outOfScope = { ...spec.outOfScope, ...extra };
    const workspace = await scratchDir('corpus');
    const before = await materialise(dir, workspace);
    const expected = released(before, await readFile(join(dir, 'release.patch'), 'utf8'));
    expect(
      [...expected.keys()].filter((p) => !before.has(p)),
      'the patch only changes vendored files',
    ).toEqual([]);

    const source = workspaceFiles(workspace);
    const { entries } = await expandPreset(source, spec.inputs.preset);
    const plan = await planBump({
      source,
      entries,
      version: spec.inputs.version,
      current: { kind: 'files' },
      tagPrefix: spec.inputs['tag-prefix'] ?? 'v',
      date: spec.inputs.date ?? spec.date,
      allowDowngrade: false,
    });
    await writeFilesAtomically(workspace, plan.files, new WritePath({ mock: false }));

    const differing: string[] = [];
    for (const [path, bytes] of expected) {
      if (spec.outOfScope?.[path] !== undefined) continue;
      const actual = await readFile(join(workspace, path));
      // The difference itself, so a failure says which line the preset got wrong.
      if (!bytes.equals(actual))
        differing.push(
          createTwoFilesPatch(`real/${path}`, `relkit/${path}`, bytes.toString('utf8'), actual.toString('utf8'), undefined, undefined, { context: 1 }).split('\n').slice(0, 30).join('\n'),
        );
    }
    expect(differing, `${spec.project}@${spec.commit.slice(0, 10)} "${spec.subject}"`).toEqual([]);

    // A re-run over the released files finds everything it wrote and changes nothing.
    const again = await planBump({
      source: workspaceFiles(workspace),
      entries,
      version: spec.inputs.version,
      current: { kind: 'files' },
      tagPrefix: spec.inputs['tag-prefix'] ?? 'v',
      date: spec.inputs.date ?? spec.date,
      allowDowngrade: false,
    });
    expect(again.files.map((f) => f.path)).toEqual([]);
  });
});
