import { helmChart } from './helm-chart.js';
import { kata } from './kata.js';
import { metallb } from './metallb.js';
import { npm } from './npm.js';
import type { PresetData } from './types.js';

/** Every preset that is a spec (cargo-workspace reads the workspace and lives with the engine). Adding one is one file here. */
export const PRESETS: PresetData[] = [helmChart, kata, metallb, npm];
export type { PresetData } from './types.js';
