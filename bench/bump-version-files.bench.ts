import { cpus } from 'node:os';
import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { WritePath } from '@relkit/kit';
import { startSandbox, SANDBOX_TOKENS } from '@relkit/sandbox';
import { parseSpec, planBump, workspaceFiles, writeFilesAtomically } from '@relkit/version-files';
import { runAction } from '../test/helpers/action.js';
import { median, report } from './report.js';

const FILES = 1000;
const RUNS = 3;

function manifest(n: number): string {
  const doc = (i: number) =>
    [
      `# deployment ${n}-${i}`,
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: {name: app-${n}-${i}, labels: {app: app}}`,
      'spec:',
      '  replicas: 2',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: controller',
      '        image: quay.io/acme/controller:v1.0.0',
      '        args: ["--log-level=info", "--port=8080"]',
      '        env:',
      ...Array.from({ length: 20 }, (_, k) => `        - {name: ENV_${k}, value: "value ${k}"}`),
      '      - name: speaker',
      '        image: quay.io/acme/speaker:v1.0.0',
    ].join('\n');
  return `${[0, 1, 2, 3].map(doc).join('\n---\n')}\n`;
}

/** 1,000 files: multi-document manifests, Helm charts, package.json, Cargo.toml and Go sources, a quarter each (Go a tenth). */
async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relkit-bench-'));
  const kinds = ['manifests', 'charts', 'packages', 'crates', 'go'];
  for (const kind of kinds) await mkdir(join(dir, kind));
  for (let n = 0; n < FILES; n++) {
    const kind = kinds[n % kinds.length];
    if (kind === 'manifests') await writeFile(join(dir, kind, `m${n}.yaml`), manifest(n));
    if (kind === 'charts')
      await writeFile(
        join(dir, kind, `c${n}.yaml`),
        `# chart ${n}\napiVersion: v2\nname: c${n}\n# bumped by relkit\nversion: 1.0.0\nappVersion: "v1.0.0"\ndependencies:\n- name: crds\n  version: 1.0.0\n`,
      );
    if (kind === 'packages')
      await writeFile(join(dir, kind, `p${n}.json`), `${JSON.stringify({ name: `p${n}`, version: '1.0.0', dependencies: { a: '^1.0.0' }, scripts: { test: 'vitest' } }, null, 2)}\n`);
    if (kind === 'crates')
      await writeFile(
        join(dir, kind, `k${n}.toml`),
        `[package]\nname = "k${n}"\nversion = "1.0.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\nsibling = { path = "../s", version = "=1.0.0" }\n`,
      );
    if (kind === 'go') await writeFile(join(dir, kind, `v${n}.go`), `package version\n\n// Version is set at release.\nvar Version = "1.0.0"\n`);
  }
  return dir;
}

const SPEC = [
  'manifests/*.yaml: image quay.io/acme/controller, quay.io/acme/speaker',
  'charts/*.yaml: version, appVersion, dependencies[name=crds].version',
  'packages/*.json: version',
  'crates/*.toml: package.version, dependencies.*[path].version',
  'go/*.go: regex /Version = "(.*)"/',
].join('\n');

it('bump-version-files: 1,000 files of mixed formats', async () => {
  const rows: Array<Record<string, string | number>> = [];
  const engine: number[] = [];
  const action: number[] = [];
  let changed = 0;
  for (let run = 0; run < RUNS; run++) {
    const dir = await workspace();
    try {
      const started = performance.now();
      const plan = await planBump({ source: workspaceFiles(dir), entries: parseSpec(SPEC), version: '1.1.0', current: { kind: 'files' }, tagPrefix: 'v', date: '2026-01-01', allowDowngrade: false });
      await writeFilesAtomically(dir, plan.files, new WritePath({ mock: false }));
      engine.push(performance.now() - started);
      changed = plan.files.length;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const fresh = await workspace();
    try {
      const started = performance.now();
      const result = await runAction('bump-version-files', undefined, { files: SPEC, version: '1.1.0' }, { cwd: fresh });
      action.push(performance.now() - started);
      if (result.failed) throw new Error(result.stderr || result.stdout);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }
  const e = median(engine);
  const a = median(action);
  rows.push({ scenario: 'plan + write (package, in process)', files: changed, 'median ms': Math.round(e), 'ms per file': Number((e / FILES).toFixed(3)), runs: RUNS });
  rows.push({ scenario: 'action bundle (node start, summary, outputs)', files: changed, 'median ms': Math.round(a), 'ms per file': Number((a / FILES).toFixed(3)), runs: RUNS });
  report('bump-version-files', `${FILES} files: 200 four-document manifests, 200 charts, 200 package.json, 200 Cargo.toml, 200 Go; ${cpus().length} cores`, rows);
});

const LATENCY_MS = 50;

it('bump-version-files: API requests to commit and to open the pull request (sandbox, 50 ms a request)', async () => {
  const files = { VERSION: '1.0.0\n', 'deploy/Chart.yaml': 'version: 1.0.0\nappVersion: "v1.0.0"\n' };
  const sandbox = await startSandbox({ latencyMs: LATENCY_MS, seed: { repos: [{ owner: 'acme', name: 'app', commits: [{ id: 'c1', message: 'init', files }] }] } });
  const rows: Array<Record<string, string | number>> = [];
  const checkout = await mkdtemp(join(tmpdir(), 'relkit-bench-'));
  try {
    await mkdir(join(checkout, 'deploy'));
    for (const [path, content] of Object.entries(files)) await writeFile(join(checkout, path), content);
    const head = sandbox.state.repo('acme', 'app')!.refs.get('refs/heads/main')!;
    const scenarios: Array<[string, Record<string, string>]> = [
      ['pull request: open', { commit: 'pull-request', labels: 'release' }],
      ['pull request: re-run', { commit: 'pull-request', labels: 'release' }],
      ['branch: commit', { commit: 'branch' }],
      ['branch: re-run', { commit: 'branch' }],
    ];
    for (const [scenario, inputs] of scenarios) {
      const dir = await mkdtemp(join(tmpdir(), 'relkit-bench-'));
      await cp(checkout, dir, { recursive: true });
      sandbox.log.length = 0;
      const started = performance.now();
      const result = await runAction(
        'bump-version-files',
        sandbox,
        { token: SANDBOX_TOKENS.githubToken, files: 'VERSION\ndeploy/Chart.yaml: version, appVersion', version: '1.1.0', ...inputs },
        { cwd: dir, env: { GITHUB_SHA: head, GITHUB_REF: 'refs/heads/main' } },
      );
      const ms = performance.now() - started;
      await rm(dir, { recursive: true, force: true });
      if (result.failed) throw new Error(result.stdout);
      const graphqlWrites = sandbox.log.filter((e) => e.server === 'graphql').length;
      rows.push({
        scenario,
        requests: sandbox.log.length,
        'REST writes': sandbox.log.filter((e) => e.server !== 'graphql' && e.method !== 'GET').length,
        'GraphQL calls': graphqlWrites,
        ms: Math.round(ms),
      });
    }
  } finally {
    await sandbox.close();
    await rm(checkout, { recursive: true, force: true });
  }
  report('bump-version-files-api', LATENCY_MS, rows);
});
