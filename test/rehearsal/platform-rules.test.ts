import { createSign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkSecretName,
  jobMinutes,
  loadWorkflow,
  rehearsalActions,
  repositorySecrets,
  runWorkflow,
  startLocalRegistry,
  startsWorkflows,
  type LocalRegistry,
  type RunRecord,
} from '@relkit/rehearsal';
import { UserError } from '@relkit/kit';
import { SANDBOX_APP_ID, startSandbox } from '@relkit/sandbox';
import { scratchDir } from '../helpers/scratch.js';
import { failures, RELEASE_YML, stage, type Stage } from './scenario-harness.js';

const WORKFLOWS = ['release.yml', 'release-relkit.yml'].map((name) => fileURLToPath(new URL(`../../.github/workflows/${name}`, import.meta.url)));

/** Opens a scenario's stage for a describe block (closing the one before); the last is closed when the block ends. */
function useStage(): (name: string, change?: Parameters<typeof stage>[1]) => Promise<Stage> {
  let current: Stage | undefined;
  afterAll(async () => {
    await current?.close();
  });
  return async (name, change) => {
    await current?.close();
    current = await stage(name, change);
    return current;
  };
}

/** A local registry for a describe block, started on first use and stopped when the block ends. */
function useRegistry(): () => Promise<LocalRegistry> {
  let registry: LocalRegistry | undefined;
  afterAll(async () => {
    await registry?.stop();
  });
  return async () => (registry ??= await startLocalRegistry());
}

/** A workflow run by the rehearsal runner alone (no GitHub calls): run: steps only. */
async function runAlone(content: string, secrets: Record<string, string> = {}, options: { previous?: RunRecord; env?: Record<string, string>; actions?: ReturnType<typeof rehearsalActions> } = {}) {
  const workdir = await scratchDir('platform');
  const started = Date.now();
  const record = await runWorkflow({
    workflow: await loadWorkflow('rules.yml', content),
    inputs: {},
    secrets,
    github: { repository: 'acme/app', repository_owner: 'acme', run_id: '1', sha: 'f'.repeat(40), ref: 'refs/heads/main', ref_name: 'main', event_name: 'workflow_dispatch' },
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    actions: options.actions ?? (() => undefined),
    workdir,
    ...(options.previous ? { previous: options.previous } : {}),
  });
  return { record, ms: Date.now() - started };
}

/**
 * GitHub's platform rules, as the rehearsal holds them; each test shows one rule and what it does
 * to a release. Sources are cited where each rule is modelled (packages/rehearsal/src/platform/).
 */
describe('secret names: a repository holds only [A-Za-z0-9_] names, and callers pass them by name', () => {
  it('refuses names GitHub would not store, and looks names up without case', () => {
    for (const name of ['app-id', 'app-private-key', '1TOKEN', 'GITHUB_APP_ID', 'my token']) expect(() => checkSecretName(name), name).toThrow(UserError);
    expect(() => checkSecretName('app-id')).toThrow(/only contain letters, digits and underscores/);
    expect(repositorySecrets({ relkit_app_id: '1', RELKIT_TOKEN: 't' })).toEqual({ RELKIT_APP_ID: '1', RELKIT_TOKEN: 't' });
  });

  const open = useStage();

  /** kube-rs released through its own workflow_dispatch caller of relkit's release.yml (copied into the repository). */
  async function callerStage(secretsBlock: string, permissions = ['permissions:', '  contents: write', '  pull-requests: write']): Promise<Stage> {
    return open('kube-rs', (scenario) => {
      const repo = scenario.repos[0]!;
      const last = repo.commits!.at(-1)!;
      last.files = {
        ...last.files,
        '.github/workflows/relkit-release.yml': readFileSync(RELEASE_YML, 'utf8'),
        '.github/workflows/release.yml': [
          'name: Release',
          'on:',
          '  workflow_dispatch:',
          '    inputs:',
          '      version: { type: string, required: true }',
          '      mock: { type: boolean, default: true }',
          ...permissions,
          'jobs:',
          '  release:',
          '    uses: ./.github/workflows/relkit-release.yml',
          '    with:',
          '      version: ${{ inputs.version }}',
          '      mock: ${{ inputs.mock }}',
          "      tag-prefix: ''",
          '      version-files: "Cargo.toml: workspace.package.version, workspace.dependencies.*[path].version"',
          '      changelog-file: CHANGELOG.md',
          '      publish: false',
          secretsBlock,
          '',
        ].join('\n'),
      };
      scenario.workflow = '.github/workflows/release.yml';
      scenario.inputs = { version: 'minor' };
    });
  }

  const bumpCommitter = (s: Stage) => {
    const repo = s.sandbox.state.repo('kube-rs/kube')!;
    const commit = repo.objects.commit(repo.refs.get('refs/heads/main')!)!;
    return { message: commit.message, author: commit.author.name };
  };

  it("the App secrets, passed under names a repository can hold, reach every writing job: the bump is the App's", async () => {
    const s = await callerStage('    secrets:\n      RELKIT_APP_ID: ${{ secrets.RELKIT_APP_ID }}\n      RELKIT_APP_PRIVATE_KEY: ${{ secrets.RELKIT_APP_PRIVATE_KEY }}');
    const record = await s.run({ mock: false });
    expect(failures(record)).toBe('');
    expect(bumpCommitter(s)).toMatchObject({ message: expect.stringMatching(/0\.100\.0/), author: 'relkit-release[bot]' });
  });

  it('secrets: inherit passes the repository secrets by their names, so the App reaches release.yml too', async () => {
    const s = await callerStage('    secrets: inherit');
    const record = await s.run({ mock: false });
    expect(failures(record)).toBe('');
    expect(bumpCommitter(s).author).toBe('relkit-release[bot]');
  });

  it('a secret the called workflow does not declare fails the calling job before anything runs, as on GitHub', async () => {
    const s = await callerStage('    secrets:\n      app-id: ${{ secrets.RELKIT_APP_ID }}');
    const before = s.sandbox.dump();
    const record = await s.run({ mock: false });
    expect(record.result).toBe('failure');
    expect(failures(record)).toContain('Invalid secret, app-id is not defined in the referenced workflow');
    expect(s.sandbox.dump()).toEqual(before);
  });

  it('a caller that grants less than release.yml asks for is refused before any job starts, as GitHub refuses it', async () => {
    // No permissions: the repository's restricted default (contents: read, packages: read), while
    // release.yml's plan asks for pull-requests: read and its bump for contents: write.
    const s = await callerStage('    secrets: inherit', []);
    const before = s.sandbox.dump();
    const record = await s.run({ mock: false });
    expect(record.result).toBe('failure');
    expect(record.jobs).toEqual({});
    expect(record.error).toBe(
      "The workflow is not valid. release.yml (job release): Error calling workflow './.github/workflows/relkit-release.yml'. The nested job 'plan' is requesting 'pull-requests: read', but is only allowed 'pull-requests: none'. Grant it in the calling job's permissions.",
    );
    expect(s.sandbox.dump()).toEqual(before);
  });
});

describe('job time: timeout-minutes (default 360) cancels the job, and a GitHub-hosted job never runs past 6 hours', () => {
  it('caps timeout-minutes at 360 on hosted runners only', () => {
    expect(jobMinutes(undefined, 'ubuntu-latest')).toEqual({ minutes: 360, capped: false });
    expect(jobMinutes(720, 'ubuntu-latest')).toEqual({ minutes: 360, capped: true });
    expect(jobMinutes(720, ['self-hosted', 'linux'])).toEqual({ minutes: 720, capped: false });
    expect(jobMinutes(30, 'ubuntu-24.04')).toEqual({ minutes: 30, capped: false });
  });

  it('the rehearsal stops a job at its limit: the job is cancelled, its later steps skipped, jobs with always() still run', async () => {
    const { record, ms } = await runAlone(`on: workflow_dispatch
jobs:
  wait:
    runs-on: ubuntu-latest
    timeout-minutes: 0.02
    steps:
      - run: sleep 5
      - id: after
        run: echo never
  cleanup:
    needs: wait
    if: always()
    runs-on: ubuntu-latest
    steps:
      - env:
          RESULT: \${{ needs.wait.result }}
        run: echo "wait was $RESULT"
`);
    expect(ms).toBeLessThan(4500);
    expect(record.jobs.wait!.result).toBe('cancelled');
    expect(record.jobs.wait!.legs[0]!.error).toBe('The job running on runner GitHub Actions has exceeded the maximum execution time of 0.02 minutes.');
    expect(record.jobs.wait!.legs[0]!.steps.map((s) => s.conclusion)).toEqual(['failure', 'skipped']);
    expect(record.jobs.cleanup!.result).toBe('success');
    expect(record.jobs.cleanup!.legs[0]!.steps[0]!.log).toContain('wait was cancelled');
  });

  it('release.yml and release-relkit.yml ask no hosted job for more than 360 minutes', () => {
    for (const file of WORKFLOWS) {
      const jobs = (parse(readFileSync(file, 'utf8')) as { jobs: Record<string, { 'runs-on'?: string; 'timeout-minutes'?: number }> }).jobs;
      for (const [id, job] of Object.entries(jobs)) if (job['runs-on']) expect(job['timeout-minutes'] ?? 360, `${file}: ${id}`).toBeLessThanOrEqual(360);
    }
  });

  const open = useStage();

  it('plan refuses an image-timeout whose waits cannot fit in one hosted job, before anything is written', async () => {
    const current = await open('kube-rs', (scenario) =>
      Object.assign(scenario.inputs, {
        images: 'ghcr.io/kube-rs/kube',
        'promote-repository': 'kubernetes/k8s.io',
        'promoter-manifest': 'images.yaml',
        'promoted-images': 'registry.k8s.io/kube',
        'image-timeout': '6h',
      }),
    );
    const before = current.sandbox.dump();
    const record = await current.run({ mock: false });
    expect(record.jobs.plan!.result).toBe('failure');
    expect(failures(record)).toMatch(/Input `image-timeout`: 6h .*6 hours/);
    expect(current.sandbox.dump()).toEqual(before);
  });
});

describe('the default shell is bash -e (no pipefail); shell: bash adds -o pipefail', () => {
  it('a failing command early in a pipe fails the step only with shell: bash', async () => {
    const { record } = await runAlone(`on: workflow_dispatch
jobs:
  default:
    runs-on: ubuntu-latest
    steps:
      - run: false | true
  explicit:
    runs-on: ubuntu-latest
    steps:
      - shell: bash
        run: false | true
`);
    expect(record.jobs.default!.result).toBe('success');
    expect(record.jobs.explicit!.result).toBe('failure');
  });
});

describe('a repository without an App (--secrets github-token-only)', () => {
  const open = useStage();

  it('releases with GITHUB_TOKEN where it suffices, and a lock, which needs the App, fails in plan with the fix', async () => {
    let current = await open('kube-rs');
    const record = await current.run({ mock: false, secrets: 'github-token-only' });
    expect(failures(record)).toBe('');
    const repo = current.sandbox.state.repo('kube-rs/kube')!;
    expect(repo.objects.commit(repo.refs.get('refs/heads/main')!)!.author.name).toBe('github-actions[bot]');
    // The job times need actions: read, which only the App's token has here: results only, and why.
    const summary = record.jobs.summary!.legs[0]!.steps.find((s) => s.name === 'Write the release summary')!.summary;
    expect(summary).toMatch(/\n {2}plan\["plan: success"\]:::success\n/);
    expect(summary).toContain("Durations need the App (with Actions: read) to read the run's jobs.");
    current = await open('kube-rs', (scenario) => Object.assign(scenario.inputs, { lock: true }));
    const before = current.sandbox.dump();
    const locked = await current.run({ mock: false, secrets: 'github-token-only' });
    expect(locked.jobs.plan!.result).toBe('failure');
    expect(failures(locked)).toMatch(/Input `lock`: .*RELKIT_APP_ID and RELKIT_APP_PRIVATE_KEY/);
    expect(current.sandbox.dump()).toEqual(before);
  });
});

describe('a failed token revocation is a warning, as in actions/create-github-app-token', () => {
  const open = useStage();

  it('the release succeeds and the post step says the revocation failed', async () => {
    const current = await open('kube-rs');
    current.sandbox.faults.add({ method: 'DELETE', path: '/installation/token', times: 10_000, status: 502 });
    const record = await current.run({ mock: false });
    current.sandbox.faults.clear();
    expect(failures(record)).toBe('');
    const posts = Object.values(record.jobs)
      .flatMap((job) => job.legs.flatMap((leg) => leg.steps))
      .filter((step) => step.name.startsWith('Post '));
    expect(posts.some((step) => step.log.includes('::warning::Token revocation failed'))).toBe(true);
  });
});

describe('smaller runner rules', () => {
  it("a job output that holds a secret is dropped, with the runner's warning", async () => {
    const { record } = await runAlone(
      `on: workflow_dispatch
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      leak: \${{ steps.s.outputs.v }}
      fine: \${{ steps.s.outputs.w }}
    steps:
      - id: s
        env:
          V: \${{ secrets.RELKIT_TOKEN }}
        run: |
          echo "v=token:$V" >> "$GITHUB_OUTPUT"
          echo "w=plain" >> "$GITHUB_OUTPUT"
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - env:
          LEAK: \${{ needs.a.outputs.leak }}
          FINE: \${{ needs.a.outputs.fine }}
        run: echo "leak=[$LEAK] fine=[$FINE]"
`,
      { RELKIT_TOKEN: 'ghp_rulesecret123456' },
    );
    expect(record.jobs.a!.outputs).toEqual({ leak: '', fine: 'plain' });
    expect(record.jobs.a!.legs[0]!.steps.at(-1)!.log).toContain("Skip output 'leak' since it may contain secret.");
    expect(record.jobs.b!.legs[0]!.steps[0]!.log).toContain('leak=[] fine=[plain]');
  });

  it('an empty matrix vector fails the job instead of running it once', async () => {
    const { record } = await runAlone(`on: workflow_dispatch
jobs:
  build:
    strategy:
      matrix:
        arch: []
    runs-on: ubuntu-latest
    steps:
      - run: echo built
`);
    expect(record.jobs.build!.result).toBe('failure');
    expect(record.jobs.build!.reason).toContain("Matrix vector 'arch' does not contain any values");
    expect(record.jobs.build!.legs).toEqual([]);
  });

  it('failure() in a job counts every ancestor, not only the jobs it needs', async () => {
    const { record } = await runAlone(`on: workflow_dispatch
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
  b:
    needs: a
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo b
  c:
    needs: b
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: echo reporting the failure of a
`);
    expect(Object.fromEntries(Object.entries(record.jobs).map(([id, job]) => [id, job.result]))).toEqual({ a: 'failure', b: 'success', c: 'success' });
  });
});

describe('actions are resolved when the job is set up, skipped steps included', () => {
  const ACTIONS = fileURLToPath(new URL('../../actions/', import.meta.url));
  const VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;

  const setUp = async (uses: string) =>
    (
      await runAlone(
        `on: workflow_dispatch
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: first
        run: echo first
      - if: false
        uses: ${uses}
`,
        {},
        { actions: rehearsalActions(ACTIONS) },
      )
    ).record;

  it.each([
    ['a mistyped SHA pin of actions/checkout', 'actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83de'],
    ['a SHA pin of create-github-app-token that names no release', 'actions/create-github-app-token@0000000000000000000000000000000000000000'],
    ['a relkit action at a version not yet published', 'relkit/lock-branch@v9.9.9'],
  ])('%s fails the job before its first step', async (_what, uses) => {
    const record = await setUp(uses);
    expect(record.jobs.a!.result).toBe('failure');
    expect(record.jobs.a!.legs[0]!.error).toBe(`Unable to resolve action \`${uses}\`, unable to find version \`${uses.split('@')[1]}\``);
    expect(record.jobs.a!.legs[0]!.steps).toEqual([]);
  });

  it('the pins release.yml uses, and this checkout as relkit/<action> at its own version, resolve', async () => {
    for (const uses of [
      'actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd',
      'actions/create-github-app-token@bcd2ba49218906704ab6c1aa796996da409d3eb1',
      'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c',
      `relkit/lock-branch@v${VERSION}`,
    ]) {
      const record = await setUp(uses);
      expect(record.jobs.a!.result, uses).toBe('success');
    }
  });
});

describe('installation tokens live one hour, on a sandbox clock tests can move', () => {
  it('a minted token works for 59 minutes and gets 401 after 61; a fresh one works again', async () => {
    const sandbox = await startSandbox({ seed: { repos: [{ owner: 'acme', name: 'app', ownerType: 'Organization', commits: [{ id: 'c1', message: 'init', files: { VERSION: '1.0.0\n' } }] }] } });
    try {
      const call = async (method: string, path: string, token: string) => (await fetch(`${sandbox.urls.api}${path}`, { method, headers: { authorization: `Bearer ${token}` } })).status;
      const mint = async () => {
        const now = Math.floor(Date.now() / 1000);
        const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const input = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 60, exp: now + 540, iss: String(SANDBOX_APP_ID) })}`;
        const bearer = `${input}.${createSign('RSA-SHA256').update(input).sign(sandbox.appPrivateKey()).toString('base64url')}`;
        const installation = (await (await fetch(`${sandbox.urls.api}/orgs/acme/installation`, { headers: { authorization: `Bearer ${bearer}` } })).json()) as { id: number };
        const answer = await fetch(`${sandbox.urls.api}/app/installations/${installation.id}/access_tokens`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` } });
        return (await answer.json()) as { token: string; expires_at: string };
      };
      const first = await mint();
      expect(Date.parse(first.expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
      expect(await call('GET', '/repos/acme/app', first.token)).toBe(200);
      sandbox.advanceClock(59 * 60_000);
      expect(await call('GET', '/repos/acme/app', first.token)).toBe(200);
      await fetch(`${sandbox.urls.api}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 2 * 60_000 }) });
      expect(await call('GET', '/repos/acme/app', first.token)).toBe(401);
      const second = await mint();
      expect(await call('GET', '/repos/acme/app', second.token)).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});

describe('"Re-run failed jobs" runs again only the matrix combinations that failed', () => {
  it('keeps the leg that succeeded (with its attempt) and re-runs the one that failed', async () => {
    const shared = await scratchDir('legs');
    const workflow = `on: workflow_dispatch
jobs:
  build:
    strategy:
      fail-fast: false
      matrix:
        arch: [amd64, arm64]
    runs-on: ubuntu-latest
    steps:
      - env:
          ARCH: \${{ matrix.arch }}
        run: |
          if [ "$ARCH" = arm64 ] && [ ! -f "$SHARED/fixed" ]; then exit 1; fi
          echo "built $ARCH" >> "$SHARED/log"
`;
    const first = await runAlone(workflow, {}, { env: { SHARED: shared } });
    expect(first.record.jobs.build!.legs.map((l) => l.result)).toEqual(['success', 'failure']);
    writeFileSync(`${shared}/fixed`, '');
    const second = await runAlone(workflow, {}, { env: { SHARED: shared }, previous: first.record });
    expect(second.record.attempt).toBe(2);
    expect(second.record.jobs.build!.result).toBe('success');
    expect(second.record.jobs.build!.legs.map((l) => [l.matrix.arch, l.result, l.attempt ?? second.record.attempt])).toEqual([
      ['amd64', 'success', 1],
      ['arm64', 'success', 2],
    ]);
    expect(readFileSync(`${shared}/log`, 'utf8')).toBe('built amd64\nbuilt arm64\n');
  });
});

describe('a push made with GITHUB_TOKEN starts no workflow; one by the App does', () => {
  const open = useStage();
  const localRegistry = useRegistry();

  it('so plan refuses images that only a GITHUB_TOKEN bump commit or tag would have to trigger, before anything is written', async () => {
    expect(startsWorkflows('github-actions[bot]')).toBe(false);
    expect(startsWorkflows('relkit-release[bot]')).toBe(true);
    const registry = await localRegistry();
    let current = await open('metallb', (scenario) => Object.assign(scenario.inputs, { 'image-trigger': 'commit' }));
    let before = current.sandbox.dump();
    let record = await current.run({ mock: false, registry, secrets: 'github-token-only' });
    expect(record.jobs.plan!.result).toBe('failure');
    expect(failures(record)).toMatch(/Input `images`: .*GITHUB_TOKEN starts no workflow.*Fix: install the App: add the RELKIT_APP_ID and RELKIT_APP_PRIVATE_KEY secrets/);
    expect(current.sandbox.dump()).toEqual(before);
    current = await open('metallb');
    before = current.sandbox.dump();
    record = await current.run({ mock: false, registry, secrets: 'github-token-only' });
    expect(failures(record)).toMatch(/Input `image-trigger`: the release tag is pushed before the images are waited for, and a tag pushed with GITHUB_TOKEN starts no workflow.*Fix: install the App/);
    expect(current.sandbox.dump()).toEqual(before);
  });

  it('MetalLB builds its images from the tag push the release made: the App pushes the tag, the draft is published on it', async () => {
    const registry = await localRegistry();
    const current = await open('metallb');
    const record = await current.run({ mock: false, registry });
    expect(failures(record)).toBe('');
    const repo = current.sandbox.state.repo('metallb/metallb')!;
    const tagPush = repo.pushes.find((p) => p.ref === 'refs/tags/v0.14.9')!;
    // The tag came from the draft job, pushed by the App so that MetalLB's `on: push: tags` CI runs.
    expect(tagPush).toMatchObject({ actor: 'relkit-release[bot]', kind: 'app', before: undefined, after: repo.refs.get('refs/heads/v0.14') });
    expect(record.jobs.draft!.legs[0]!.steps.find((s) => s.id === 'draft')!.outputs['tag-pushed']).toBe('created');
    expect(Object.keys(JSON.parse(record.jobs.images!.outputs.digests!) as Record<string, string>)).toHaveLength(2);
    const release = repo.releases.find((r) => r.tagName === 'v0.14.9')!;
    expect(release.draft).toBe(false);
    expect(repo.refs.get('refs/tags/v0.14.9')).toBe(tagPush.after);
  });
});

describe('identities have scope: an installation token reaches its account, GITHUB_TOKEN its repository and its permissions', () => {
  const seed = {
    repos: [
      { owner: 'acme', name: 'app', ownerType: 'Organization' as const, commits: [{ id: 'c1', message: 'init', files: { VERSION: '1.0.0\n' } }] },
      { owner: 'other', name: 'lib', ownerType: 'Organization' as const, commits: [{ id: 'c1', message: 'init', files: { README: 'lib\n' } }] },
    ],
  };

  it('a job writes only what its permissions (narrowed by the caller) allow, and only in its own repository', async () => {
    const sandbox = await startSandbox({ seed });
    try {
      const head = sandbox.state.repo('acme/app')!.refs.get('refs/heads/main')!;
      const libHead = sandbox.state.repo('other/lib')!.refs.get('refs/heads/main')!;
      const push = (repo: string, sha: string, ref: string) =>
        `curl -s -o /dev/null -w '%{http_code}' -X POST -H "authorization: Bearer $T" -d '{"ref":"refs/heads/${ref}","sha":"${sha}"}' "$API/repos/${repo}/git/refs"`;
      const job = (permissions: string | undefined, ref: string) => `
  ${ref}:
    runs-on: ubuntu-latest${permissions ? `\n    permissions: ${permissions}` : ''}
    outputs: { own: "\${{ steps.w.outputs.own }}", other: "\${{ steps.w.outputs.other }}" }
    steps:
      - id: w
        env: { T: "\${{ github.token }}", API: "${sandbox.urls.api}" }
        run: |
          echo "own=$(${push('acme/app', head, ref)})" >> "$GITHUB_OUTPUT"
          echo "other=$(${push('other/lib', libHead, ref)})" >> "$GITHUB_OUTPUT"`;
      const called = await loadWorkflow('called.yml', `on: workflow_call\njobs:${job(undefined, 'called-writer')}\n`);
      const caller = `on: workflow_dispatch\npermissions: { contents: read }\njobs:${job('{ contents: write }', 'writer')}${job('{ contents: read }', 'reader')}
  call:
    uses: ./.github/workflows/called.yml
    permissions: { contents: read }
`;
      const workdir = await scratchDir('permissions');
      const record = await runWorkflow({
        workflow: await loadWorkflow('caller.yml', caller),
        inputs: {},
        github: { repository: 'acme/app', repository_owner: 'acme', run_id: '1', sha: head, ref: 'refs/heads/main', ref_name: 'main', event_name: 'workflow_dispatch', token: 'ghp_sandbox_admin' },
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
        actions: () => undefined,
        workdir,
        loadCalled: async () => called,
        jobToken: (permissions) => {
          const token = sandbox.mintJobToken('acme/app', permissions);
          return { token, revoke: () => sandbox.revokeToken(token) };
        },
      });
      expect(record.jobs.writer!.outputs).toEqual({ own: '201', other: '403' });
      expect(record.jobs.reader!.outputs).toEqual({ own: '403', other: '403' });
      // The called job declares nothing, so it gets what the calling job allows: read.
      expect(record.jobs.call!.called!.jobs['called-writer']!.outputs).toEqual({ own: '403', other: '403' });
      expect([...sandbox.state.repo('acme/app')!.refs.keys()].filter((r) => r !== 'refs/heads/main')).toEqual(['refs/heads/writer']);
    } finally {
      await sandbox.close();
    }
  });

  it('an App installed on a fork pushes there, and gets 403 opening the pull request upstream', async () => {
    const sandbox = await startSandbox({
      seed: {
        repos: [
          {
            owner: 'kubernetes',
            name: 'k8s.io',
            ownerType: 'Organization',
            commits: [
              { id: 'c1', message: 'init', files: { 'images.yaml': '[]\n' } },
              { id: 'c2', message: 'promote', files: { 'images.yaml': '- x\n' } },
            ],
            branches: { main: 'c1', next: 'c2' },
          },
          { owner: 'example-bot', name: 'k8s.io', ownerType: 'User', fork: 'kubernetes/k8s.io', commits: [] },
        ],
      },
    });
    try {
      const call = async (method: string, path: string, token: string, body?: unknown) => {
        const answer = await fetch(`${sandbox.urls.api}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        return { status: answer.status, body: (await answer.json().catch(() => ({}))) as Record<string, unknown> };
      };
      const now = Math.floor(Date.now() / 1000);
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const input = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 60, exp: now + 540, iss: String(SANDBOX_APP_ID) })}`;
      const bearer = `${input}.${createSign('RSA-SHA256').update(input).sign(sandbox.appPrivateKey()).toString('base64url')}`;
      const installation = await call('GET', '/users/example-bot/installation', bearer);
      const token = (await call('POST', `/app/installations/${String(installation.body.id)}/access_tokens`, bearer)).body.token as string;
      // The fork shares its network's objects: the promotion commit is pushed to a fork branch.
      const promotion = sandbox.state.repo('kubernetes/k8s.io')!.refs.get('refs/heads/next')!;
      expect((await call('POST', '/repos/example-bot/k8s.io/git/refs', token, { ref: 'refs/heads/promote', sha: promotion })).status).toBe(201);
      const pull = await call('POST', '/repos/kubernetes/k8s.io/pulls', token, { title: 'Promote', head: 'example-bot:promote', base: 'main' });
      expect(pull).toMatchObject({ status: 403, body: { message: 'Resource not accessible by integration' } });
      // The fork owner's own token (a bot's PAT, RELKIT_PROMOTE_TOKEN) may open it.
      sandbox.state.identities.set('ghp_bot', { token: 'ghp_bot', kind: 'user', account: sandbox.state.account('example-bot') });
      expect((await call('POST', '/repos/kubernetes/k8s.io/pulls', 'ghp_bot', { title: 'Promote', head: 'example-bot:promote', base: 'main' })).status).toBe(201);
    } finally {
      await sandbox.close();
    }
  });

  it("so plan refuses promote-fork without the fork owner's token, before anything is written", async () => {
    const current = await stage('kubernetes', (scenario) => delete scenario.secrets);
    const registry = await startLocalRegistry();
    try {
      const before = current.sandbox.dump();
      const record = await current.run({ mock: false, registry });
      expect(record.jobs.plan!.result).toBe('failure');
      expect(failures(record)).toMatch(/Input `promote-fork`: .*an App installed on the fork cannot open a pull request upstream.*Fix: add a RELKIT_PROMOTE_TOKEN secret/);
      expect(current.sandbox.dump()).toEqual(before);
    } finally {
      await registry.stop();
      await current.close();
    }
  });
});

describe('a promotion PR merged 90 minutes after it opens (sandbox clock) still finishes the release', () => {
  const open = useStage();
  const localRegistry = useRegistry();

  it("the merge is waited for with the job's GITHUB_TOKEN, not an App token that expires after an hour", async () => {
    const registry = await localRegistry();
    const current = await open('kubernetes', (scenario) => Object.assign(scenario.promoter!, { mergeAfterMinutes: 90 }));
    const record = await current.run({ mock: false, registry });
    expect(failures(record)).toBe('');
    expect(current.sandbox.state.clockOffsetMs).toBeGreaterThanOrEqual(90 * 60_000);
    const pull = current.sandbox.state.repo('kubernetes/k8s.io')!.pulls[0]!;
    expect(pull).toMatchObject({ user: 'example-bot', headRepo: 'example-bot/k8s.io' });
    expect(pull.mergedAt).not.toBeNull();
    expect(record.jobs.publish!.outputs.published).toBe('true');
  });
});

describe('a wait that outlasts its job goes on with "Re-run failed jobs", without doing anything twice', () => {
  it('the promotion PR not merged in time fails promote; the re-run finds the same PR, waits again and publishes', async () => {
    const current = await stage('kubernetes', (scenario) => Object.assign(scenario.inputs, { 'image-timeout': '2s' }));
    const registry = await startLocalRegistry();
    try {
      const promoter = current.scenario.promoter;
      delete current.scenario.promoter;
      const first = await current.run({ mock: false, registry });
      expect(first.jobs.promote!.result).toBe('failure');
      expect(failures(first)).toMatch(/was not merged within 2s[\s\S]*re-run this job: it finds the same pull request and waits again/);
      expect(first.jobs.publish!.result).toBe('skipped');
      current.scenario.promoter = promoter!;
      const again = await current.run({ mock: false, registry, previous: first });
      expect(failures(again)).toBe('');
      const pulls = current.sandbox.state.repo('kubernetes/k8s.io')!.pulls;
      expect(pulls).toHaveLength(1);
      expect(pulls[0]!.mergedAt).not.toBeNull();
      expect(current.sandbox.state.repo('kubernetes-sigs/example')!.releases.filter((r) => r.tagName === 'v1.31.4')).toHaveLength(1);
      expect(again.jobs.draft!.attempt).toBe(1);
    } finally {
      await registry.stop();
      await current.close();
    }
  });
});

describe('"Re-run failed jobs" uses the called workflow of the first attempt', () => {
  it('even when its ref has moved to new content since', async () => {
    const versions = [
      'on: workflow_call\njobs:\n  step:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "first attempt content"; exit 1\n',
      'on: workflow_call\njobs:\n  step:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "moved content"\n',
    ];
    let loads = 0;
    const caller = await loadWorkflow('caller.yml', 'on: workflow_dispatch\njobs:\n  call:\n    uses: acme/shared/.github/workflows/called.yml@main\n');
    const run = async (previous?: RunRecord) =>
      runWorkflow({
        workflow: caller,
        inputs: {},
        github: { repository: 'acme/app', run_id: '1', event_name: 'workflow_dispatch' },
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
        actions: () => undefined,
        workdir: await scratchDir('rerun-called'),
        loadCalled: async () => loadWorkflow('called.yml', versions[Math.min(loads++, 1)]!),
        ...(previous ? { previous } : {}),
      });
    const first = await run();
    expect(first.result).toBe('failure');
    const again = await run(first);
    const step = again.jobs.call!.called!.jobs.step!.legs[0]!.steps[0]!;
    expect(step.log).toContain('first attempt content');
    expect(again.attempt).toBe(2);
  });
});

describe('an action input is one environment variable, which Linux caps at 128 KiB (execve E2BIG)', () => {
  it("notes longer than that reach the draft as a file, and the release is published with them cut at GitHub's limit", async () => {
    const current = await stage('kube-rs', (scenario) => {
      const repo = scenario.repos[0]!;
      // 400 merged PRs with long titles: about 200 KB of notes, as a first release or a long cycle writes.
      for (let i = 0; i < 400; i++) {
        const number = 2000 + i;
        repo.commits!.push({
          id: `long${i}`,
          message: `Change ${i} (#${number})`,
          author: 'clux',
          date: new Date(Date.UTC(2026, 9, 20, 0, i)).toISOString(),
          files: { [`src/change-${i}.rs`]: `// ${i}\n` },
        });
        repo.pulls!.push({
          number,
          title: `Refactor the watcher backoff and the reflector store, part ${i}: ${'keep the cache consistent across relists '.repeat(10)}`,
          user: 'clux',
          labels: ['changelog-change'],
          head: `clux/long-${i}`,
          base: 'main',
          mergeCommit: `long${i}`,
          mergedAt: new Date(Date.UTC(2026, 9, 20, 0, i)).toISOString(),
        });
      }
      scenario.inputs.publish = true;
    });
    try {
      const record = await current.run({ mock: false });
      expect(failures(record)).toBe('');
      const notes = record.jobs.notes!.legs[0]!.steps.find((s) => s.id === 'notes')!.outputs.notes!;
      expect(Buffer.byteLength(notes)).toBeGreaterThan(128 * 1024);
      const release = current.sandbox.state.repo('kube-rs/kube')!.releases.find((r) => r.tagName === '0.100.0')!;
      expect(release.draft).toBe(false);
      expect(release.body!.length).toBeLessThanOrEqual(125_000);
      expect(release.body).toContain('part 0:');
    } finally {
      await current.close();
    }
  });
});
