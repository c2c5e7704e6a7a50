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
}

/**
 * Most specific first: a project preset (which covers its VERSION and charts) before the generic
 * ones, so Kata gets `kata` rather than `VERSION` alone.
 */
const CANDIDATES: VersionFilesChoice[] = [
  { preset: 'kata', files: undefined },
  { preset: 'metallb', files: undefined },
  { preset: 'kube-rs', files: undefined },
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
  for (const choice of CANDIDATES) {
    // A project's preset fits only a tree with the files that make it that project: kata's chart
    // is optional for old stable branches, but a VERSION file alone is not Kata.
    const identifying = PRESETS.find((p) => p.name === choice.preset)?.identifiedBy ?? [];
    if ((await Promise.all(identifying.map((path) => source.resolve(path, 'detection')))).some((found) => found.length === 0)) continue;
    try {
      const entries = [...(choice.preset ? (await expandPreset(source, choice.preset)).entries : []), ...(choice.files ? parseSpec(choice.files, 'detected') : [])];
      const plan = await planBump({ source, entries, bump: 'patch', current: { kind: 'files' }, tagPrefix: options.tagPrefix, date: options.date, allowDowngrade: false });
      if (plan.previous !== undefined && plan.files.length > 0) return { ...choice, plan };
    } catch (error) {
      // A candidate that does not plan (a file missing, a selector matching nothing) simply does not fit.
      if (!isUserError(error)) throw error;
    }
  }
  return undefined;
}
