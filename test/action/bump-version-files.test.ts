import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { errors, runAction } from '../helpers/action.js';
import { copyBefore, differingFiles, listFiles } from '../helpers/real-world.js';
import { scratchDir } from '../helpers/scratch.js';

const run = (cwd: string, inputs: Record<string, string>) => runAction('bump-version-files', undefined, inputs, { cwd, env: { GITHUB_REPOSITORY: undefined } });

async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const path of await listFiles(dir)) files.set(path, (await readFile(join(dir, path))).toString('base64'));
  return files;
}

describe('bump-version-files reproduces real release commits byte for byte', () => {
  it('Kata Containers 4.1.0 with preset kata and bump minor', async () => {
    const dir = await copyBefore('kata-4.1.0');
    const result = await run(dir, { preset: 'kata', bump: 'minor' });
    expect(errors(result)).toEqual([]);
    expect(await differingFiles('kata-4.1.0', dir)).toEqual([]);
    expect(result.outputs).toMatchObject({ version: '4.1.0', 'previous-version': '4.0.0', tag: 'v4.1.0', prerelease: 'false', changed: 'true', 'commit-sha': '' });
    expect(JSON.parse(result.outputs['changed-files']!)).toEqual(['VERSION', 'tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml']);
    expect(result.summary).toContain('-appVersion: "4.0.0"');
    expect(result.summary).toContain('+appVersion: "4.1.0"');
  });

  it('MetalLB v0.16.1 with preset metallb', async () => {
    const dir = await copyBefore('metallb-v0.16.1');
    const result = await run(dir, { preset: 'metallb', version: 'v0.16.1' });
    expect(errors(result)).toEqual([]);
    expect(await differingFiles('metallb-v0.16.1', dir)).toEqual([]);
    expect(result.outputs).toMatchObject({ version: '0.16.1', 'previous-version': '0.16.0', tag: 'v0.16.1', changed: 'true' });
    expect(JSON.parse(result.outputs['changed-files']!)).toHaveLength(17);
  });

  it('kube-rs 4.2.0 with preset cargo-workspace, README snippets and the CHANGELOG section dated by input', async () => {
    const dir = await copyBefore('kube-4.2.0');
    const result = await run(dir, { preset: 'cargo-workspace', version: '4.2.0', date: '2026-07-22', 'tag-prefix': '' });
    expect(errors(result)).toEqual([]);
    expect(await differingFiles('kube-4.2.0', dir)).toEqual([]);
    expect(result.outputs).toMatchObject({ version: '4.2.0', 'previous-version': '4.0.0', tag: '4.2.0' });
  });

  it('Gateway API Inference Extension v1.6.0: values that were not the old version, a registry move and a literal edit', async () => {
    const dir = await copyBefore('gaie-v1.6.0');
    const files = [
      'config/crd/bases/*.yaml: metadata.annotations["inference.networking.k8s.io/bundle-version"]=v{version}',
      'conformance/go.mod: regex /^\\s*sigs\\.k8s\\.io\\/gateway-api-inference-extension (\\S+)$/m',
      'version/version.go: regex /BundleVersion = "(.*)"/=v{version}',
      'conformance/resources/base.yaml: image us-central1-docker.pkg.dev/k8s-staging-images/gateway-api-inference-extension/lwepp -> registry.k8s.io/gateway-api-inference-extension/lwepp, literal "imagePullPolicy: Always" -> "imagePullPolicy: IfNotPresent"',
    ].join('\n');
    const result = await run(dir, { files, version: 'v1.6.0' });
    expect(errors(result)).toEqual([]);
    expect(await differingFiles('gaie-v1.6.0', dir)).toEqual([]);
    // The first selector's value (main-dev) is not a version, so there is no previous version to compare.
    expect(result.outputs).toMatchObject({ version: '1.6.0', 'previous-version': '', tag: 'v1.6.0', changed: 'true' });
  });

  it('a second run with the same inputs changes nothing and says so', async () => {
    const dir = await copyBefore('metallb-v0.16.1');
    expect(errors(await run(dir, { preset: 'metallb', version: '0.16.1' }))).toEqual([]);
    const before = await snapshot(dir);
    const again = await run(dir, { preset: 'metallb', version: '0.16.1' });
    expect(errors(again)).toEqual([]);
    expect(again.outputs).toMatchObject({ changed: 'false', 'changed-files': '[]', 'previous-version': '0.16.1' });
    expect(await snapshot(dir)).toEqual(before);
    expect(again.summary).toContain('nothing to change');
  });

  it('mock mode prints the diff and writes nothing', async () => {
    const dir = await copyBefore('kata-4.1.0');
    const before = await snapshot(dir);
    const result = await run(dir, { preset: 'kata', version: '4.1.0', mock: 'true' });
    expect(errors(result)).toEqual([]);
    expect(await snapshot(dir)).toEqual(before);
    expect(result.stdout).toContain('+version: "4.1.0"');
    expect(result.stdout).toContain('[mock] would WRITE VERSION');
    expect(result.outputs.changed).toBe('true');
    expect(result.summary).toMatch(/WRITE.*VERSION/);
  });
});

describe('bump-version-files refuses bad input before touching a file', () => {
  async function workspace(): Promise<string> {
    const dir = await scratchDir('bad');
    await writeFile(join(dir, 'VERSION'), '1.0.0\n');
    await writeFile(join(dir, 'Chart.yaml'), '# chart\nversion: 1.0.0 # keep\nappVersion: "v1.0.0"\n');
    await writeFile(join(dir, 'broken.yaml'), 'version: 1.0.0\nlist: [a, b\nother: 1\n');
    await writeFile(join(dir, 'broken.toml'), '[package]\nversion = "1.0.0\nname = "x"\n');
    await writeFile(join(dir, 'broken.json'), '{\n  "version": "1.0.0",\n  "name": "x",\n}\n');
    await writeFile(join(dir, 'good.json'), '{\n  "name": "x",\n  "version": "1.0.0"\n}\n');
    return dir;
  }

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['an invalid version', { version: '1.2', files: 'VERSION' }, /`version` is "1\.2", which is not a semantic version[\s\S]*Fix: Set `version` to X\.Y\.Z/],
    ['an unknown preset', { version: '1.1.0', preset: 'helm' }, /`preset` names "helm", which is not a preset[\s\S]*Fix: Use one of cargo-workspace, helm-chart, kata, kube-rs, metallb, npm/],
    ['a missing file', { version: '1.1.0', files: 'VERSION\ncharts/Chart.yaml: version' }, /files line 2: the file "charts\/Chart\.yaml" does not exist/],
    [
      'a selector that matches nothing',
      { version: '1.1.0', files: 'VERSION\nChart.yaml: version, appversion' },
      /Chart\.yaml: the key path `appversion` matches nothing\. Keys there: version, appVersion/,
    ],
    ['malformed YAML', { version: '1.1.0', files: 'VERSION\nbroken.yaml: version' }, /broken\.yaml:3:1: not valid YAML/],
    ['malformed TOML', { version: '1.1.0', files: 'VERSION\nbroken.toml: package.version' }, /broken\.toml:2:17: not valid TOML: Unterminated string/],
    ['malformed JSON', { version: '1.1.0', files: 'VERSION\nbroken.json: version' }, /broken\.json:4:1: not valid JSON/],
    ['a path leaving the workspace', { version: '1.1.0', files: 'VERSION\n../etc/passwd' }, /"\.\.\/etc\/passwd" leaves the workspace/],
    ['an absolute path', { version: '1.1.0', files: 'VERSION\n/etc/passwd' }, /"\/etc\/passwd" is an absolute path/],
    ['a symlink pointing outside', { version: '1.1.0', files: 'VERSION\nlink.txt' }, /"link\.txt" is a symlink that points outside the workspace/],
    ['a downgrade', { version: '0.9.0', files: 'VERSION' }, /0\.9\.0 is lower than the current version 1\.0\.0 \(from VERSION[\s\S]*allow-downgrade/],
    ['both version and bump', { version: '1.1.0', bump: 'minor', files: 'VERSION' }, /Both `version` and `bump` are set/],
    ['an unknown template placeholder', { version: '1.1.0', files: 'Chart.yaml: appVersion=v{verison}' }, /unknown placeholder \{verison\}/],
    [
      'an edit that would break the file',
      { version: '1.1.0', files: 'VERSION\ngood.json: literal "\\"name\\"" -> "name"' },
      /The edits to good\.json would leave it invalid JSON \(.*\); nothing was written\.\nFix: Check the selectors for good\.json/,
    ],
    ['two selectors fighting over one value', { version: '1.1.0', files: 'Chart.yaml: version, version=v{version}' }, /both change the same text, differently/],
  ];

  for (const [name, inputs, message] of cases) {
    it(`rejects ${name}`, async () => {
      const dir = await workspace();
      await symlink('/etc/hostname', join(dir, 'link.txt'));
      const before = await snapshot(dir);
      const result = await run(dir, inputs);
      expect(result.failed).toBe(true);
      expect(errors(result).join('\n')).toMatch(message);
      expect(errors(result).join('\n')).toContain('Fix:');
      expect(await snapshot(dir)).toEqual(before);
    });
  }

  it('a good selector list still writes nothing when a later file is broken', async () => {
    const dir = await workspace();
    const before = await snapshot(dir);
    const result = await run(dir, { version: '1.1.0', files: 'VERSION\nChart.yaml: version\nbroken.yaml: version' });
    expect(result.failed).toBe(true);
    expect(await snapshot(dir)).toEqual(before);
  });
});

/** Cargo's requirement rules, written out for the check: a bare version is a caret requirement, commas are AND. */
function cargoMatches(requirement: string, version: string): boolean {
  return semver.satisfies(
    version,
    requirement
      .split(',')
      .map((c) => c.trim())
      .map((c) => (/^\d/.test(c) ? `^${c}` : c))
      .join(' '),
  );
}

describe('preset cargo-workspace follows cargo-release', () => {
  async function workspace(): Promise<string> {
    const dir = await scratchDir('cargo-release');
    const files: Record<string, string> = {
      'Cargo.toml':
        '[workspace]\nmembers = ["core", "client", "e2e", "examples"]\n\n[workspace.package]\nversion = "0.9.1"\n\n[workspace.dependencies]\nkcore = { path = "core", version = "0.9.1" }\n',
      'release.toml': 'shared-version = true\npre-release-hook = ["../scripts/release-pre.sh"]\n',
      'core/Cargo.toml': '[package]\nname = "kcore"\nversion.workspace = true\n',
      'core/release.toml': '[[pre-release-replacements]]\nfile = "../INSTALL.md"\nsearch = "kcore = \\"[0-9.]+\\""\nreplace = "kcore = \\"{{version}}\\""\n',
      'client/Cargo.toml': [
        '[package]',
        'name = "kclient"',
        'version.workspace = true',
        '',
        '[dependencies]',
        'kcore = { path = "../core", version = "=0.9.1" }',
        '',
        '[dev-dependencies]',
        'kcore-tilde = { package = "kcore", path = "../core", version = "~0.9" }',
        'kcore-range = { package = "kcore", path = "../core", version = ">=0.6, <1.0.0" }',
        'kcore-ws = { workspace = true }',
        '',
        '[build-dependencies]',
        'kcore = { path = "../core", version = "0.9" }',
        '',
      ].join('\n'),
      'e2e/Cargo.toml': '[package]\nname = "e2e"\nversion = "0.1.0"\npublish = false\n\n[dependencies]\nkclient = { path = "../client", version = ">=0.9.0" }\n',
      'examples/Cargo.toml':
        '[package]\nname = "examples"\nversion = "0.1.0"\n\n[package.metadata.release]\nrelease = false\n\n[dev-dependencies]\nkclient = { path = "../client", version = "^0.9.0" }\n',
      'INSTALL.md': '```toml\nkcore = "0.9.1"\n```\n',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return dir;
  }

  /** Every `path` dependency's requirement, by file. */
  async function requirements(dir: string): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    for (const path of ['Cargo.toml', 'client/Cargo.toml', 'e2e/Cargo.toml', 'examples/Cargo.toml']) {
      found.set(
        path,
        [...(await readFile(join(dir, path), 'utf8')).matchAll(/path = "[^"]+", version = "([^"]+)"/g)].map((m) => m[1]!),
      );
    }
    return found;
  }

  /** Cargo's rules: every requirement matches the new version, and a range (`>=`, `<`) reads as it did. */
  async function expectCargoRules(dir: string, before: Map<string, string[]>, version: string): Promise<void> {
    for (const [path, reqs] of await requirements(dir)) {
      reqs.forEach((req, i) => {
        expect(cargoMatches(req, version), `${path}: ${req} matches ${version}`).toBe(true);
        if (/[<>]/.test(before.get(path)![i]!)) expect(req, `${path}: the range ${before.get(path)![i]} is not narrowed`).toBe(before.get(path)![i]);
      });
    }
  }

  it('upgrades requirements as cargo-release does by default, keeps ranges, leaves unreleased members alone, applies release.toml replacements and names the hook it did not run', async () => {
    const dir = await workspace();
    const before = await snapshot(dir);
    const requirementsBefore = await requirements(dir);
    const result = await run(dir, { preset: 'cargo-workspace', bump: 'minor', 'tag-prefix': '' });
    expect(errors(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ version: '0.10.0', 'previous-version': '0.9.1' });
    const read = (path: string) => readFile(join(dir, path), 'utf8');
    expect(await read('Cargo.toml')).toContain('version = "0.10.0"\n\n[workspace.dependencies]\nkcore = { path = "core", version = "0.10.0" }');
    const client = await read('client/Cargo.toml');
    expect(client).toContain('kcore = { path = "../core", version = "=0.10.0" }');
    expect(client).toContain('version = "~0.10" }');
    // A range that still matches is never narrowed; a workspace dependency has no requirement of its own.
    expect(client).toContain('version = ">=0.6, <1.0.0" }');
    expect(client).toContain('kcore-ws = { workspace = true }');
    expect(client).toContain('[build-dependencies]\nkcore = { path = "../core", version = "0.10" }');
    // Not released (publish = false, release = false): their own versions stay; their requirements follow.
    expect(await read('e2e/Cargo.toml')).toBe(Buffer.from(before.get('e2e/Cargo.toml')!, 'base64').toString());
    expect(await read('examples/Cargo.toml')).toContain('version = "0.1.0"');
    expect(await read('examples/Cargo.toml')).toContain('kclient = { path = "../client", version = "^0.10.0" }');
    expect(await read('INSTALL.md')).toBe('```toml\nkcore = "0.10.0"\n```\n');
    expect(result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      expect.stringMatching(/^release\.toml runs the pre-release hook `\.\.\/scripts\/release-pre\.sh` for kclient, kcore; relkit does not run it/),
    ]);
    expect(result.summary).toContain('relkit does not run it');

    await expectCargoRules(dir, requirementsBefore, '0.10.0');
  });

  it('with dependent-version = "fix", changes only the requirements the new version no longer matches', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'release.toml'), 'shared-version = true\ndependent-version = "fix"\n');
    const requirementsBefore = await requirements(dir);
    const result = await run(dir, { preset: 'cargo-workspace', bump: 'patch', 'tag-prefix': '' });
    expect(errors(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ version: '0.9.2' });
    const client = await readFile(join(dir, 'client/Cargo.toml'), 'utf8');
    expect(client).toContain('kcore = { path = "../core", version = "=0.9.2" }');
    expect(client).toContain('version = "~0.9" }');
    expect(client).toContain('[build-dependencies]\nkcore = { path = "../core", version = "0.9" }');
    expect(await readFile(join(dir, 'examples/Cargo.toml'), 'utf8')).toContain('version = "^0.9.0" }');
    expect(await readFile(join(dir, 'Cargo.toml'), 'utf8')).toContain('kcore = { path = "core", version = "0.9.1" }');
    await expectCargoRules(dir, requirementsBefore, '0.9.2');
  });

  it('refuses, before writing anything, a range the new version no longer matches', async () => {
    const dir = await workspace();
    const before = await snapshot(dir);
    const result = await run(dir, { preset: 'cargo-workspace', version: '1.0.0', 'tag-prefix': '' });
    expect(errors(result).join('\n')).toMatch(
      /client\/Cargo\.toml: `dev-dependencies\.kcore-range\.version`: the requirement ">=0\.6, <1\.0\.0" does not match the new version 1\.0\.0, and relkit will not guess how to widen a range/,
    );
    expect(result.stderr + result.stdout).not.toMatch(/\n\s+at /);
    expect(await snapshot(dir)).toEqual(before);
  });
});
