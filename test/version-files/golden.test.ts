import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WritePath } from '@relkit/kit';
import { scratchDir } from '../helpers/scratch.js';
import { expandPreset, parseSpec, planBump, workspaceFiles, writeFilesAtomically, type SpecEntry } from '@relkit/version-files';

async function bumpFiles(files: Record<string, string | Buffer>, spec: string | ((dir: string) => Promise<SpecEntry[]>), version: string): Promise<Record<string, Buffer>> {
  const dir = await scratchDir('golden');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const entries = typeof spec === 'string' ? parseSpec(spec) : await spec(dir);
  const plan = await planBump({ source: workspaceFiles(dir), entries, version, current: { kind: 'files' }, tagPrefix: 'v', date: '2026-07-22', allowDowngrade: false });
  await writeFilesAtomically(dir, plan.files, new WritePath({ mock: false }));
  const out: Record<string, Buffer> = {};
  for (const path of Object.keys(files)) out[path] = await readFile(join(dir, path));
  return out;
}

const text = (b: Buffer | undefined) => b?.toString('utf8');

describe('golden files', () => {
  it('package.json and package-lock.json with the npm preset', async () => {
    const pkg = '{\n  "name": "app",\n  "version": "1.2.3",\n  "dependencies": {\n    "left-pad": "1.2.3"\n  }\n}\n';
    const lock =
      '{\n  "name": "app",\n  "version": "1.2.3",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n    "": {\n      "name": "app",\n      "version": "1.2.3",\n      "dependencies": {\n        "left-pad": "1.2.3"\n      }\n    },\n    "node_modules/left-pad": {\n      "version": "1.2.3"\n    }\n  }\n}\n';
    const out = await bumpFiles({ 'package.json': pkg, 'package-lock.json': lock }, async (dir) => (await expandPreset(workspaceFiles(dir), 'npm')).entries, '1.3.0');
    expect(text(out['package.json'])).toBe(pkg.replace('"version": "1.2.3"', '"version": "1.3.0"'));
    expect(text(out['package-lock.json'])).toBe(
      lock
        .replace('"version": "1.2.3",\n  "lockfileVersion"', '"version": "1.3.0",\n  "lockfileVersion"')
        .replace('"name": "app",\n      "version": "1.2.3"', '"name": "app",\n      "version": "1.3.0"'),
    );
    expect(text(out['package-lock.json'])).toContain('"node_modules/left-pad": {\n      "version": "1.2.3"');
  });

  it('CRLF line endings and a BOM survive in YAML, TOML, JSON and text', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const yaml = 'apiVersion: v2\r\n# comment\r\nversion: 0.1.0\r\nappVersion: "0.1.0"\r\n';
    const toml = '[package]\r\nname = "x"\r\nversion = "0.1.0" # here\r\n';
    const json = '{\r\n\t"version": "0.1.0"\r\n}\r\n';
    const go = 'package version\r\n\r\nconst Version = "0.1.0"\r\n';
    const out = await bumpFiles(
      { 'Chart.yaml': Buffer.concat([bom, Buffer.from(yaml)]), 'Cargo.toml': toml, 'package.json': Buffer.concat([bom, Buffer.from(json)]), 'version.go': go },
      'Chart.yaml: version, appVersion\nCargo.toml: package.version\npackage.json: version\nversion.go: regex /Version = "(.*)"/',
      '0.2.0',
    );
    expect(out['Chart.yaml']).toEqual(Buffer.concat([bom, Buffer.from(yaml.replaceAll('0.1.0', '0.2.0'))]));
    expect(text(out['Cargo.toml'])).toBe(toml.replace('0.1.0', '0.2.0'));
    expect(out['package.json']).toEqual(Buffer.concat([bom, Buffer.from(json.replace('0.1.0', '0.2.0'))]));
    expect(text(out['version.go'])).toBe(go.replace('0.1.0', '0.2.0'));
  });

  it('YAML comments, anchors, aliases, quoting styles and flow collections are kept', async () => {
    const yaml = [
      '# top comment',
      'defaults: &defaults',
      "  version: '1.0.0'   # single-quoted, with a comment",
      '  image: {repository: quay.io/acme/app, tag: "v1.0.0"}',
      'service:',
      '  <<: *defaults',
      '  name: svc',
      'other: *defaults',
      'list: [1.0.0, keep]',
      'note: "the 1.0.0 release"',
      '',
    ].join('\n');
    const out = await bumpFiles({ 'values.yaml': yaml }, 'values.yaml: defaults.version, service.image.tag, other.version, list[0]', '1.1.0');
    expect(text(out['values.yaml'])).toBe(yaml.replace("'1.0.0'", "'1.1.0'").replace('"v1.0.0"', '"v1.1.0"').replace('[1.0.0, keep]', '[1.1.0, keep]'));
  });

  it('multi-document YAML: a key path and image references in every document, comments between them untouched', async () => {
    const yaml = [
      '# quay.io/acme/app:v0.9.0 in a comment stays',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: app',
      '        image: quay.io/acme/app:v1.0.0',
      '      - name: sidecar',
      '        image: quay.io/acme/app-sidecar:v1.0.0',
      '---',
      'kind: ConfigMap',
      'metadata:',
      '  annotations:',
      '    acme.io/version: v1.0.0',
      'data:',
      '  script: |',
      '    docker run quay.io/acme/app:v1.0.0@sha256:' + 'a'.repeat(64),
      '',
    ].join('\n');
    const out = await bumpFiles({ 'all.yaml': yaml }, 'all.yaml: image quay.io/acme/app, metadata.annotations["acme.io/version"]', '1.1.0');
    expect(text(out['all.yaml'])).toBe(
      yaml
        .replace('image: quay.io/acme/app:v1.0.0', 'image: quay.io/acme/app:v1.1.0')
        .replace('acme.io/version: v1.0.0', 'acme.io/version: v1.1.0')
        .replace(`quay.io/acme/app:v1.0.0@sha256:${'a'.repeat(64)}`, 'quay.io/acme/app:v1.1.0'),
    );
  });

  it('a plain YAML value that would turn into a number is quoted instead', async () => {
    const out = await bumpFiles({ 'c.yaml': 'series: 1.0-dev\n' }, 'c.yaml: series={major}.{minor}', '1.1.0');
    expect(text(out['c.yaml'])).toBe('series: "1.1"\n');
  });

  it('marker lines and blocks, as release-please users have them', async () => {
    const src = [
      'const VERSION = "1.0.0"; // x-release-please-version',
      'const OTHER = "1.0.0";',
      '<!-- x-release-please-start-version -->',
      'npm i app@1.0.0',
      '<!-- x-release-please-end -->',
      'pip install app==1.0.0  # relkit:version',
      '',
    ].join('\n');
    const out = await bumpFiles({ 'README.md': src }, 'README.md: marker', '2.0.0');
    expect(text(out['README.md'])).toBe(src.replace('"1.0.0"; //', '"2.0.0"; //').replace('app@1.0.0', 'app@2.0.0').replace('app==1.0.0', 'app==2.0.0'));
  });

  it('Cargo workspace dependencies in workspace.dependencies with the *[path] filter', async () => {
    const toml = [
      '[workspace]',
      'members = ["a"]',
      '',
      '[workspace.package]',
      'version = "0.3.0"',
      '',
      '[workspace.dependencies]',
      'a = { path = "a", version = "=0.3.0" }',
      'serde = "1.0.3"',
      "b = { version = '0.3.0', path = 'b' }",
      '',
    ].join('\n');
    const out = await bumpFiles({ 'Cargo.toml': toml }, 'Cargo.toml: workspace.package.version, workspace.dependencies.*[path].version', '0.4.0');
    expect(text(out['Cargo.toml'])).toBe(toml.replace('version = "0.3.0"', 'version = "0.4.0"').replace('"=0.3.0"', '"=0.4.0"').replace("'0.3.0'", "'0.4.0'"));
  });
});
