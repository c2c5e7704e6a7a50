import { isUserError } from '@relkit/kit';
import type { FileSource } from './file-source.js';
import { planBump, type BumpPlan } from './plan.js';
import { expandPreset } from './presets.js';
import { PRESETS } from './presets/index.js';
import { parseSpec } from './spec.js';

/** A way the repository could be bumped: a preset, a files spec, or both. */
export interface VersionFilesChoice {
  preset: string | undefined;
  files: string | undefined;
}

export interface DetectedVersionFiles extends VersionFilesChoice {
  /** The patch release of it, planned against the repository's files. */
  plan: BumpPlan;
  /** Every candidate tried before it, and why it did not fit. */
  rejected: Array<{ choice: string; why: string }>;
}

/**
 * Most specific first: a project preset (which covers its VERSION and charts) before the generic
 * ones, so Kata gets `kata` rather than `VERSION` alone.
 */
const CANDIDATES: VersionFilesChoice[] = [
  { preset: 'kata', files: undefined },
  { preset: 'metallb', files: undefined },
  { preset: 'cargo-workspace', files: undefined },
  { preset: 'npm', files: undefined },
  { preset: 'helm-chart', files: 'VERSION' },
  { preset: undefined, files: 'VERSION' },
  { preset: 'helm-chart', files: undefined },
];

export function describeChoice(choice: VersionFilesChoice): string {
  return [choice.preset ? `preset ${choice.preset}` : '', choice.files ? `version-files ${choice.files}` : ''].filter(Boolean).join(' + ');
}

/**
 * Which version files the repository has: the first candidate whose patch release plans cleanly
 * (every file there, every place found, one current version). Undefined when none fits.
 */
export async function detectVersionFiles(source: FileSource, options: { tagPrefix: string; date: string }): Promise<DetectedVersionFiles | undefined> {
  const rejected: DetectedVersionFiles['rejected'] = [];
  for (const choice of CANDIDATES) {
    try {
      const presetEntries = choice.preset ? (await expandPreset(source, choice.preset)).entries : [];
      // A project's preset fits only a tree with the files that make it that project: kata's chart
      // is optional for old stable branches, but a VERSION file alone is not Kata.
      const missing = [];
      for (const path of PRESETS.find((p) => p.name === choice.preset)?.identifiedBy ?? []) if ((await source.resolve(path, 'detection')).length === 0) missing.push(path);
      if (missing.length > 0) {
        rejected.push({ choice: describeChoice(choice), why: `no ${missing.join(', ')}` });
        continue;
      }
      const entries = [...presetEntries, ...(choice.files ? parseSpec(choice.files, 'detected') : [])];
      const plan = await planBump({ source, entries, bump: 'patch', current: { kind: 'files' }, tagPrefix: options.tagPrefix, date: options.date, allowDowngrade: false });
      if (plan.previous === undefined || plan.files.length === 0) {
        rejected.push({ choice: describeChoice(choice), why: 'no version found to bump' });
        continue;
      }
      return { ...choice, plan, rejected };
    } catch (error) {
      if (!isUserError(error)) throw error;
      rejected.push({ choice: describeChoice(choice), why: error.message });
    }
  }
  return undefined;
}
