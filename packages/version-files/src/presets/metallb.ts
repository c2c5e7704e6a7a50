import type { PresetData } from './types.js';

export const metallb: PresetData = {
  name: 'metallb',
  identifiedBy: ['charts/metallb/Chart.yaml', 'internal/version/version.go'],
  models: 'metallb/metallb: the charts, the manifests\' images, internal/version and versioned website links, as `inv release` bumps them on a release branch',
  spec: [
    'charts/metallb/Chart.yaml: version, appVersion, dependencies[name=crds].version',
    'charts/metallb/charts/crds/Chart.yaml: version, appVersion',
    'config/**/*.yaml: image quay.io/metallb/controller, quay.io/metallb/speaker',
    'internal/version/version.go: regex /^\\s*version\\s*=\\s*"([^"]*)"/m',
    'website/content/**/*.md?: links metallb/metallb?',
  ],
  checkedAgainst: ['metallb/metallb (v0.16.1, test/fixtures/real-world/metallb-v0.16.1)'],
};
