import { promoterBot, promoterRepo } from './promoter.js';
import { commitOf, day, pr, type Scenario } from '../scenario.js';

const GAIE_MANIFEST = 'registry.k8s.io/images/k8s-staging-gateway-api-inference-extension/images.yaml';

export function gaie(): Scenario {
  const bot = promoterBot('gaie-bot');
  const prs = [
    pr(1501, 'EPP: score endpoints by queue depth', {
      user: 'kfswain',
      labels: ['kind/feature'],
      note: 'The endpoint picker scores endpoints by queue depth.',
      base: 'release-1.2',
      files: { 'pkg/epp/scorer.go': 'package epp // queue depth\n' },
      at: 3,
    }),
  ];
  const manifest =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: epp\nspec:\n  template:\n    spec:\n      containers:\n        - name: epp\n          image: registry.k8s.io/gateway-api-inference-extension/epp:v1.2.0-rc.0\n          imagePullPolicy: IfNotPresent\n';
  return {
    name: 'gaie',
    title: 'Gateway API Inference Extension: v1.2.0-rc.1 on release-1.2, manifests bumped, a pre-release that is not latest with its manifests attached, images.yaml PR with tag and digest',
    process: "Gateway API Inference Extension's new-release checklist (kubernetes-sigs/gateway-api-inference-extension)",
    repository: 'kubernetes-sigs/gateway-api-inference-extension',
    dispatchBranch: 'release-1.2',
    repos: [
      {
        owner: 'kubernetes-sigs',
        name: 'gateway-api-inference-extension',
        ownerType: 'Organization',
        labels: [{ name: 'kind/feature' }],
        commits: [
          {
            id: 'v110',
            message: 'Updates artifacts for v1.1.0 release',
            author: 'k8s-release',
            date: day(0),
            files: {
              'config/manifests/epp.yaml': manifest.replace('v1.2.0-rc.0', 'v1.1.0'),
              Makefile: 'release:\n\t./hack/release.sh\n\nartifacts:\n\tmkdir -p artifacts\n\tcat config/manifests/*.yaml > artifacts/manifests.yaml\n',
            },
          },
          { id: 'rc0', message: 'Updates artifacts for v1.2.0-rc.0 release', author: 'k8s-release', date: day(1), files: { 'config/manifests/epp.yaml': manifest } },
          ...prs.map((p) => p.commit),
        ],
        branches: { main: 'rc0', 'release-1.2': commitOf(prs, 0) },
        tags: { 'v1.1.0': 'v110', 'v1.2.0-rc.0': 'rc0' },
        releases: [
          { tag: 'v1.1.0', name: 'v1.1.0', body: 'v1.1.0', target: 'v110' },
          { tag: 'v1.2.0-rc.0', name: 'v1.2.0-rc.0', body: 'v1.2.0-rc.0', target: 'rc0', prerelease: true },
        ],
        pulls: prs.map((p) => p.pull),
      },
      promoterRepo('- name: epp\n  dmap:\n    "sha256:2222222222222222222222222222222222222222222222222222222222222222": ["v1.1.0"]\n', GAIE_MANIFEST),
      bot.fork,
    ],
    identities: bot.identities,
    secrets: bot.secrets,
    inputs: {
      version: '1.2.0-rc.1',
      branch: 'release-1.2',
      'version-files': 'config/manifests/*.yaml: image registry.k8s.io/gateway-api-inference-extension/epp',
      'build-command': 'mkdir -p artifacts && cat config/manifests/*.yaml > artifacts/manifests.yaml',
      assets: 'artifacts/manifests.yaml',
      images: '{registry}/k8s-staging-images/gateway-api-inference-extension/epp',
      'promote-repository': 'kubernetes/k8s.io',
      'promote-fork': 'gaie-bot/k8s.io',
      'promoter-manifest': GAIE_MANIFEST,
    },
    images: { staging: ['k8s-staging-images/gateway-api-inference-extension/epp'], platforms: ['linux/amd64'] },
    expect: {
      version: '1.2.0-rc.1',
      tag: 'v1.2.0-rc.1',
      branch: 'release-1.2',
      files: { 'config/manifests/epp.yaml': manifest.replace('v1.2.0-rc.0', 'v1.2.0-rc.1') },
      published: true,
      prerelease: true,
      latest: false,
      assets: ['manifests.yaml', 'SHA256SUMS'],
      notes: [/The endpoint picker scores endpoints by queue depth/, /#1501/],
      locked: false,
    },
  };
}
