import type { PresetData } from './types.js';

export const kubeRs: PresetData = {
  name: 'kube-rs',
  identifiedBy: ['release.toml', 'scripts/release-pre.sh', 'kube/Cargo.toml'],
  models:
    'kube-rs/kube as `cargo release` bumps it (release.toml: shared version, dependents upgraded), with the edits of its pre-release hook scripts/release-pre.sh made as data: the CHANGELOG header and compare link, issue links, and the version in README.md and kube-derive/README.md',
  extends: 'cargo-workspace',
  restates: [{ hook: '../scripts/release-pre.sh', skipped: 'its sanity check (that README recommends the k8s-openapi version `cargo tree` resolves)' }],
  // release-pre.sh, in its order: sd UNRELEASED, drop the old compare link, a new UNRELEASED header, issue links, sd PREV NEW.
  spec: [
    'CHANGELOG.md: replace /UNRELEASED/ -> "{version} / {date}", ' +
      'replace? / \\* see https:\\/\\/github\\.com\\/kube-rs\\/kube\\/compare\\/.*\\.\\.\\.main\\n/ -> "", ' +
      'replace /<!-- next-header -->/ -> "<!-- next-header -->\\nUNRELEASED\\n===================\\n * see https://github.com/kube-rs/kube/compare/{version}...main\\n", ' +
      'replace? / #(\\d+)/ -> " [#$1](https://github.com/kube-rs/kube/issues/$1)"',
    'README.md: literal "{previous}" -> "{version}"',
    'kube-derive/README.md?: literal? "{previous}" -> "{version}"',
  ],
  // Not 0.74.0/0.75.0 (before the repository's rename the hook wrote kube-rs/kube-rs links against
  // master), 2.0.0 (README was bumped by hand, so the hook skipped itself and the CHANGELOG kept
  // UNRELEASED), nor 3.1.0 and later (the hook's `sd` stopped removing the old compare link; the
  // script still says to, and this preset does).
  checkedAgainst: [
    'kube-rs/kube@cd7e00e9af (0.76.0)',
    'kube-rs/kube@c04539fcaf (0.77.0)',
    'kube-rs/kube@7d356faaeb (0.82.1)',
    'kube-rs/kube@c1e8e64521 (0.87.2)',
    'kube-rs/kube@74d90c9060 (0.88.1)',
    'kube-rs/kube@5dce83b7f1 (0.90.0)',
    'kube-rs/kube@76944b40d3 (0.94.2)',
    'kube-rs/kube@c9b7b70f7f (0.99.0)',
    'kube-rs/kube@ed3d3902f1 (1.0.0)',
    'kube-rs/kube@1ba4b2ad63 (1.1.0)',
    'kube-rs/kube@45f9c9b18b (2.0.1)',
    'kube-rs/kube@8ed4a1debe (3.0.0)',
    'kube-rs/kube@28e63b6b7b (3.0.1)',
  ],
};
