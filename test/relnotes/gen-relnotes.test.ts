import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lint } from 'markdownlint/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { localCloneOf } from '@relkit/relnotes';
import { errors, runAction } from '../helpers/action.js';
import { SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { scratchDir } from '../helpers/scratch.js';
import { buildFixtureRepo, type FixtureRepo } from './fixture-repo.js';

let fixture: FixtureRepo;
const env = useSandbox(() => ({ accounts: [{ login: 'dependabot[bot]', type: 'Bot' }], repos: [] }), { associationLagMs: 3_600_000 });
const GOLDEN = new URL('./golden/', import.meta.url);
const UPDATE = process.env.RELKIT_UPDATE_GOLDEN === '1';

beforeAll(async () => {
  fixture = await buildFixtureRepo({ newestMergedNow: true });
  env.sandbox.addRepo(fixture.seed);
});

const KUBERNETES = 'kind-labels: true\ndependencies: true\n';
const GITHUB = [
  'changelog:',
  '  exclude:',
  '    labels: [ignore-for-release]',
  '  categories:',
  '    - title: Features',
  '      labels: [kind/feature]',
  '    - title: Fixes',
  '      labels: [kind/bug]',
  '    - title: Other',
  '      labels: ["*"]',
  'release-note-blocks: false',
  '',
].join('\n');
const KUBE_RS = [
  'changelog:',
  '  categories:',
  '    - title: Added',
  '      labels: [kind/feature]',
  '    - title: Fixed',
  '      labels: [kind/bug]',
  '    - title: Changed',
  '      labels: ["*"]',
  'release-note-blocks: false',
  'contributors: false',
  '',
].join('\n');

async function notes(inputs: Record<string, string>, where: 'api' | 'local', config: string | undefined) {
  const cwd = where === 'local' ? fixture.dir : await scratchDir('relnotes-ws');
  await mkdir(join(cwd, '.github'), { recursive: true });
  if (config !== undefined) await writeFile(join(cwd, '.github/release.yml'), config);
  env.sandbox.log.length = 0;
  const result = await runAction(
    'gen-relnotes',
    env.sandbox,
    { token: SANDBOX_TOKENS.githubToken, date: '2026-02-01', ...inputs },
    { cwd, env: { GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: undefined } },
  );
  return { result, requests: env.sandbox.log.length, graphql: env.sandbox.log.filter((e) => e.server === 'graphql').length, cwd };
}

/** Sandbox URLs carry a random port, and the newest commit is dated now: goldens use github.com and commit names. */
function normalize(text: string): string {
  let out = text.replaceAll(env.sandbox.urls.html, 'https://github.com');
  for (const name of ['pr10', 'pr11', 'pr12', 'pr13', 'pr14', 'pr15', 'pr16', 'pr17', 'pr18', 'pick12', 'pick18', 'revert14']) out = out.replaceAll(fixture.sha(name), `<${name}>`);
  return out;
}

/** Compares with the committed golden file; RELKIT_UPDATE_GOLDEN=1 rewrites it (review the diff). */
async function golden(name: string, actual: string): Promise<void> {
  const file = new URL(name, GOLDEN);
  if (UPDATE) {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(file, actual);
  }
  expect(existsSync(file), `golden file ${name} is missing; run with RELKIT_UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(await readFile(file, 'utf8'));
}

async function markdownProblems(text: string): Promise<string[]> {
  const results = await lint({ strings: { notes: text }, config: { default: true, MD013: false, MD041: false, MD024: { siblings_only: true } } });
  return results.notes!.map((r) => `${r.lineNumber}: ${r.ruleNames.join('/')} ${r.ruleDescription}`);
}

describe('gen-relnotes on a MetalLB-shaped history', () => {
  it('v0.14.9 on the release branch (Kubernetes kinds): previous tag v0.14.8 not v0.15.0, cherry-picks credited to their originals, in a handful of requests', async () => {
    const { result, requests } = await notes({ to: 'v0.14', version: '0.14.9' }, 'api', KUBERNETES);
    expect(errors(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ 'previous-tag': 'v0.14.8', 'pr-count': '3', 'commit-count': '3' });
    // The direct cherry-pick of #18 carries no PR number: its -x trailer leads to #18.
    expect(result.outputs.notes).toContain('Configuration reloads are faster. by @bob in [#18]');
    await golden('kubernetes-v0.14.9.md', normalize(result.outputs.notes!));
    expect(await markdownProblems(result.outputs.notes!)).toEqual([]);
    // tags, resolve, compare (1 page), PRs (1 batch), the trailer's original commit, the originals' PRs, new contributors.
    expect(requests).toBeLessThanOrEqual(7);
    expect(JSON.parse(result.outputs.contributors!)).toEqual([
      { login: 'bob', count: 1 },
      { login: 'carol', count: 1 },
      { login: 'erin', count: 1 },
    ]);
  });

  it('gives the same notes from a local clone, with no request for commits', async () => {
    const api = await notes({ to: 'v0.14', version: '0.14.9' }, 'api', KUBERNETES);
    const local = await notes({ to: 'v0.14', version: '0.14.9' }, 'local', KUBERNETES);
    expect(errors(local.result)).toEqual([]);
    expect(local.result.stdout).toContain('read from the local clone');
    // Which path was taken, and why, is in the log for both.
    expect(local.result.stdout).toMatch(/Reading commits from the local clone at .*: the workspace is the checkout of acme\/app; no API request/);
    expect(api.result.stdout).toMatch(/Reading commits through the GitHub API: the workspace .* is not a git clone \(no actions\/checkout step/);
    expect(local.result.outputs.notes).toBe(api.result.outputs.notes);
    expect(local.result.outputs.json).toBe(api.result.outputs.json);
    expect(env.sandbox.log.some((e) => e.route?.includes('compare') || e.route?.includes('matching-refs'))).toBe(false);
    expect(local.requests).toBeLessThan(api.requests);
  });

  it("reads a shallow checkout's range through the API, as actions/checkout's default fetch-depth: 1 leaves it", async () => {
    const api = await notes({ to: 'v0.14', version: '0.14.9' }, 'api', KUBERNETES);
    const shallow = await scratchDir('relnotes-shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'v0.14', `file://${fixture.dir}`, shallow]);
    await mkdir(join(shallow, '.github'), { recursive: true });
    await writeFile(join(shallow, '.github/release.yml'), KUBERNETES);
    const result = await runAction(
      'gen-relnotes',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, date: '2026-02-01', to: 'v0.14', version: '0.14.9' },
      { cwd: shallow, env: { GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: undefined } },
    );
    expect(errors(result)).toEqual([]);
    // One commit and no tags locally: taken at face value, the notes would hold only the last commit.
    expect(result.stdout).toMatch(/Reading commits through the GitHub API: the clone at .* does not have v0\.14 \(a shallow checkout\? check out with fetch-depth: 0\)/);
    expect(result.outputs.notes).toBe(api.result.outputs.notes);
  });

  it('v0.15.0 on main with GitHub release.yml categories, the newest PR included despite the association lag', async () => {
    const { result } = await notes({ to: 'main', version: 'v0.15.0' }, 'api', GITHUB);
    expect(errors(result)).toEqual([]);
    await golden('github-v0.15.0.md', normalize(result.outputs.notes!));
    expect(await markdownProblems(result.outputs.notes!)).toEqual([]);
    // #17 was merged a minute ago: GraphQL does not associate it yet, REST does.
    expect(result.outputs.notes).toContain('Add IPv6 pools by @alice');
    expect(env.sandbox.log.some((e) => e.route === '/repos/{owner}/{repo}/commits/{commit_sha}/pulls')).toBe(true);
    const local = await notes({ to: 'main', version: 'v0.15.0' }, 'local', GITHUB);
    expect(local.result.outputs.notes).toBe(result.outputs.notes);
  });

  it('JSON output', async () => {
    const { result } = await notes({ to: 'main', version: '0.15.0', format: 'json' }, 'api', KUBERNETES);
    expect(errors(result)).toEqual([]);
    await golden('kubernetes-v0.15.0.json', normalize(result.outputs.notes!));
    const json = JSON.parse(result.outputs.json!);
    expect(json.entries.map((e: { pr: number | null }) => e.pr)).toEqual([12, 13, 15, 18, null, 17]);
    // A direct revert has no PR and is listed, not dropped.
    expect(json.entries[4]).toMatchObject({ title: 'Revert "Reformat the docs"', author: 'maintainer', category: 'Other Changes' });
  });

  it('kube-rs style: Keep a Changelog sections written into CHANGELOG.md, and a re-run changes nothing', async () => {
    const first = await notes({ to: 'main', version: '0.15.0', format: 'keep-a-changelog', 'changelog-file': 'CHANGELOG.md' }, 'api', KUBE_RS);
    expect(errors(first.result)).toEqual([]);
    const changelog = await readFile(join(first.cwd, 'CHANGELOG.md'), 'utf8');
    await golden('kube-rs-CHANGELOG.md', normalize(changelog));
    expect(await markdownProblems(changelog)).toEqual([]);
    const rerun = await runAction(
      'gen-relnotes',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, date: '2026-02-01', to: 'main', version: '0.15.0', format: 'keep-a-changelog', 'changelog-file': 'CHANGELOG.md' },
      { cwd: first.cwd, env: { GITHUB_REPOSITORY: 'acme/app' } },
    );
    expect(errors(rerun)).toEqual([]);
    expect(await readFile(join(first.cwd, 'CHANGELOG.md'), 'utf8')).toBe(changelog);
  });

  it('a merge commit brings in its branch: one entry, co-authors credited, the same from a local clone', async () => {
    const api = await notes({ from: 'v0.14.7', to: 'v0.14.8', version: '0.14.8' }, 'api', KUBERNETES);
    expect(errors(api.result)).toEqual([]);
    expect(api.result.outputs).toMatchObject({ 'pr-count': '2', 'commit-count': '4' });
    expect(JSON.parse(api.result.outputs.contributors!)).toEqual([
      { login: 'alice', count: 1 },
      { login: 'bob', count: 1 },
      { login: 'carol', count: 1 },
    ]);
    const entries = JSON.parse(api.result.outputs.json!).entries as Array<{ pr: number; commits: string[] }>;
    expect(entries.map((e) => [e.pr, e.commits.length])).toEqual([
      [10, 1],
      [11, 3],
    ]);
    const local = await notes({ from: 'v0.14.7', to: 'v0.14.8', version: '0.14.8' }, 'local', KUBERNETES);
    expect(local.result.outputs.json).toBe(api.result.outputs.json);
  });

  it('narrows to paths, fills header and footer, and warns when `from` is not an ancestor', async () => {
    const narrowed = await notes(
      { from: 'v0.14.8', to: 'main', version: '0.15.0', path: 'speaker/metrics.go\nspeaker/reload.go', header: '# {version} ({date})', footer: 'Compare: {compare_url}' },
      'api',
      KUBERNETES,
    );
    expect(errors(narrowed.result)).toEqual([]);
    const prs = (JSON.parse(narrowed.result.outputs.json!).entries as Array<{ pr: number }>).map((e) => e.pr);
    expect(prs).toEqual([15, 18]);
    expect(narrowed.result.outputs.notes!.startsWith('# 0.15.0 (2026-02-01)\n')).toBe(true);
    expect(normalize(narrowed.result.outputs.notes!)).toContain('Compare: https://github.com/acme/app/compare/v0.14.8...v0.15.0');
    const local = await notes({ from: 'v0.14.8', to: 'main', version: '0.15.0', path: 'speaker/metrics.go\nspeaker/reload.go' }, 'local', KUBERNETES);
    expect((JSON.parse(local.result.outputs.json!).entries as Array<{ pr: number }>).map((e) => e.pr)).toEqual([15, 18]);

    const diverged = await notes({ from: 'v0.14', to: 'v0.15.0' }, 'api', KUBERNETES);
    expect(errors(diverged.result)).toEqual([]);
    expect(diverged.result.annotations.some((a) => a.level === 'warning' && /v0\.14 is not an ancestor of v0\.15\.0/.test(a.message))).toBe(true);
  });

  it('explains an unknown `from` with the nearest tags, and a broken config with file, line and column', async () => {
    const unknown = await notes({ to: 'main', from: 'v0.14.80' }, 'api', undefined);
    expect(errors(unknown.result).join('\n')).toMatch(/"v0\.14\.80" is neither a tag, a branch nor a commit[\s\S]*Nearest tags: v0\.14\.8, v0\.14\.7/);
    const broken = await notes({ to: 'main' }, 'api', 'changelog:\n  categories:\n    - title: Features\n      lables: [kind/feature]\n');
    expect(errors(broken.result).join('\n')).toMatch(/\.github\/release\.yml:4:7: unknown key "lables" in changelog\.categories\[0\]/);
  });
});

describe('pull requests the history names but GitHub cannot give', () => {
  it('are listed with what their commits say and counted in a warning, never dropped', async () => {
    env.sandbox.addRepo({
      owner: 'acme',
      name: 'no-pulls',
      commits: [
        { id: 'c0', message: 'Initial', author: 'alice', date: '2026-01-01T00:00:00Z', files: { VERSION: '1.0.0\n' } },
        { id: 'side', message: 'Speed up the agent', author: 'bob', date: '2026-01-02T00:00:00Z', files: { 'agent.rs': '// fast\n' } },
        {
          id: 'merge',
          parents: ['c0', 'side'],
          message: 'Merge pull request #41 from bob/fast-agent\n\nagent: start twice as fast',
          author: 'alice',
          date: '2026-01-03T00:00:00Z',
          files: { 'agent.rs': '// fast\n' },
        },
        { id: 'squash', message: 'runtime: fix hotplug on arm64 (#42)', author: 'carol', date: '2026-01-04T00:00:00Z', files: { 'mem.go': '// fixed\n' } },
      ],
      tags: { 'v1.0.0': 'c0' },
    });
    const cwd = await scratchDir('relnotes-no-pulls');
    const result = await runAction(
      'gen-relnotes',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, date: '2026-02-01', version: '1.1.0', to: 'main', format: 'json' },
      { cwd, env: { GITHUB_REPOSITORY: 'acme/no-pulls', GITHUB_SHA: undefined } },
    );
    expect(errors(result)).toEqual([]);
    expect(result.stdout).toMatch(/::warning::2 pull request\(s\) named by the history could not be read from acme\/no-pulls \(#41, #42\)/);
    const entries = JSON.parse(result.outputs.json!).entries as Array<{ pr: number; title: string; author: string; commits: string[] }>;
    expect(entries.map((e) => [e.pr, e.title, e.author, e.commits.length])).toEqual([
      [41, 'agent: start twice as fast', 'bob', 2],
      [42, 'runtime: fix hotplug on arm64', 'carol', 1],
    ]);
  });
});

describe('people as the history names them', () => {
  it("credits someone with no GitHub login by name, and folds one person's names and addresses (.mailmap) into one contributor", async () => {
    const dir = await scratchDir('relnotes-people');
    const git = (args: string[], name = 'maintainer', email = 'maintainer@users.noreply.github.com', minute = 0) =>
      execFileSync('git', args, {
        cwd: dir,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: name,
          GIT_AUTHOR_EMAIL: email,
          GIT_COMMITTER_NAME: name,
          GIT_COMMITTER_EMAIL: email,
          GIT_AUTHOR_DATE: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
          GIT_COMMITTER_DATE: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
        },
      }).toString();
    const commit = (message: string, name: string, email: string, minute: number, file: string) => {
      writeFileSync(join(dir, file), message);
      git(['add', '-A'], name, email, minute);
      git(['commit', '-q', '-m', message], name, email, minute);
    };
    git(['init', '-q', '-b', 'main']);
    commit('Initial', 'maintainer', 'maintainer@users.noreply.github.com', 0, 'README.md');
    git(['tag', 'v1.0.0']);
    // kube-rs's case: one person as "Eirik A", "Eirik-A" and clux; a .mailmap ties the addresses together.
    writeFileSync(join(dir, '.mailmap'), '# one person\nclux <clux@users.noreply.github.com> <sszynrae@gmail.com>\nclux <clux@users.noreply.github.com> Eirik-A <eirik@old.example>\n');
    commit('Add the mailmap', 'clux', 'clux@users.noreply.github.com', 1, 'a.txt');
    commit('Tidy the runtime', 'Eirik A', 'sszynrae@gmail.com', 2, 'b.txt');
    commit('Tidy the client', 'Eirik-A', 'eirik@old.example', 3, 'c.txt');
    // MetalLB's case: a direct push by someone whose address GitHub ties to no account.
    commit('Fix the FRR template\n\nCo-authored-by: Federico Paolinelli <fpaoline@redhat.com>', 'Federico Paolinelli', 'fpaoline@redhat.com', 4, 'd.txt');
    env.sandbox.addRepo({ owner: 'acme', name: 'people', gitDir: dir });
    for (const where of ['api', 'local'] as const) {
      const cwd = where === 'local' ? dir : await scratchDir('relnotes-people-ws');
      const result = await runAction(
        'gen-relnotes',
        env.sandbox,
        { token: SANDBOX_TOKENS.githubToken, date: '2026-02-01', version: '1.1.0', to: 'main' },
        { cwd, env: { GITHUB_REPOSITORY: 'acme/people', GITHUB_SHA: undefined } },
      );
      expect(result.stdout, where).toContain(where === 'local' ? 'Reading commits from the local clone' : 'Reading commits through the GitHub API');
      expect(errors(result), where).toEqual([]);
      expect(result.outputs.notes, where).toContain('* Fix the FRR template by Federico Paolinelli in ');
      expect(result.outputs.notes, where).not.toContain('@Federico');
      expect(JSON.parse(result.outputs.contributors!), where).toEqual([
        { login: 'clux', count: 3 },
        { login: 'Federico Paolinelli', count: 1 },
      ]);
    }
  });
});

describe('the previous release cut on a release branch', () => {
  it("starts the notes of main's next minor where the lines parted, as GitHub's compare does (MetalLB, GAIE)", async () => {
    // main: c0 [v1.0.0] ─ a ─ b ─ c ─ d; release-1.1 parts at b: fix [v1.1.0]
    env.sandbox.addRepo({
      owner: 'acme',
      name: 'lines',
      commits: [
        { id: 'c0', message: 'Initial', author: 'alice', date: '2026-01-01T00:00:00Z', files: { VERSION: '1.0.0\n' } },
        { id: 'a', message: 'Add A (#1)', author: 'alice', date: '2026-01-02T00:00:00Z', files: { a: 'a\n' } },
        { id: 'b', message: 'Add B (#2)', author: 'bob', date: '2026-01-03T00:00:00Z', files: { b: 'b\n' } },
        { id: 'fix', parents: ['b'], message: 'Fix B on the release line (#3)', author: 'bob', date: '2026-01-04T00:00:00Z', files: { b: 'b2\n' } },
        { id: 'c', parents: ['b'], message: 'Add C (#4)', author: 'carol', date: '2026-01-05T00:00:00Z', files: { c: 'c\n' } },
        { id: 'd', message: 'Add D (#5)', author: 'carol', date: '2026-01-06T00:00:00Z', files: { d: 'd\n' } },
      ],
      branches: { main: 'd', 'release-1.1': 'fix' },
      tags: { 'v1.0.0': 'c0', 'v1.1.0': 'fix' },
    });
    const cwd = await scratchDir('relnotes-lines');
    const result = await runAction(
      'gen-relnotes',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, date: '2026-02-01', version: '1.2.0', to: 'main', format: 'json' },
      { cwd, env: { GITHUB_REPOSITORY: 'acme/lines', GITHUB_SHA: undefined } },
    );
    expect(errors(result)).toEqual([]);
    expect(result.outputs['previous-tag']).toBe('v1.1.0');
    const titles = (JSON.parse(result.outputs.json!).entries as Array<{ title: string }>).map((e) => e.title);
    expect(titles).toEqual(['Add C', 'Add D']);
    expect(result.stdout).toContain('v1.1.0, the previous release, was cut on another branch');
    // Expected, not a mistake: no "not an ancestor" warning (the PRs themselves are not seeded here).
    expect(result.annotations.filter((a) => /not an ancestor/.test(a.message))).toEqual([]);

    // The same from a local clone (the path a checkout with fetch-depth: 0 takes).
    const dir = await scratchDir('relnotes-lines-clone');
    const git = (args: string[], minute: number) =>
      execFileSync('git', args, {
        cwd: dir,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'dev',
          GIT_AUTHOR_EMAIL: 'dev@users.noreply.github.com',
          GIT_COMMITTER_NAME: 'dev',
          GIT_COMMITTER_EMAIL: 'dev@users.noreply.github.com',
          GIT_AUTHOR_DATE: `2026-01-0${minute}T00:00:00Z`,
          GIT_COMMITTER_DATE: `2026-01-0${minute}T00:00:00Z`,
        },
      });
    const commit = (message: string, file: string, day: number) => {
      writeFileSync(join(dir, file), message);
      git(['add', '-A'], day);
      git(['commit', '-q', '-m', message], day);
    };
    git(['init', '-q', '-b', 'main'], 1);
    commit('Initial', 'VERSION', 1);
    git(['tag', 'v1.0.0'], 1);
    commit('Add A (#1)', 'a', 2);
    commit('Add B (#2)', 'b', 3);
    git(['checkout', '-q', '-b', 'release-1.1'], 3);
    commit('Fix B on the release line (#3)', 'b', 4);
    git(['tag', 'v1.1.0'], 4);
    git(['checkout', '-q', 'main'], 4);
    commit('Add C (#4)', 'c', 5);
    commit('Add D (#5)', 'd', 6);
    env.sandbox.addRepo({ owner: 'acme', name: 'lines-clone', gitDir: dir });
    const local = await runAction(
      'gen-relnotes',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, date: '2026-02-01', version: '1.2.0', to: 'main', format: 'json' },
      { cwd: dir, env: { GITHUB_REPOSITORY: 'acme/lines-clone', GITHUB_SHA: undefined } },
    );
    expect(errors(local)).toEqual([]);
    expect(local.stdout).toContain('Reading commits from the local clone');
    expect(local.outputs['previous-tag']).toBe('v1.1.0');
    expect((JSON.parse(local.outputs.json!).entries as Array<{ title: string }>).map((e) => e.title)).toEqual(['Add C', 'Add D']);
  });
});

describe('which clone gen-relnotes reads', () => {
  it('says why, and never logs credentials an origin URL carries', async () => {
    const dir = await scratchDir('relnotes-origin');
    execFileSync('git', ['init', '-q', dir]);
    execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', 'https://dev:ghp_notInTheLog123@github.com/acme/app.git']);
    const terminal = { GITHUB_ACTIONS: undefined } as NodeJS.ProcessEnv;
    const same = await localCloneOf(dir, 'acme', 'app', terminal);
    expect(same).toEqual({ dir, why: 'the workspace is a clone of acme/app (origin https://github.com/acme/app.git)' });
    const other = await localCloneOf(dir, 'acme', 'tool', terminal);
    expect(other).toEqual({ dir: undefined, why: 'the workspace is a clone of https://github.com/acme/app.git, not of acme/tool' });
  });
});
