import { defaultIdentities, type SeedCommit, type SeedFixture, type SeedIdentity, type SeedPull, type SeedRepo } from '@relkit/sandbox';

/**
 * The five public release processes relkit automates (Kata, MetalLB, Kubernetes, GAIE, kube-rs) as releases of small repositories shaped like the real
 * ones: the files their release commits touch, merged PRs with the labels and release-note blocks
 * their notes are made from, their branches, tags and earlier releases. Each says how it calls
 * release.yml and what its images are; `rehearse` and the scenario tests run them.
 */
export interface ImagePlan {
  /** Staging repositories (in the rehearsal registry) the project's image CI pushes `tag` to once the release commit lands. */
  staging: string[];
  platforms: string[];
  /** Production repositories the promoter copies the staging images to after the promotion PR merges. */
  production?: string[];
  /** What starts the project's image CI: a push to the release branch (default) or the release tag's push. */
  trigger?: 'branch' | 'tag';
}

export interface Scenario {
  name: string;
  title: string;
  /** The public release process this scenario follows, as the report names it ('' for none). */
  process: string;
  /** What was guessed rather than given (a repository's version files, its next version), for the report. */
  assumed?: string;
  repository: string;
  /** The branch the workflow is started on. */
  dispatchBranch: string;
  /**
   * A workflow_dispatch workflow of the repository to run (read from the dispatched commit), with
   * `inputs` as its inputs; without it, relkit's release.yml is called with `inputs` as its `with:`.
   */
  workflow?: string;
  repos: SeedRepo[];
  /** Inputs the caller's workflow passes to release.yml (mock is set by the run). */
  inputs: Record<string, string | boolean>;
  images?: ImagePlan;
  /**
   * The promoter repository whose PR a bot merges (as the image promoter's job would), after
   * `mergeAfterMinutes` on the sandbox clock (reviews take hours: tokens minted before must cope).
   */
  promoter?: { repository: string; manifest: string; mergeAfterMinutes?: number };
  /** Accounts besides the sandbox's own: the bot that owns the promoter fork, with its token. */
  identities?: SeedIdentity[];
  /** Secrets the repository holds whatever the App: RELKIT_PROMOTE_TOKEN (the fork owner's token). */
  secrets?: Record<string, string>;
  /** What a correct release leaves behind: the scenario tests check these. */
  expect: {
    version: string;
    tag: string;
    branch: string;
    files: Record<string, string | RegExp>;
    published: boolean;
    prerelease: boolean;
    latest: boolean;
    assets: string[];
    notes: Array<string | RegExp>;
    locked: boolean;
    movedBranches?: string[];
  };
}

const day = (n: number) => new Date(Date.UTC(2026, 9, 1 + n, 12)).toISOString();

export function pr(
  number: number,
  title: string,
  options: { user: string; labels?: string[]; note?: string; base?: string; files: Record<string, string>; at: number },
): { commit: SeedCommit; pull: SeedPull } {
  const id = `pr${number}`;
  return {
    commit: { id, message: `${title} (#${number})`, author: options.user, date: day(options.at), files: options.files },
    pull: {
      number,
      title,
      user: options.user,
      labels: options.labels ?? [],
      head: `${options.user}/${title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, 30)}`,
      base: options.base ?? 'main',
      mergeCommit: id,
      mergedAt: day(options.at),
      body: options.note === undefined ? `${title}.` : `${title}.\n\n\`\`\`release-note\n${options.note}\n\`\`\`\n`,
    },
  };
}

const chart = (name: string, version: string, appVersion: string) =>
  `apiVersion: v2\nname: ${name}\ndescription: A Helm chart for ${name}\ntype: application\n# Bumped by the release workflow.\nversion: "${version}"\nappVersion: "${appVersion}"\n`;

/** kata-deploy's local build, which the examples call as `make -C … kata-static-<arch>.tar.xz`. */
const KATA_LOCAL_BUILD = 'tools/packaging/kata-deploy/local-build/Makefile';
const KATA_MAKEFILE = 'kata-static-%.tar.xz:\n\tmkdir -p build\n\tprintf \'kata-static %s %s\\n\' "$$(cat ../../../../VERSION)" "$*" > build/$@\n';

function kata(): Scenario {
  const prs = [
    pr(10201, 'runtime: support virtio-mem hotplug on arm64', {
      user: 'ada',
      labels: ['kind/feature'],
      note: 'Memory hotplug with virtio-mem now works on arm64.',
      files: { 'src/runtime/virtcontainers/mem.go': 'package virtcontainers // virtio-mem\n' },
      at: 1,
    }),
    pr(10202, 'agent: fix a race when the guest pulls images', {
      user: 'grace',
      labels: ['kind/bug'],
      note: 'Fixed a race in guest image pull.',
      files: { 'src/agent/src/image.rs': '// image pull, race fixed\n' },
      at: 2,
    }),
    pr(10203, 'ci: bump the kernel config version', { user: 'linus', labels: ['area/ci'], note: 'NONE', files: { 'tools/packaging/kernel/kata_config_version': '142\n' }, at: 3 }),
  ];
  const chartPath = 'tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml';
  return {
    name: 'kata',
    title: 'Kata Containers: VERSION and the kata-deploy chart bumped, main locked, four architectures built into one draft, published, main unlocked',
    process: "Kata Containers' release documentation (kata-containers/kata-containers)",
    repository: 'kata-containers/kata-containers',
    dispatchBranch: 'main',
    repos: [
      {
        owner: 'kata-containers',
        name: 'kata-containers',
        ownerType: 'Organization',
        labels: [{ name: 'kind/feature' }, { name: 'kind/bug' }, { name: 'area/ci' }],
        commits: [
          {
            id: 'base',
            message: 'release: Kata Containers 3.9.0',
            author: 'kata-bot',
            date: day(0),
            files: { VERSION: '3.9.0\n', [chartPath]: chart('kata-deploy', '3.9.0', '3.9.0'), 'README.md': '# Kata Containers\n', [KATA_LOCAL_BUILD]: KATA_MAKEFILE },
          },
          ...prs.map((p) => p.commit),
        ],
        tags: { '3.9.0': 'base' },
        releases: [{ tag: '3.9.0', name: 'Kata Containers 3.9.0', body: 'Kata Containers 3.9.0', target: 'base' }],
        pulls: prs.map((p) => p.pull),
      },
    ],
    inputs: {
      version: 'minor',
      'tag-prefix': '',
      lock: true,
      'version-files': `VERSION\n${chartPath}: version, appVersion`,
      'build-command': 'mkdir -p build && printf "kata-static %s %s\\n" "$RELKIT_VERSION" "$RELKIT_TARGET" > "build/kata-static-$RELKIT_VERSION-$RELKIT_TARGET.tar.xz"',
      'build-targets': 'amd64 arm64 s390x ppc64le',
      assets: 'build/*.tar.xz',
    },
    expect: {
      version: '3.10.0',
      tag: '3.10.0',
      branch: 'main',
      files: { VERSION: '3.10.0\n', [chartPath]: chart('kata-deploy', '3.10.0', '3.10.0') },
      published: true,
      prerelease: false,
      latest: true,
      assets: ['kata-static-3.10.0-amd64.tar.xz', 'kata-static-3.10.0-arm64.tar.xz', 'kata-static-3.10.0-ppc64le.tar.xz', 'kata-static-3.10.0-s390x.tar.xz', 'SHA256SUMS'],
      notes: [/Memory hotplug with virtio-mem now works on arm64/, /Fixed a race in guest image pull/, /#10201/, /#10202/],
      locked: true,
    },
  };
}

function metallb(): Scenario {
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
        branches: { main: onMain[1]!.commit.id, 'v0.14': fix.commit.id, 'live-website': 'v0148' },
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

const PROMOTER_MANIFEST = 'registry.k8s.io/images/k8s-staging-example/images.yaml';

/** The sandbox seed of a scenario: its repositories, and the sandbox's identities plus its own. */
export function scenarioSeed(scenario: Scenario): SeedFixture {
  return { identities: [...defaultIdentities(), ...(scenario.identities ?? [])], repos: scenario.repos };
}

/**
 * A bot account with a fork of kubernetes/k8s.io, as Kubernetes projects open promotion PRs from a
 * bot's fork with the bot's token (an App installed on the fork could not open them upstream).
 */
function promoterBot(login: string): Pick<Scenario, 'identities' | 'secrets'> & { fork: SeedRepo } {
  const token = `ghp_sandbox_${login.replace(/-/g, '_')}`;
  return {
    identities: [{ token, kind: 'user', login }],
    secrets: { RELKIT_PROMOTE_TOKEN: token },
    fork: { owner: login, name: 'k8s.io', ownerType: 'User', fork: 'kubernetes/k8s.io', commits: [] },
  };
}

function promoterRepo(existing: string, manifest = PROMOTER_MANIFEST): SeedRepo {
  return {
    owner: 'kubernetes',
    name: 'k8s.io',
    ownerType: 'Organization',
    commits: [{ id: 'init', message: 'Add the example staging project', author: 'k8s-infra', date: day(0), files: { [manifest]: existing, 'README.md': '# k8s.io\n' } }],
  };
}

function kubernetes(): Scenario {
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
        branches: { main: 'v1313', 'release-1.31': prs[1]!.commit.id },
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

const GAIE_MANIFEST = 'registry.k8s.io/images/k8s-staging-gateway-api-inference-extension/images.yaml';

function gaie(): Scenario {
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
        branches: { main: 'rc0', 'release-1.2': prs[0]!.commit.id },
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

function kubeRs(): Scenario {
  const prs = [
    pr(1701, 'Add `Api::get_metadata_opt_with`', { user: 'clux', labels: ['changelog-add'], files: { 'kube-client/src/api.rs': '// get_metadata_opt_with\n' }, at: 2 }),
    pr(1702, 'Fix watcher backoff reset after a successful list', { user: 'nightkr', labels: ['changelog-fix'], files: { 'kube-runtime/src/watcher.rs': '// backoff reset\n' }, at: 3 }),
    pr(1703, 'Bump MSRV to 1.85', { user: 'newcomer-ferris', labels: ['changelog-change'], files: { 'Cargo.toml.msrv': '1.85\n' }, at: 4 }),
  ];
  const cargo = (v: string) =>
    `[workspace]\nresolver = "2"\nmembers = ["kube", "kube-client"]\n\n[workspace.package]\nversion = "${v}"\nedition = "2021"\n\n[workspace.dependencies]\nkube-client = { path = "kube-client", version = "=${v}", default-features = false }\n`;
  return {
    name: 'kube-rs',
    title: 'kube-rs: one version across the Cargo workspace, notes grouped by changelog-* labels with new contributors, the section written into CHANGELOG.md, left as a draft',
    process: "kube-rs's release process (kube-rs/kube)",
    repository: 'kube-rs/kube',
    dispatchBranch: 'main',
    repos: [
      {
        owner: 'kube-rs',
        name: 'kube',
        ownerType: 'Organization',
        labels: [{ name: 'changelog-add' }, { name: 'changelog-fix' }, { name: 'changelog-change' }],
        commits: [
          {
            id: 'v0990',
            message: 'release 0.99.0',
            author: 'clux',
            date: day(1),
            files: {
              'Cargo.toml': cargo('0.99.0'),
              'kube/Cargo.toml': '[package]\nname = "kube"\nversion.workspace = true\n\n[dependencies]\nkube-client.workspace = true\n',
              'kube-client/Cargo.toml': '[package]\nname = "kube-client"\nversion.workspace = true\n',
              'README.md':
                '# kube-rs\n\nSelect a version of `kube` along matching versions of k8s-openapi:\n\n```toml\n[dependencies]\nkube = { version = "0.99.0", features = ["runtime", "derive"] }\nk8s-openapi = { version = "0.24.0", features = ["latest"] }\n```\n',
              'CHANGELOG.md':
                '<!-- next-header -->\nUNRELEASED\n===================\n * see https://github.com/kube-rs/kube/compare/0.99.0...main\n\n[0.99.0](https://github.com/kube-rs/kube/releases/tag/0.99.0) / 2026-09-01\n===================\n * older notes\n',
              '.github/release.yml':
                'changelog:\n  categories:\n    - title: Added\n      labels: [changelog-add]\n    - title: Changed\n      labels: [changelog-change]\n    - title: Fixed\n      labels: [changelog-fix]\nrelease-note-blocks: false\n',
            },
          },
          ...prs.map((p) => p.commit),
        ],
        tags: { '0.99.0': 'v0990' },
        releases: [{ tag: '0.99.0', name: '0.99.0', body: '0.99.0', target: 'v0990' }],
        pulls: prs.map((p) => p.pull),
      },
    ],
    inputs: {
      version: 'minor',
      'tag-prefix': '',
      'version-files': 'Cargo.toml: workspace.package.version, workspace.dependencies.*[path].version',
      'changelog-file': 'CHANGELOG.md',
      publish: false,
    },
    expect: {
      version: '0.100.0',
      tag: '0.100.0',
      branch: 'main',
      files: { 'Cargo.toml': cargo('0.100.0'), 'CHANGELOG.md': /Added[\s\S]*get_metadata_opt_with[\s\S]*Fixed[\s\S]*watcher backoff/ },
      published: false,
      prerelease: false,
      latest: false,
      assets: [],
      notes: [/### Added/, /get_metadata_opt_with/, /### Fixed/, /newcomer-ferris/],
      locked: false,
    },
  };
}

export const SCENARIOS: Record<string, () => Scenario> = { kata, metallb, kubernetes, gaie, 'kube-rs': kubeRs };

export function scenario(name: string): Scenario {
  const make = SCENARIOS[name];
  if (!make) throw new Error(`no scenario "${name}": use one of ${Object.keys(SCENARIOS).join(', ')}`);
  return make();
}
