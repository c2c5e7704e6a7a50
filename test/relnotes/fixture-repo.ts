import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedPull, SeedRepo } from '@relkit/sandbox';
import { scratchDir } from '../helpers/scratch.js';

/**
 * A repository shaped like MetalLB's history, built with real git: squash, merge and rebase merges,
 * co-authors, a dependency bot, a release branch with `cherry-pick -x` and a backport PR, tags.
 *
 *   main:  init(v0.14.7) ─ #10 squash ─ #11 merge(2 commits) ─ [v0.14.8] ─ #12 squash ─ #13 bot ─ #14 rebase (NONE) ─ #15 rebase ─ #18 rebase
 *          ─ revert of #14's commit (pushed directly) ─ [v0.15.0] ─ #17 rebase (merged a minute ago)
 *   v0.14: from v0.14.8 ─ cherry-pick -x of #12 (pushed directly) ─ #16 "Cherry pick of #15" (squash) ─ cherry-pick -x of #18 (pushed directly, no PR number in it)
 */
export interface FixtureRepo {
  dir: string;
  seed: SeedRepo;
  sha(name: string): string;
}

const people: Record<string, string> = {
  alice: 'alice@users.noreply.github.com',
  bob: '1001+bob@users.noreply.github.com',
  carol: 'carol@example.com',
  dave: 'dave@users.noreply.github.com',
  'dependabot[bot]': '49699333+dependabot[bot]@users.noreply.github.com',
  erin: 'erin@users.noreply.github.com',
  maintainer: 'maintainer@users.noreply.github.com',
};

export async function buildFixtureRepo(options: { newestMergedNow?: boolean } = {}): Promise<FixtureRepo> {
  const dir = await scratchDir('relnotes-repo');
  let minute = 0;
  const shas = new Map<string, string>();
  const git = (args: string[], author = 'maintainer', at?: Date) => {
    const date = (at ?? new Date(Date.UTC(2026, 0, 1, 0, minute++))).toISOString();
    return execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: author,
        GIT_AUTHOR_EMAIL: people[author]!,
        GIT_COMMITTER_NAME: author,
        GIT_COMMITTER_EMAIL: people[author]!,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: dir,
      },
    })
      .toString()
      .trim();
  };
  const head = () => git(['rev-parse', 'HEAD']);
  const write = (path: string, content: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  const commit = (name: string, message: string, author: string, files: Record<string, string>, at?: Date) => {
    for (const [p, c] of Object.entries(files)) write(p, c);
    git(['add', '-A']);
    git(['commit', '-q', '-m', message], author, at);
    shas.set(name, head());
  };

  git(['init', '-q', '-b', 'main']);
  git(['config', 'commit.gpgsign', 'false']);
  commit('init', 'Initial commit', 'maintainer', { 'README.md': '# app\n', 'speaker/main.go': 'package main\n' });
  git(['tag', 'v0.14.7']);
  commit('pr10', 'Add BGP communities support (#10)', 'alice', { 'speaker/bgp.go': 'package main // bgp\n' });
  // #11: a merge commit bringing in two commits by bob, one co-authored with carol.
  git(['checkout', '-q', '-b', 'bob/fix-l2']);
  commit('pr11a', 'Fix L2 announcement race', 'bob', { 'speaker/l2.go': 'package main // l2\n' });
  commit('pr11b', 'Add a test for the L2 race\n\nCo-authored-by: Carol <carol@users.noreply.github.com>', 'bob', { 'speaker/l2_test.go': 'package main // test\n' });
  git(['checkout', '-q', 'main']);
  git(['merge', '-q', '--no-ff', 'bob/fix-l2', '-m', 'Merge pull request #11 from bob/fix-l2\n\nFix L2 announcement race'], 'maintainer');
  shas.set('pr11', head());
  git(['tag', 'v0.14.8']);
  git(['branch', 'v0.14']);
  commit('pr12', 'Fix speaker crash on empty config (#12)', 'carol', { 'speaker/config.go': 'package main // config\n' });
  commit('pr13', 'Bump golang.org/x/net from 0.1.0 to 0.2.0 (#13)', 'dependabot[bot]', { 'go.mod': 'module app\n' });
  commit('pr14', 'Reformat the docs', 'dave', { 'docs/index.md': '# docs\n' });
  commit('pr15', 'Make the metrics port configurable', 'erin', { 'speaker/metrics.go': 'package main // metrics\n' });
  commit('pr18', 'Speed up config reload', 'bob', { 'speaker/reload.go': 'package main // reload\n' });
  git(['revert', '--no-edit', shas.get('pr14')!], 'maintainer');
  shas.set('revert14', head());
  git(['tag', 'v0.15.0']);
  commit('pr17', 'Add IPv6 pools', 'alice', { 'controller/pools.go': 'package main // pools\n' }, options.newestMergedNow ? new Date(Date.now() - 60_000) : undefined);
  // The release branch: a direct `cherry-pick -x` of #12 and a backport PR of #15.
  git(['checkout', '-q', 'v0.14']);
  git(['cherry-pick', '-x', shas.get('pr12')!], 'maintainer');
  shas.set('pick12', head());
  write('speaker/metrics.go', 'package main // metrics\n');
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'Cherry pick of #15: Make the metrics port configurable (#16)\n\n(cherry picked from commit ' + shas.get('pr15') + ')'], 'erin');
  shas.set('pr16', head());
  git(['cherry-pick', '-x', shas.get('pr18')!], 'maintainer');
  shas.set('pick18', head());
  git(['checkout', '-q', 'main']);

  const merged = (name: string) => new Date(Date.parse(git(['show', '-s', '--format=%cI', shas.get(name)!]))).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pulls: SeedPull[] = [
    {
      number: 10,
      title: 'Add BGP communities support',
      user: 'alice',
      head: 'alice/communities',
      labels: ['kind/feature'],
      body: 'Adds communities.\n\n```release-note\nBGP advertisements can carry communities.\n```\n',
    },
    { number: 11, title: 'Fix L2 announcement race', user: 'bob', head: 'fix-l2', labels: ['kind/bug'], body: '```release-note\nFixed a race in L2 announcements.\n```' },
    {
      number: 12,
      title: 'Fix speaker crash on empty config',
      user: 'carol',
      head: 'carol/crash',
      labels: ['kind/bug'],
      body: '```release-note\nThe speaker no longer crashes on an empty configuration.\n```',
    },
    { number: 13, title: 'Bump golang.org/x/net from 0.1.0 to 0.2.0', user: 'dependabot[bot]', head: 'dependabot/go_modules/golang.org/x/net-0.2.0', labels: ['dependencies'], body: 'Bumps x/net.' },
    {
      number: 14,
      title: 'Reformat the docs',
      user: 'dave',
      head: 'dave/docs',
      labels: ['kind/documentation'],
      body: '```release-note\nNONE\n```',
      mergeCommit: shas.get('pr14')!,
      headCommit: shas.get('pr14')!,
      mergedAt: merged('pr14'),
    },
    {
      number: 15,
      title: 'Make the metrics port configurable',
      user: 'erin',
      head: 'erin/metrics',
      labels: ['kind/feature', 'release-note-action-required'],
      body: '```release-note\nACTION REQUIRED: the metrics port moved to 7473; set `metricsPort` to keep 7472.\n```',
      mergeCommit: shas.get('pr15')!,
      headCommit: shas.get('pr15')!,
      mergedAt: merged('pr15'),
    },
    { number: 16, title: 'Cherry pick of #15: Make the metrics port configurable', user: 'erin', head: 'cherry-pick-15-to-v0.14', base: 'v0.14', labels: ['kind/feature'], body: 'Backport of #15.' },
    {
      number: 18,
      title: 'Speed up config reload',
      user: 'bob',
      head: 'bob/reload',
      labels: ['kind/feature'],
      body: '```release-note\nConfiguration reloads are faster.\n```',
      mergeCommit: shas.get('pr18')!,
      headCommit: shas.get('pr18')!,
      mergedAt: merged('pr18'),
    },
    {
      number: 17,
      title: 'Add IPv6 pools',
      user: 'alice',
      head: 'alice/ipv6',
      labels: ['kind/feature'],
      body: '```release-note\nAddress pools can be IPv6.\n```',
      mergeCommit: shas.get('pr17')!,
      headCommit: shas.get('pr17')!,
      mergedAt: options.newestMergedNow ? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') : merged('pr17'),
    },
  ];
  git(['remote', 'add', 'origin', 'https://github.com/acme/app.git']);
  return {
    dir,
    seed: { owner: 'acme', name: 'app', gitDir: dir, pulls },
    sha: (name) => shas.get(name)!,
  };
}
