import type { PresetData } from './types.js';

export const kata: PresetData = {
  name: 'kata',
  identifiedBy: ['VERSION', 'tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml'],
  models: "kata-containers/kata-containers: VERSION, and the kata-deploy Helm chart's version and appVersion once the chart exists (3.8 and later; older stable branches have none)",
  // The release script writes VERSION with `echo`: the version and one newline, whatever was there (3.6.0 added the newline 3.5.0 lacked).
  spec: ['VERSION: regex /^(\\d[^\\n]*\\n?)$/="{version}\\n"', 'tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml?: version, appVersion'],
  checkedAgainst: [
    'kata-containers/kata-containers@3c02758c2c (3.1.3)',
    'kata-containers/kata-containers@006ecce49a (3.2.0-rc0)',
    'kata-containers/kata-containers@224ae841ac (3.2.0)',
    'kata-containers/kata-containers@618121a654 (3.6.0)',
    'kata-containers/kata-containers@3037303e09 (3.10.0)',
    'kata-containers/kata-containers@b22d4429fb (3.10.1)',
    'kata-containers/kata-containers@0220b4d661 (3.19.1)',
    'kata-containers/kata-containers@a4cfe32157 (3.31.0)',
    'kata-containers/kata-containers@081a69fba0 (4.1.0)',
  ],
};
