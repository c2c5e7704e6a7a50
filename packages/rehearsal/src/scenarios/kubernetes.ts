import { PROMOTER_MANIFEST, promoterBot, promoterRepo } from './promoter.js';
import { commitOf, day, pr, type Scenario } from '../scenario.js';

export function kubernetes(): Scenario {
  const bot = promoterBot('example-bot');
  const prs = [
    pr(4101, 'Fix leader election when the lease is deleted', {
      user: 'k8s-dev',
      labels: ['kind/bug', 'cherry-pick-approved'],
      note: 'Fixed leader election after the lease is deleted.',
      base: 'release-1.31',
      files: { 'pkg/leader/lease.go': 'package leader // fixed\n' },
      at: 3,
    }),
    pr(4102, 'Bump golang.org/x/net to v0.33.0', {
      user: 'k8s-dev',
      labels: ['kind/cleanup'],
      note: 'NONE',
      base: 'release-1.31',
      files: { 'go.mod': 'module sigs.k8s.io/example\n\nrequire golang.org/x/net v0.33.0\n' },
      at: 4,
    }),
  ];
  return {
    name: 'kubernetes',
    title: 'Kubernetes patch release: mock first, then no-mock; image promotion PR in k8s.io, promoted images waited for with the staging digests, then published',
    process: 'the Kubernetes patch-release guide (krel and kpromo)',
    repository: 'kubernetes-sigs/example',
    dispatchBranch: 'release-1.31',
    repos: [
      {
        owner: 'kubernetes-sigs',
        name: 'example',
        ownerType: 'Organization',
        labels: [{ name: 'kind/bug' }, { name: 'kind/cleanup' }, { name: 'cherry-pick-approved' }],
        commits: [
          {
            id: 'v1313',
            message: 'Release v1.31.3',
            author: 'k8s-release',
            date: day(1),
            files: { 'go.mod': 'module sigs.k8s.io/example\n\nrequire golang.org/x/net v0.30.0\n', 'README.md': '# example\n' },
          },
          ...prs.map((p) => p.commit),
        ],
        branches: { main: 'v1313', 'release-1.31': commitOf(prs, 1) },
        tags: { 'v1.31.3': 'v1313' },
        releases: [{ tag: 'v1.31.3', name: 'v1.31.3', body: 'v1.31.3', target: 'v1313' }],
        pulls: prs.map((p) => p.pull),
      },
      promoterRepo('- name: controller\n  dmap:\n    "sha256:1111111111111111111111111111111111111111111111111111111111111111": ["v1.31.3"]\n'),
      bot.fork,
    ],
    identities: bot.identities,
    secrets: bot.secrets,
    inputs: {
      version: '1.31.4',
      branch: 'release-1.31',
      'bump-mode': 'none',
      images: '{registry}/k8s-staging-example/controller',
      platforms: 'linux/amd64, linux/arm64',
      'promote-repository': 'kubernetes/k8s.io',
      'promote-fork': 'example-bot/k8s.io',
      'promoter-manifest': PROMOTER_MANIFEST,
      'promoted-images': '{registry}/example/controller',
    },
    images: { staging: ['k8s-staging-example/controller'], platforms: ['linux/amd64', 'linux/arm64'], production: ['example/controller'] },
    promoter: { repository: 'kubernetes/k8s.io', manifest: PROMOTER_MANIFEST, mergeAfterMinutes: 90 },
    expect: {
      version: '1.31.4',
      tag: 'v1.31.4',
      branch: 'release-1.31',
      files: {},
      published: true,
      prerelease: false,
      latest: true,
      assets: [],
      notes: [/Fixed leader election after the lease is deleted/, /#4101/],
      locked: false,
    },
  };
}
