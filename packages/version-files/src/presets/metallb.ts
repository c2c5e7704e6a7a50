import type { PresetData } from './types.js';

export const metallb: PresetData = {
  name: 'metallb',
  identifiedBy: ['charts/metallb/Chart.yaml', 'internal/version/version.go'],
  models:
    "metallb/metallb as `inv release` (tasks.py) bumps it: the charts, the controller and speaker images, internal/version, the website's sidebar and links. An x.y.0 release moves what points at `main` to the tag, a patch release what points at the previous release",
  spec: [
    'charts/metallb/Chart.yaml: version, appVersion, dependencies[name=crds].version',
    'charts/metallb/charts/crds/Chart.yaml: version, appVersion',
    'config/**/*.yaml: image quay.io/metallb/controller, quay.io/metallb/speaker from main on x.y.0',
    // `perl s/version\s+=.*/` then gofmt: the placeholder's comment on main goes with the old value.
    'internal/version/version.go: regex /^\\s*version\\s*=\\s*("[^"]*".*)$/m=\'"{version}"\'',
    // The sidebar (until 0.14) reads `MetalLB vX.Y.Z`; 0.15 dropped the file.
    'website/content/_header.md?: regex /^MetalLB (.*)$/m={tag}',
    'website/content/*.md?: links metallb/metallb from main on x.y.0?',
    'website/content/*/*.md?: links metallb/metallb from main on x.y.0?',
    // kustomize references: tasks.py rewrites these two whatever they point at (not config/frr-k8s).
    'website/content/installation/_index.md?: regex /github\\.com\\/metallb\\/metallb\\/config\\/(?:native|frr)\\?ref=(.*)$/m={tag}',
  ],
  // Not v0.13.0 (its manifests kept `:main` init-container images, which tasks.py now refuses) nor
  // v0.14.0/v0.14.1 (their chart kept version 0.0.0 until 0d9af3f88 fixed the release task for 0.14.2).
  checkedAgainst: [
    'metallb/metallb@f287aea7b2 (0.13.4)',
    'metallb/metallb@b96bce6421 (0.13.7)',
    'metallb/metallb@4f7e299726 (0.13.12)',
    'metallb/metallb@7051d76ac2 (0.14.3)',
    'metallb/metallb@3cee8c018a (0.14.5)',
    'metallb/metallb@5765ee504d (0.14.9)',
    'metallb/metallb@f6cd5203a3 (0.15.0)',
    'metallb/metallb@942c2fe54a (0.15.2)',
    'metallb/metallb@85bfb4f0e0 (0.15.3)',
    'metallb/metallb@4c613e152c (0.16.0)',
    'metallb/metallb@791dfcc63c (0.16.1)',
  ],
};
