import type { PresetData } from './types.js';

export const helmChart: PresetData = {
  name: 'helm-chart',
  identifiedBy: [],
  models: 'any Helm chart: version, and appVersion where the chart has one',
  spec: ['**/Chart.yaml: version, appVersion?'],
  checkedAgainst: [],
};
