import { day, pr, type Scenario } from '../scenario.js';

export function kubeRs(): Scenario {
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
