import { day, pr, type Scenario } from '../scenario.js';

const chart = (name: string, version: string, appVersion: string) =>
  `apiVersion: v2\nname: ${name}\ndescription: A Helm chart for ${name}\ntype: application\n# Bumped by the release workflow.\nversion: "${version}"\nappVersion: "${appVersion}"\n`;

/** kata-deploy's local build, which the examples call as `make -C … kata-static-<arch>.tar.xz`. */
const KATA_LOCAL_BUILD = 'tools/packaging/kata-deploy/local-build/Makefile';
const KATA_MAKEFILE = 'kata-static-%.tar.xz:\n\tmkdir -p build\n\tprintf \'kata-static %s %s\\n\' "$$(cat ../../../../VERSION)" "$*" > build/$@\n';

export function kata(): Scenario {
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
