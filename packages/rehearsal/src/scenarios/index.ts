import type { Scenario } from '../scenario.js';
import { gaie } from './gaie.js';
import { kata } from './kata.js';
import { kubeRs } from './kube-rs.js';
import { kubernetes } from './kubernetes.js';
import { metallb } from './metallb.js';

export const SCENARIOS: Record<string, () => Scenario> = { kata, metallb, kubernetes, gaie, 'kube-rs': kubeRs };

export function scenario(name: string): Scenario {
  const make = SCENARIOS[name];
  if (!make) throw new Error(`no scenario "${name}": use one of ${Object.keys(SCENARIOS).join(', ')}`);
  return make();
}
