import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultIdentities } from '@relkit/sandbox';
import type { RunRecord, StepRecord } from '@relkit/rehearsal';
import type { RunResult } from '@relkit/runner';
import { errors, runAction, runBundle } from '../helpers/action.js';
import { useRegistry } from '../helpers/registry.js';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { failures, stage } from '../rehearsal/scenario-harness.js';
import { filesIn, scratchDir } from '../helpers/scratch.js';

/** Recognisable secret values: if any of them shows up in anything relkit produced, it leaked. */
const CANARY = {
  admin: 'ghp_CANARYadmin7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c',
  bot: 'ghs_CANARYbot2e4f6a8c0e1b3d5f7a9c2e4f6a8b0d1',
  password: 'CANARYpassw0rd-9d8c7b6a',
};

const env = useSandbox({
  identities: [...defaultIdentities(), { token: CANARY.admin, kind: 'user', login: 'relkit-admin' }, { token: CANARY.bot, kind: 'user', login: 'release-bot' }],
  accounts: [{ login: 'release-bot' }],
  repos: [
    ...basicRepo()!,
    { owner: 'kubernetes', name: 'k8s.io', commits: [{ id: 'k1', message: 'Initial commit', files: { 'charts/index.yaml': 'entries:\n  app:\n    - version: 1.0.0\n', 'README.md': '# k8s.io\n' } }] },
    { owner: 'release-bot', ownerType: 'User', name: 'k8s.io', fork: 'kubernetes/k8s.io', commits: [] },
  ],
});
const registry = useRegistry({ auth: 'basic' });

/** The lines the runner shows: `::add-mask::` commands are consumed by the runner, not shown. */
function shown(result: RunResult): string {
  return [
    result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
    JSON.stringify(result.annotations),
    JSON.stringify(result.state ?? {}),
  ].join('\n');
}

function leaks(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}

async function allObjectText(): Promise<string> {
  const parts: string[] = [];
  for (const repo of env.sandbox.state.repos.values()) {
    for (const [, object] of repo.objects.entries()) parts.push(Buffer.from(object.data).toString('latin1'));
    for (const release of repo.releases) parts.push(release.body ?? '', release.name ?? '', ...release.assets.map((a) => Buffer.from(a.data).toString('latin1')));
    for (const pull of repo.pulls) parts.push(pull.title, pull.body ?? '');
  }
  return parts.join('\n');
}

// The other action tests run each step in-process; this one runs every committed bundle (dist/) as
// the runner does, in a child process, so a stale or broken bundle, or a secret on stderr, fails here.
describe('credentials in an image reference', () => {
  it('are refused without being repeated, and the message says where credentials go', async () => {
    const result = await runAction('wait-for-images', undefined, { images: 'user:hunter2@host:5000/a/b', tag: 'v1.0.0', timeout: '5s' });
    expect(result.exitCode).not.toBe(0);
    expect(shown(result)).not.toContain('hunter2');
    const message = errors(result).join('\n');
    expect(message).toContain('`images`');
    expect(message).toMatch(/credentials/i);
    expect(message).toContain('registry-auth');
    expect(message).not.toMatch(/digest/i);
  });
});

describe('the sandbox request log', () => {
  it('keeps who sent each request, never the token itself', async () => {
    await env.client(CANARY.admin).rest.rest.repos.get({ owner: 'acme', repo: 'app' });
    const answer = await fetch(`${env.sandbox.urls.api}/_sandbox/requests`);
    const text = await answer.text();
    expect(text).toContain('relkit-admin');
    expect(leaks(text, [CANARY.admin])).toEqual([]);
    expect(leaks(JSON.stringify(env.sandbox.log), [CANARY.admin])).toEqual([]);
  });
});

describe('canary: every action run with recognisable secrets leaks none of them', () => {
  it('lock-branch, bump-version-files, gen-relnotes, draft-release, wait-for-images and promote-pr bundles', async () => {
    const pushed = await registry.pushImage('canary/app', 'v1.1.0');
    const secrets = [CANARY.admin, CANARY.bot, registry.credentials!.password, CANARY.password];
    const workspace = await scratchDir('canary');
    for (const [path, content] of Object.entries({ VERSION: '1.0.0\n', 'CHANGELOG.md': '# Changelog\n', 'out/app.tar.gz': 'app\n' })) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), content);
    }
    const head = env.sandbox.state.repo('acme/app')!.refs.get('refs/heads/main')!;
    const base = { cwd: workspace, env: { GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: head, GITHUB_REF: 'refs/heads/main', RELKIT_CANARY: CANARY.password } };
    const results: Record<string, RunResult> = {};

    results.notes = await runBundle('gen-relnotes', env.sandbox, { token: CANARY.admin, to: 'main', version: '1.1.0', 'changelog-file': 'CHANGELOG.md' }, base);
    results.bump = await runBundle('bump-version-files', env.sandbox, { token: CANARY.admin, files: 'VERSION', version: '1.1.0', commit: 'branch', 'include-files': 'CHANGELOG.md' }, base);
    results.draft = await runBundle('draft-release', env.sandbox, { token: CANARY.admin, tag: 'v1.1.0', target: 'main', assets: 'out/app.tar.gz', publish: 'true' }, base);
    results.images = await runBundle(
      'wait-for-images',
      undefined,
      { images: `${registry.host}/canary/app`, tag: 'v1.1.0', timeout: '30s', interval: '1s', 'registry-auth': `${registry.host}=${registry.credentials!.username}:${registry.credentials!.password}` },
      base,
    );
    results.promote = await runBundle(
      'promote-pr',
      env.sandbox,
      { repository: 'kubernetes/k8s.io', token: CANARY.bot, fork: 'release-bot', tags: 'v1.1.0', edits: 'charts/index.yaml: entries.app[0].version', name: 'app' },
      base,
    );
    results.lock = await runBundle('lock-branch', env.sandbox, { token: CANARY.admin, branch: 'main', 'unlock-on-exit': 'true' }, base);
    results.unlock = await runBundle('lock-branch', env.sandbox, { token: CANARY.admin, branch: 'main', 'unlock-on-exit': 'true' }, { ...base, step: 'post', state: results.lock.state ?? {} });

    for (const [step, result] of Object.entries(results)) {
      expect(errors(result), step).toEqual([]);
      expect(result.exitCode, step).toBe(0);
      expect(leaks(shown(result), secrets), step).toEqual([]);
    }
    expect(results.images.outputs.digests).toContain(pushed.digest);
    expect(results.notes.outputs['previous-tag']).not.toBe(undefined);
    expect(results.bump.outputs).toMatchObject({ version: '1.1.0', tag: 'v1.1.0', changed: 'true' });
    expect(results.draft.outputs).toMatchObject({ tag: 'v1.1.0', published: 'true' });
    expect(results.promote.outputs.operation).toBe('created');
    expect(results.lock.outputs.locked).toBe('true');
    expect(results.unlock.outputs.locked).toBe('false');
    expect(leaks(JSON.stringify(await filesIn(workspace)), secrets)).toEqual([]);
    expect(leaks(JSON.stringify(env.sandbox.dump()), secrets)).toEqual([]);
    expect(leaks(await (await fetch(`${env.sandbox.urls.api}/_sandbox/requests`)).text(), secrets)).toEqual([]);
    expect(leaks(await allObjectText(), secrets)).toEqual([]);
    // The run did reach GitHub and leave its marks, so the greps above had something to read.
    expect(env.sandbox.state.repo('acme/app')!.releases.some((r) => r.tagName === 'v1.1.0' && !r.draft)).toBe(true);
    expect(env.sandbox.state.repo('kubernetes/k8s.io')!.pulls).toHaveLength(1);
    expect(await readFile(join(workspace, 'VERSION'), 'utf8')).toBe('1.1.0\n');
  });
});

describe('canary: the release rehearsal', () => {
  it('shows no secret (App key, GITHUB_TOKEN, minted installation tokens) in any log, summary or job output', async () => {
    const current = await stage('kube-rs');
    try {
      const record = await current.run({ mock: false });
      expect(failures(record)).toBe('');
      const steps: StepRecord[] = [];
      const shownParts: string[] = [];
      const walk = (run: RunRecord) => {
        for (const job of Object.values(run.jobs)) {
          shownParts.push(JSON.stringify(job.outputs), job.reason ?? '');
          for (const leg of job.legs) {
            shownParts.push(leg.error ?? '');
            steps.push(...leg.steps);
          }
          if (job.called) walk(job.called);
        }
      };
      walk(record);
      for (const step of steps) shownParts.push(step.log, step.summary);
      const minted = steps.flatMap((s) => (s.outputs.token ? [s.outputs.token] : []));
      expect(minted.length).toBeGreaterThan(0);
      const keyLines = current.sandbox
        .appPrivateKey()
        .split('\n')
        .filter((line) => line.length > 40);
      const shownText = shownParts.join('\n');
      expect(leaks(shownText, [...minted, SANDBOX_TOKENS.githubToken, ...keyLines])).toEqual([]);
      // The runner consumed the add-mask commands and masked their values: the logs still mention the work.
      expect(shownText).toContain('Created an installation token');
      expect(shownText).not.toContain('::add-mask::');
    } finally {
      await current.close();
    }
  });
});
