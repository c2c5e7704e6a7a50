import { commitOf, day, pr, type Scenario } from '../scenario.js';

export function metallb(): Scenario {
  const onMain = [
    pr(2601, 'Add BGP communities to the speaker', {
      user: 'fedepaol',
      labels: ['kind/feature'],
      note: 'The speaker announces BGP communities from the BGPAdvertisement.',
      files: { 'speaker/bgp.go': 'package speaker // communities\n' },
      at: 2,
    }),
    pr(2602, 'Fix the speaker crash on empty node labels', {
      user: 'oribon',
      labels: ['kind/bug'],
      note: 'Fixed a speaker crash when a node has no labels.',
      files: { 'speaker/node.go': 'package speaker // labels fixed\n' },
      at: 3,
    }),
  ];
  const backport = pr(2610, 'Automated cherry pick of #2602: Fix the speaker crash on empty node labels', {
    user: 'metallb-bot',
    labels: ['kind/bug'],
    base: 'v0.14',
    files: { 'speaker/node.go': 'package speaker // labels fixed\n' },
    at: 4,
  });
  const fix = pr(2611, 'Document the FRR-K8s mode upgrade', {
    user: 'gclawes',
    labels: ['kind/documentation'],
    note: 'Documented how to upgrade to the FRR-K8s mode.',
    base: 'v0.14',
    files: { 'website/content/upgrade.md': 'Upgrade to FRR-K8s mode. See https://github.com/metallb/metallb/tree/v0.14.8/config\n' },
    at: 5,
  });
  const files = {
    'charts/metallb/Chart.yaml': 'apiVersion: v2\nname: metallb\nversion: 0.14.8\nappVersion: v0.14.8\ndependencies:\n  - name: crds\n    version: 0.14.8\n    repository: "file://charts/crds"\n',
    'charts/metallb/charts/crds/Chart.yaml': 'apiVersion: v2\nname: crds\nversion: 0.14.8\nappVersion: v0.14.8\n',
    'config/manifests/metallb-native.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller\nspec:\n  template:\n    spec:\n      containers:\n        - name: controller\n          image: quay.io/metallb/controller:v0.14.8\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: speaker\nspec:\n  template:\n    spec:\n      containers:\n        - name: speaker\n          image: quay.io/metallb/speaker:v0.14.8 # the speaker\n',
    'internal/version/version.go': 'package version\n\nvar (\n\tversion = "0.14.8"\n)\n',
    'website/content/upgrade.md': 'Upgrade. See https://github.com/metallb/metallb/tree/v0.14.8/config\n',
  };
  return {
    name: 'metallb',
    title: 'MetalLB: v0.14.9 from the v0.14 release branch, notes with cherry-picks credited, images waited for on every platform, live-website moved',
    process: "MetalLB's release process (metallb/metallb)",
    repository: 'metallb/metallb',
    dispatchBranch: 'v0.14',
    repos: [
      {
        owner: 'metallb',
        name: 'metallb',
        ownerType: 'Organization',
        labels: [{ name: 'kind/feature' }, { name: 'kind/bug' }, { name: 'kind/documentation' }],
        commits: [
          { id: 'v0148', message: 'Automated update for release v0.14.8', author: 'fedepaol', date: day(1), files },
          ...onMain.map((p) => p.commit),
          { ...backport.commit, parents: ['v0148'] },
          { ...fix.commit, parents: [backport.commit.id] },
        ],
        branches: { main: commitOf(onMain, 1), 'v0.14': fix.commit.id, 'live-website': 'v0148' },
        tags: { 'v0.14.8': 'v0148' },
        releases: [{ tag: 'v0.14.8', name: 'v0.14.8', body: 'MetalLB v0.14.8', target: 'v0148' }],
        pulls: [...onMain, backport, fix].map((p) => p.pull),
      },
    ],
    inputs: {
      version: '0.14.9',
      branch: 'v0.14',
      'version-files': [
        'charts/metallb/Chart.yaml: version, appVersion, dependencies[name=crds].version',
        'charts/metallb/charts/crds/Chart.yaml: version, appVersion',
        'config/**/*.yaml: image quay.io/metallb/controller, quay.io/metallb/speaker',
        'internal/version/version.go: regex /version = "(.*)"/',
        'website/content/**/*.md: links metallb/metallb',
      ].join('\n'),
      images: '{registry}/metallb/controller\n{registry}/metallb/speaker',
      platforms: 'linux/amd64, linux/arm64, linux/arm/v7, linux/ppc64le, linux/s390x',
      // MetalLB's CI builds the images when the release tag is pushed.
      'image-trigger': 'tag',
      'move-branches': 'live-website',
    },
    images: { staging: ['metallb/controller', 'metallb/speaker'], platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x'], trigger: 'tag' },
    expect: {
      version: '0.14.9',
      tag: 'v0.14.9',
      branch: 'v0.14',
      files: {
        'charts/metallb/Chart.yaml': /version: 0\.14\.9\nappVersion: v0\.14\.9\n[\s\S]*version: 0\.14\.9\n/,
        'config/manifests/metallb-native.yaml': /controller:v0\.14\.9[\s\S]*speaker:v0\.14\.9 # the speaker/,
        'internal/version/version.go': /version = "0\.14\.9"/,
        'website/content/upgrade.md': /tree\/v0\.14\.9\/config/,
      },
      published: true,
      prerelease: false,
      latest: true,
      assets: [],
      notes: [/Fixed a speaker crash when a node has no labels/, /#2602/, /Documented how to upgrade to the FRR-K8s mode/, /@fedepaol|@oribon|@gclawes/],
      locked: false,
      movedBranches: ['live-website'],
    },
  };
}
