import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { artifactActions, bundledActions, loadWorkflow, runWorkflow, type RunRecord } from '@relkit/rehearsal';
import { SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { scratchDir } from '../helpers/scratch.js';

const ACTIONS = fileURLToPath(new URL('../../actions/', import.meta.url));
const env = useSandbox({ repos: [{ owner: 'acme', name: 'app', commits: [{ id: 'c1', message: 'init', files: { VERSION: '1.0.0\n' } }] }] });

async function run(content: string, inputs: Record<string, unknown> = {}, previous?: RunRecord, workdir?: string) {
  const workflow = await loadWorkflow('release.yml', content);
  const dir = workdir ?? (await scratchDir('rehearsal'));
  const record = await runWorkflow({
    workflow,
    inputs,
    secrets: { token: SANDBOX_TOKENS.app },
    github: {
      repository: 'acme/app',
      repository_owner: 'acme',
      run_id: '4242',
      sha: 'f'.repeat(40),
      ref: 'refs/heads/main',
      ref_name: 'main',
      event_name: 'workflow_dispatch',
      ...Object.fromEntries(Object.entries(env.sandbox.env()).map(([k, v]) => [k.replace('GITHUB_', '').toLowerCase(), v])),
    },
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', RELKIT_WRITE_INTERVAL_MS: '0', RELKIT_RETRY_BASE_MS: '20', SHARED: dir },
    actions: bundledActions(ACTIONS),
    workdir: dir,
    ...(previous ? { previous } : {}),
  });
  return { record, dir };
}

const results = (record: RunRecord) => Object.fromEntries(Object.entries(record.jobs).map(([id, job]) => [id, job.result]));

describe('the rehearsal runner runs workflows as GitHub would', () => {
  it('orders jobs by needs, passes outputs, expands matrices, and evaluates if: with status functions', async () => {
    const { record, dir: shared } = await run(
      `on:
  workflow_call:
    inputs:
      version: { type: string, required: true }
      mock: { type: boolean, default: true }
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      tag: \${{ steps.v.outputs.tag }}
    steps:
      - id: v
        env:
          VERSION: \${{ inputs.version }}
        run: echo "tag=v$VERSION" >> "$GITHUB_OUTPUT"
  build:
    needs: plan
    strategy:
      matrix:
        arch: [amd64, arm64]
        include:
          - arch: arm64
            runner: ubuntu-24.04-arm
    runs-on: \${{ matrix.runner || 'ubuntu-latest' }}
    outputs:
      last: \${{ steps.b.outputs.name }}
    steps:
      - id: b
        env:
          NAME: app-\${{ needs.plan.outputs.tag }}-\${{ matrix.arch }}\${{ matrix.runner && '-native' || '' }}
        run: |
          echo "name=$NAME" >> "$GITHUB_OUTPUT"
          echo "$NAME" >> "$SHARED/built"
  publish:
    needs: [plan, build]
    if: \${{ !inputs.mock }}
    runs-on: ubuntu-latest
    steps:
      - run: echo published >> "$SHARED/built"
  report:
    needs: [plan, build, publish]
    if: \${{ always() }}
    runs-on: ubuntu-latest
    steps:
      - env:
          RESULTS: \${{ needs.build.result }},\${{ needs.publish.result }},\${{ needs.build.outputs.last }}
        run: echo "$RESULTS" >> "$SHARED/report"
`,
      { version: '1.4.0' },
    );
    expect(results(record)).toEqual({ plan: 'success', build: 'success', publish: 'skipped', report: 'success' });
    expect(record.jobs.plan!.outputs).toEqual({ tag: 'v1.4.0' });
    expect(record.jobs.build!.legs.map((l) => l.matrix)).toEqual([{ arch: 'amd64' }, { arch: 'arm64', runner: 'ubuntu-24.04-arm' }]);
    expect((await readFile(join(shared, 'built'), 'utf8')).split('\n').filter(Boolean).sort()).toEqual(['app-v1.4.0-amd64', 'app-v1.4.0-arm64-native']);
    expect(await readFile(join(shared, 'report'), 'utf8')).toBe('success,skipped,app-v1.4.0-arm64-native\n');
  });

  it('runs failure() and always() steps and jobs after a failure, and skips the rest', async () => {
    const { record, dir } = await run(`on: workflow_dispatch
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "FROM_ENV=exported" >> "$GITHUB_ENV"
          mkdir -p "$SHARED/bin" && printf '#!/bin/sh\\necho from-path\\n' > "$SHARED/bin/relkit-probe" && chmod +x "$SHARED/bin/relkit-probe"
          echo "$SHARED/bin" >> "$GITHUB_PATH"
      - id: tolerated
        continue-on-error: true
        run: exit 3
      - run: |
          echo "after tolerated: $FROM_ENV $(relkit-probe) \${{ steps.tolerated.outcome }}/\${{ steps.tolerated.conclusion }}" >> "$SHARED/log"
      - run: exit 1
      - run: echo "never" >> "$SHARED/log"
      - if: failure()
        run: echo "cleanup after failure" >> "$SHARED/log"
  after:
    needs: work
    runs-on: ubuntu-latest
    steps:
      - run: echo "dependent ran" >> "$SHARED/log"
  unlock:
    needs: work
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "unlock ran after \${{ needs.work.result }}" >> "$SHARED/log"
`);
    expect(results(record)).toEqual({ work: 'failure', after: 'skipped', unlock: 'success' });
    expect(await readFile(join(dir, 'log'), 'utf8')).toBe('after tolerated: exported from-path failure/success\ncleanup after failure\nunlock ran after failure\n');
    expect(record.result).toBe('failure');
    expect(record.jobs.work!.legs[0]!.error).toMatch(/Run exit 1 failed: Process completed with exit code 1/);
  });

  it('models "Re-run failed jobs": failed jobs and their dependents run again, successful jobs keep their outputs', async () => {
    const workflow = `on: workflow_dispatch
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      stamp: \${{ steps.s.outputs.stamp }}
    steps:
      - id: s
        run: |
          echo "plan attempt $GITHUB_RUN_ATTEMPT" >> "$SHARED/log"
          echo "stamp=plan-$GITHUB_RUN_ATTEMPT" >> "$GITHUB_OUTPUT"
  upload:
    needs: plan
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "upload attempt $GITHUB_RUN_ATTEMPT with \${{ needs.plan.outputs.stamp }}" >> "$SHARED/log"
          test "$GITHUB_RUN_ATTEMPT" -gt 1
  publish:
    needs: upload
    runs-on: ubuntu-latest
    steps:
      - run: echo "publish attempt $GITHUB_RUN_ATTEMPT" >> "$SHARED/log"
  unlock:
    needs: [plan, upload, publish]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "unlock attempt $GITHUB_RUN_ATTEMPT after \${{ needs.upload.result }}" >> "$SHARED/log"
`;
    const first = await run(workflow);
    expect(results(first.record)).toEqual({ plan: 'success', upload: 'failure', publish: 'skipped', unlock: 'success' });
    const second = await run(workflow, {}, first.record, first.dir);
    expect(second.record.attempt).toBe(2);
    expect(results(second.record)).toEqual({ plan: 'success', upload: 'success', publish: 'success', unlock: 'success' });
    expect(second.record.jobs.plan!.attempt).toBe(1);
    expect(await readFile(join(first.dir, 'log'), 'utf8')).toBe(
      'plan attempt 1\nupload attempt 1 with plan-1\nunlock attempt 1 after failure\nupload attempt 2 with plan-1\npublish attempt 2\nunlock attempt 2 after success\n',
    );
  });

  it('runs relkit action bundles with their post step: lock-branch unlocks when the job ends, even after a failure', async () => {
    const { record } = await run(`on: workflow_dispatch
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - id: lock
        uses: relkit/lock-branch@v0
        with:
          token: \${{ secrets.token }}
          branch: main
          bypass-app-id: '1001'
          unlock-on-exit: true
      - run: |
          echo "locked=\${{ steps.lock.outputs.locked }}"
          test "\${{ steps.lock.outputs.locked }}" = true
          exit 1
`);
    expect(results(record)).toEqual({ release: 'failure' });
    const steps = record.jobs.release!.legs[0]!.steps;
    expect(steps.map((s) => [s.name, s.conclusion])).toEqual([
      ['Run relkit/lock-branch@v0', 'success'],
      ['Run echo "locked=${{ steps.lock.outputs.locked }}"', 'failure'],
      ['Post Run relkit/lock-branch@v0', 'success'],
    ]);
    expect(steps[1]!.log).toContain('locked=true');
    const { data } = await env.client().rest.rest.repos.getRepoRulesets({ owner: 'acme', repo: 'app' });
    expect(data.filter((r) => r.name.startsWith('relkit-lock/'))).toEqual([]);
  });

  it('fails loudly on what it cannot run, and refuses workflows GitHub would refuse', async () => {
    const { record } = await run(`on: workflow_dispatch
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/unknown-action@v3
`);
    expect(record.jobs.a!.result).toBe('failure');
    expect(record.jobs.a!.legs[0]!.error).toContain('uses: someone/unknown-action@v3 is not an action the rehearsal runner can run');
    await expect(loadWorkflow('bad.yml', 'on: workflow_dispatch\njobs:\n  a:\n    runs-on: x\n    stepz: []\n')).rejects.toThrow(/bad\.yml is not a valid workflow:[\s\S]*stepz/);
    await expect(run('on: workflow_dispatch\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ nosuchcontext.x }}\n')).rejects.toThrow(/not a valid workflow[\s\S]*nosuchcontext/);
  });
});

describe('artifacts between jobs', () => {
  it('uploads from matrix jobs and downloads them merged in a later job; a second upload of a name conflicts', async () => {
    const workflow = await loadWorkflow(
      'build.yml',
      `on: workflow_dispatch
jobs:
  build:
    strategy:
      matrix:
        arch: [amd64, arm64]
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p out/tarballs
          echo "kata \${{ matrix.arch }}" > out/tarballs/kata-\${{ matrix.arch }}.tar.xz
          echo "log" > out/build.log
      - uses: actions/upload-artifact@v4
        with:
          name: tarball-\${{ matrix.arch }}
          path: |
            out/tarballs/*.tar.xz
            !out/**/*.log
  release:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - id: get
        uses: actions/download-artifact@v4
        with:
          pattern: tarball-*
          path: assets
          merge-multiple: true
      - run: |
          ls assets | tr '\\n' ' ' > "$SHARED/assets"
          cat assets/kata-arm64.tar.xz >> "$SHARED/assets"
  again:
    needs: release
    runs-on: ubuntu-latest
    steps:
      - run: echo x > x.txt
      - uses: actions/upload-artifact@v4
        with:
          name: tarball-amd64
          path: x.txt
`,
    );
    const dir = await scratchDir('rehearsal');
    const record = await runWorkflow({
      workflow,
      inputs: {},
      github: { repository: 'acme/app', run_id: '1' },
      env: { PATH: process.env.PATH ?? '', SHARED: dir },
      actions: artifactActions(),
      workdir: dir,
    });
    expect(Object.fromEntries(Object.entries(record.jobs).map(([id, j]) => [id, j.result]))).toEqual({ build: 'success', release: 'success', again: 'failure' });
    expect(await readFile(join(dir, 'assets'), 'utf8')).toBe('kata-amd64.tar.xz kata-arm64.tar.xz kata arm64\n');
    expect(record.jobs.again!.legs[0]!.error).toContain('an artifact with this name already exists on the workflow run: tarball-amd64');
  });
});
