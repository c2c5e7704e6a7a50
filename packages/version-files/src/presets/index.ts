import { helmChart } from './helm-chart.js';
import { kata } from './kata.js';
import { kubeRs } from './kube-rs.js';
import { metallb } from './metallb.js';
import { npm } from './npm.js';
import type { PresetData } from './types.js';

/**
 * Every preset that is data: a spec, or a spec on top of cargo-workspace (which reads the workspace
 * and lives with the engine). Adding one is one file here.
 */
export const PRESETS: PresetData[] = [helmChart, kata, kubeRs, metallb, npm];
export type { PresetData } from './types.js';
