import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { relkit } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

describe('relkit rehearse (committed bundle)', () => {
  it('releases the Kata demo end to end and reports jobs, diff, notes, release, lock', async () => {
    const { code, stdout, stderr } = await relkit(['rehearse']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain("modelled on Kata Containers' release documentation (kata-containers/kata-containers)");
    expect(stdout).toMatch(/✓ plan {5}success/);
    expect(stdout).toMatch(/✓ Build ppc64le/);
    expect(stdout).toContain('-3.9.0\n    +3.10.0');
    expect(stdout).toContain('Memory hotplug with virtio-mem now works on arm64.');
    expect(stdout).toMatch(/Release 3\.10\.0: published, latest\n {4}kata-static-3\.10\.0-amd64\.tar\.xz/);
    expect(stdout).toMatch(/Lock: main locked \(\d+\) during the release; unlock job success; rulesets on the repository now: 0/);
    expect(stdout).toMatch(/GitHub API: \d+ request\(s\) \(\d+ GraphQL\) in the whole run\.\n\nRelease finished\.$/m);
  });

  it('--scenario kubernetes --mock plans the promotion without changing anything', async () => {
    const { code, stdout } = await relkit(['rehearse', '--scenario', 'kubernetes', '--mock']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/relkit rehearsal: kubernetes \(mock\)/);
    expect(stdout).toMatch(/Release v1\.31\.4: planned, not created \(mock\)/);
    expect(stdout).toMatch(/Promotion PR in kubernetes\/k8s.io \(mock: would be created\)\n[\s\S]*\+ {4}"sha256:[0-9a-f]{64}": \["v1.31.4"\]/);
    expect(stdout).toContain('Release rehearsed in mock mode: nothing was changed.');
  });

  // Two whole releases through the CLI's bundle: on two busy cores this can pass the default minute.
  it('--repo-dir releases the git repository in a folder, and an unknown scenario is refused', async () => {
    const dir = await scratchDir('rehearse-repo');
    const git = (...args: string[]) =>
      promisify(execFile)('git', ['-C', dir, ...args], {
        env: { ...process.env, GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com' },
      });
    await git('init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'VERSION'), '1.4.2\n');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'main.go'), 'package main\n');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Fix the thing (#7)');
    await git('tag', 'v1.4.2');
    const { code, stdout } = await relkit(['rehearse', '--repo-dir', dir, '--repo', 'acme/tool']);
    expect(code).toBe(0);
    expect(stdout).toContain('-1.4.2\n    +1.4.3');
    expect(stdout).toMatch(/Release v1\.4\.3: published, latest/);
    expect(stdout).toContain('1 pull request(s) derived from merge and squash commit messages');
    expect(stdout).toContain('Assumed: a patch release 1.4.2 → 1.4.3 of version-files VERSION (1 place(s) in 1 file(s), read from VERSION (whole file)), after v1.4.2, tags like vX.Y.Z.');

    const noBranch = await relkit(['rehearse', '--repo-dir', dir, '--branch', 'release-9.9']);
    expect(noBranch.code).toBe(2);
    expect(noBranch.stderr).toMatch(/^relkit: sandbox\/\S+ has no branch release-9\.9 to release from\.\nFix: /);
    const badInput = await relkit(['rehearse', '--repo-dir', dir, '--inputs', '{"version":"patch","verison-files":"VERSION"}']);
    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toMatch(/^relkit: release\.yml has no input `verison-files`\.\nFix: Use its inputs: version, mock, branch,/);
    expect(badInput.stderr).not.toMatch(/\n\s+at /);

    // Named as its origin names it, and read from a bare clone as well as from a work tree.
    await git('remote', 'add', 'origin', 'git@github.com:acme/tool.git');
    const bare = `${dir}-bare.git`;
    await promisify(execFile)('git', ['clone', '-q', '--bare', dir, bare]);
    await promisify(execFile)('git', ['-C', bare, 'remote', 'set-url', 'origin', 'https://github.com/acme/tool']);
    for (const where of [dir, bare]) {
      const named = await relkit(['rehearse', '--repo-dir', where, '--mock']);
      expect(named.code, named.stderr).toBe(0);
      expect(named.stdout).toMatch(/Rehearsing acme\/tool from /);
    }

    // A Cargo workspace (kube-rs's shape) is found as one, its crates and README bumped together.
    const cargo = await scratchDir('rehearse-cargo');
    const cgit = (...args: string[]) =>
      promisify(execFile)('git', ['-C', cargo, ...args], {
        env: { ...process.env, GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com' },
      });
    await cgit('init', '-q', '-b', 'main');
    mkdirSync(join(cargo, 'kube-core'));
    writeFileSync(
      join(cargo, 'Cargo.toml'),
      '[workspace]\nmembers = ["kube-core"]\n\n[workspace.package]\nversion = "0.9.1"\n\n[workspace.dependencies]\nkube-core = { path = "kube-core", version = "=0.9.1" }\n',
    );
    writeFileSync(join(cargo, 'kube-core', 'Cargo.toml'), '[package]\nname = "kube-core"\nversion.workspace = true\n');
    writeFileSync(join(cargo, 'README.md'), '```toml\n[dependencies]\nkube-core = "0.9.1"\n```\n');
    writeFileSync(join(cargo, 'release.toml'), 'shared-version = true\npre-release-hook = ["../scripts/release-pre.sh"]\n');
    await cgit('add', '-A');
    await cgit('commit', '-q', '-m', 'Merge pull request #3 from someone/feature\n\nAdd the core crate');
    await cgit('tag', '0.9.1');
    const proposed = await relkit(['rehearse', '--repo-dir', cargo, '--repo', 'acme/kube', '--mock']);
    expect(proposed.code, proposed.stderr).toBe(0);
    // The hook relkit does not run is in the report, not only in a step's log.
    expect(proposed.stdout).toMatch(/\nWarnings\n( {2}! .*\n)* {2}! \w+ \/ [\w-]+: release\.toml runs the pre-release hook `\.\.\/scripts\/release-pre\.sh` for kube-core; relkit does not run it/);
    expect(proposed.stdout).toMatch(
      /Assumed: a patch release 0\.9\.1 → 0\.9\.2 of preset cargo-workspace \(3 place\(s\) in 2 file\(s\), read from Cargo\.toml .*\), after 0\.9\.1, tags like X\.Y\.Z\./,
    );

    const refused = await relkit(['rehearse', '--scenario', 'nope']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--scenario nope is not a scenario[\s\S]*Fix: Use one of: kata, metallb, kubernetes, gaie, kube-rs/);
  }, 180_000);
});
