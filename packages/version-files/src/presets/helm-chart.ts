import type { PresetData } from './types.js';

export const helmChart: PresetData = {
  name: 'helm-chart',
  identifiedBy: [],
  models: 'any Helm chart: version, and appVersion where the chart has one',
  spec: ['**/Chart.yaml: version, appVersion?'],
  // Checked through the charts of the kata and metallb corpora, whose chart version is the release's.
  // Chart-only repositories (metrics-server) version the chart apart from the app and write release
  // annotations by hand, which this generic preset does not model.
  checkedAgainst: [],
};
