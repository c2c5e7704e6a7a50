import { createSign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkSecretName, jobMinutes, loadWorkflow, rehearsalActions, repositorySecrets, runWorkflow, startLocalRegistry, startsWorkflows, type LocalRegistry, type RunRecord } from '@relkit/rehearsal';
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
  async function callerStage(secretsBlock: string): Promise<Stage> {
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

  it('the App secrets, passed under names a repository can hold, reach every writing job: the bump is the App\'s', async () => {
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
    const current = await open('kube-rs', (scenario) => Object.assign(scenario.inputs, { images: 'ghcr.io/kube-rs/kube', 'promote-repository': 'kubernetes/k8s.io', 'promoter-manifest': 'images.yaml', 'promoted-images': 'registry.k8s.io/kube', 'image-timeout': '6h' }));
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
    const posts = Object.values(record.jobs).flatMap((job) => job.legs.flatMap((leg) => leg.steps)).filter((step) => step.name.startsWith('Post '));
    expect(posts.some((step) => step.log.includes('::warning::Token revocation failed'))).toBe(true);
  });
});

describe('smaller runner rules', () => {
  it('a job output that holds a secret is dropped, with the runner\'s warning', async () => {
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
    for (const uses of ['actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd', 'actions/create-github-app-token@bcd2ba49218906704ab6c1aa796996da409d3eb1', 'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', `relkit/lock-branch@v${VERSION}`]) {
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

describe('a push made with GITHUB_TOKEN starts no workflow', () => {
  const open = useStage();
  let registry: LocalRegistry | undefined;
  afterAll(async () => {
    await registry?.stop();
  });

  it('so plan refuses images that only a GITHUB_TOKEN bump commit would have to trigger, before anything is written', async () => {
    expect(startsWorkflows('github-actions[bot]')).toBe(false);
    expect(startsWorkflows('relkit-release[bot]')).toBe(true);
    registry = await startLocalRegistry();
    const current = await open('metallb');
    const before = current.sandbox.dump();
    const record = await current.run({ mock: false, registry, secrets: 'github-token-only' });
    expect(record.jobs.plan!.result).toBe('failure');
    expect(failures(record)).toMatch(/Input `images`: .*GITHUB_TOKEN starts no workflow.*Fix: add the RELKIT_APP_ID and RELKIT_APP_PRIVATE_KEY secrets/);
    expect(current.sandbox.dump()).toEqual(before);
  });
});
