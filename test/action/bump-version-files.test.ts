import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
    return dir;
  }

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['an invalid version', { version: '1.2', files: 'VERSION' }, /`version` is "1\.2", which is not a semantic version[\s\S]*Fix: Set `version` to X\.Y\.Z/],
    ['an unknown preset', { version: '1.1.0', preset: 'helm' }, /`preset` names "helm", which is not a preset[\s\S]*Fix: Use one of cargo-workspace, helm-chart, kata, metallb, npm/],
    ['a missing file', { version: '1.1.0', files: 'VERSION\ncharts/Chart.yaml: version' }, /files line 2: the file "charts\/Chart\.yaml" does not exist/],
    ['a selector that matches nothing', { version: '1.1.0', files: 'VERSION\nChart.yaml: version, appversion' }, /Chart\.yaml: the key path `appversion` matches nothing\. Keys there: version, appVersion/],
    ['malformed YAML', { version: '1.1.0', files: 'VERSION\nbroken.yaml: version' }, /broken\.yaml:3:1: not valid YAML/],
    ['malformed TOML', { version: '1.1.0', files: 'VERSION\nbroken.toml: package.version' }, /broken\.toml:2:17: not valid TOML: Unterminated string/],
    ['malformed JSON', { version: '1.1.0', files: 'VERSION\nbroken.json: version' }, /broken\.json:4:1: not valid JSON/],
    ['a path leaving the workspace', { version: '1.1.0', files: 'VERSION\n../etc/passwd' }, /"\.\.\/etc\/passwd" leaves the workspace/],
    ['an absolute path', { version: '1.1.0', files: 'VERSION\n/etc/passwd' }, /"\/etc\/passwd" is an absolute path/],
    ['a symlink pointing outside', { version: '1.1.0', files: 'VERSION\nlink.txt' }, /"link\.txt" is a symlink that points outside the workspace/],
    ['a downgrade', { version: '0.9.0', files: 'VERSION' }, /0\.9\.0 is lower than the current version 1\.0\.0 \(from VERSION[\s\S]*allow-downgrade/],
    ['both version and bump', { version: '1.1.0', bump: 'minor', files: 'VERSION' }, /Both `version` and `bump` are set/],
    ['an unknown template placeholder', { version: '1.1.0', files: 'Chart.yaml: appVersion=v{verison}' }, /unknown placeholder \{verison\}/],
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
