import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { releaseOutcome } from '@relkit/rehearsal';
import { runActionBundle, type RunResult } from '@relkit/runner';
import type { Sandbox } from '@relkit/sandbox';
import { useRegistry } from '../helpers/registry.js';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { filesIn, scratchDir } from '../helpers/scratch.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli/index.js');
const ACTIONS = ['bump-version-files', 'draft-release', 'gen-relnotes', 'lock-branch', 'promote-pr', 'wait-for-images'];

const filesUnder = async (dir: string) => Object.keys(await filesIn(dir));

let out: string;
beforeAll(async () => {
  out = join(await scratchDir('publish'), 'publish');
  await run(process.execPath, [bin, 'package', '--out', out, '--archives'], { cwd: root });
});

describe('relkit package (npm run package)', () => {
  it('writes for every action exactly the tree its repository holds: action.yml on dist/, the bundle, README, LICENSE', async () => {
    expect((await readdir(out)).sort()).toEqual(ACTIONS.flatMap((a) => [a, `${a}.tar.gz`]).sort());
    for (const action of ACTIONS) {
      const tree = join(out, action);
      const bundle = (await readdir(join(root, 'dist', action))).sort();
      expect(await filesUnder(tree)).toEqual(['LICENSE', 'README.md', 'action.yml', ...bundle.map((f) => `dist/${f}`)].sort());
      const source = await readFile(join(root, 'actions', action, 'action.yml'), 'utf8');
      const published = await readFile(join(tree, 'action.yml'), 'utf8');
      // Only the entry points change; descriptions, comments and order stay byte for byte.
      expect(published).toBe(source.replaceAll(`../../dist/${action}/`, 'dist/'));
      expect(published).toMatch(/^ {2}main: dist\/index\.js$/m);
      expect(published.includes('post: dist/post.js')).toBe(action === 'lock-branch');
      for (const file of bundle) expect((await readFile(join(tree, 'dist', file))).equals(await readFile(join(root, 'dist', action, file)))).toBe(true);
      expect(await readFile(join(tree, 'README.md'), 'utf8')).toBe(await readFile(join(root, 'actions', action, 'README.md'), 'utf8'));
      expect(await readFile(join(tree, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    }
  });

  it('archives hold the trees and are the same bytes when packaged again', async () => {
    const again = join(await scratchDir('publish-again'), 'trees');
    await run(process.execPath, [bin, 'package', '--out', again, '--archives'], { cwd: root });
    for (const action of ACTIONS) {
      expect((await readFile(join(again, `${action}.tar.gz`))).equals(await readFile(join(out, `${action}.tar.gz`)))).toBe(true);
      const listed = (await run('tar', ['-tzf', join(out, `${action}.tar.gz`)])).stdout
        .trim()
        .split('\n')
        .filter((l) => !l.endsWith('/'))
        .sort();
      expect(listed).toEqual((await filesUnder(join(out, action))).map((f) => `${action}/${f}`));
    }
  });

  it('a README that links outside its action stops packaging, and the earlier trees stay', async () => {
    const home = await scratchDir('publish-home');
    await cp(join(root, 'actions/lock-branch'), join(home, 'actions/lock-branch'), { recursive: true });
    await cp(join(root, 'dist/lock-branch'), join(home, 'dist/lock-branch'), { recursive: true });
    await cp(join(root, 'LICENSE'), join(home, 'LICENSE'));
    await writeFile(join(home, 'package.json'), '{}\n');
    await writeFile(join(home, 'actions/lock-branch/README.md'), '# lock-branch\n\nSee [the workflow](../../README.md#workflow).\n');
    const target = join(home, 'publish');
    await mkdir(target);
    await writeFile(join(target, 'earlier.txt'), 'kept\n');
    const failed = await run(process.execPath, [bin, 'package', '--out', target], { cwd: home, env: { ...process.env, RELKIT_HOME: home } }).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(
      /actions\/lock-branch\/README\.md links to `\.\.\/\.\.\/README\.md#workflow`, which is outside the action[^\n]*\nFix: Link to the published repository/,
    );
    expect(await readdir(target)).toEqual(['earlier.txt']);
  });
});

/** Runs an action from its action.yml as the runner does (runs.main / runs.post resolved against it). */
function step(
  actionYml: string,
  sandbox: Sandbox | undefined,
  inputs: Record<string, string>,
  options: { cwd?: string; step?: 'main' | 'post'; state?: Record<string, string> } = {},
): Promise<RunResult> {
  return runActionBundle({
    action: actionYml,
    inputs,
    step: options.step ?? 'main',
    ...(options.state ? { state: options.state } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: {
      ...sandbox?.env(),
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '1',
      HOME: '/nonexistent',
      RELKIT_WRITE_INTERVAL_MS: '0',
      RELKIT_NOTIFICATION_INTERVAL_MS: '0',
      RELKIT_RETRY_BASE_MS: '20',
    },
  });
}

describe('each published tree runs as the monorepo action does', () => {
  const monorepo = useSandbox({ repos: basicRepo() });
  const published = useSandbox({ repos: basicRepo() });
  const registry = useRegistry();

  const sides = () => [
    { name: 'monorepo', sandbox: monorepo.sandbox, yml: (a: string) => join(root, 'actions', a, 'action.yml') },
    { name: 'published', sandbox: published.sandbox, yml: (a: string) => join(out, a, 'action.yml') },
  ];
  /** Runs the same steps on both sides; the results must agree (sandbox URLs and workspaces aside). */
  async function compare(steps: (yml: (a: string) => string, sandbox: Sandbox, cwd: string) => Promise<RunResult[]>): Promise<RunResult[]> {
    const results: RunResult[][] = [];
    const workspaces: string[] = [];
    for (const side of sides()) {
      const cwd = await scratchDir(`side-${side.name}`);
      workspaces.push(cwd);
      results.push(await steps(side.yml, side.sandbox, cwd));
    }
    const view = (r: RunResult, i: number) => {
      const clean = (text: string) =>
        text
          .replaceAll(sides()[i]!.sandbox.urls.html, 'URL')
          .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'HOST')
          .replace(/\b[0-9a-f]{40}\b/g, 'SHA')
          .replaceAll(workspaces[i]!, 'WS')
          .replace(/\d+(\.\d+)? ?(ms|s)\b/g, 'T')
          .replace(/relkit-step-\w+/g, 'STEP');
      // `waited` is wall time (wait-for-images), which two runs need not share.
      const outputs = JSON.parse(clean(JSON.stringify(r.outputs))) as Record<string, string>;
      if ('waited' in outputs) outputs.waited = 'T';
      return { exitCode: r.exitCode, outputs, summary: clean(r.summary), errors: r.annotations.filter((a) => a.level === 'error').map((a) => a.message) };
    };
    expect(results[1]!.map((r) => view(r, 1))).toEqual(results[0]!.map((r) => view(r, 0)));
    const state = (i: number) => releaseOutcome(sides()[i]!.sandbox, (t) => t.replaceAll(sides()[i]!.sandbox.urls.html, 'URL'));
    expect(state(1)).toEqual(state(0));
    return results[0]!;
  }

  it('lock-branch: lock, then the post step unlocks', async () => {
    const [locked, post] = await compare(async (yml, sandbox) => {
      const main = await step(yml('lock-branch'), sandbox, { token: SANDBOX_TOKENS.app, holder: 'publish test', 'unlock-on-exit': 'true' });
      const inRuleset = releaseOutcome(sandbox).repositories['acme/app']!.rulesets.map((r) => r.name);
      expect(inRuleset).toEqual(['relkit-lock/main: publish test']);
      return [main, await step(yml('lock-branch'), sandbox, { token: SANDBOX_TOKENS.app, holder: 'publish test', 'unlock-on-exit': 'true' }, { step: 'post', state: main.state })];
    });
    expect(locked!.outputs.locked).toBe('true');
    expect(post!.exitCode).toBe(0);
  });

  it('bump-version-files: the same bytes in the workspace', async () => {
    const [bumped] = await compare(async (yml, _sandbox, cwd) => {
      await writeFile(join(cwd, 'VERSION'), '1.0.0\n');
      const result = await step(yml('bump-version-files'), undefined, { files: 'VERSION', bump: 'minor' }, { cwd });
      expect(await readFile(join(cwd, 'VERSION'), 'utf8')).toBe('1.1.0\n');
      return [result];
    });
    expect(bumped!.outputs).toMatchObject({ version: '1.1.0', 'previous-version': '1.0.0' });
  });

  it('gen-relnotes, draft-release and promote-pr: the same notes, draft and pull request', async () => {
    const [notes, draft, promotion] = await compare(async (yml, sandbox, cwd) => [
      await step(yml('gen-relnotes'), sandbox, { token: SANDBOX_TOKENS.githubToken, to: 'main', version: '1.1.0', date: '2026-11-21' }, { cwd }),
      await step(yml('draft-release'), sandbox, { token: SANDBOX_TOKENS.githubToken, tag: 'v1.1.0', target: 'main', body: 'The notes.' }, { cwd }),
      await step(yml('promote-pr'), sandbox, { token: SANDBOX_TOKENS.admin, repository: 'acme/app', tags: 'v1.1.0', name: 'app', edits: 'VERSION' }, { cwd }),
    ]);
    expect(notes!.outputs.notes).toContain('Add a feature');
    expect(draft!.outputs).toMatchObject({ tag: 'v1.1.0' });
    expect(promotion!.outputs['pull-request-url']).toMatch(/\/acme\/app\/pull\/\d+$/);
  });

  it('wait-for-images: the same digests from the registry', async () => {
    const pushed = await registry.pushIndex('acme/app', 'v1.1.0', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ]);
    const [waited] = await compare(async (yml) => [
      await step(yml('wait-for-images'), undefined, { images: `${registry.host}/acme/app`, tag: 'v1.1.0', platforms: 'linux/amd64,linux/arm64', timeout: '10s', interval: '100ms' }),
    ]);
    expect(JSON.parse(waited!.outputs.digests!)).toEqual({ [`${registry.host}/acme/app:v1.1.0`]: pushed.digest });
  });
});
