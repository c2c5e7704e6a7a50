import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '@relkit/kit';
import { actionPublishTree, publishableActions, readTree } from '@relkit/publish';
import type { SeedRepo } from '@relkit/sandbox';
import { pr, type Scenario } from './scenario.js';

/** The workflow the self release is dispatched through. */
export const SELF_WORKFLOW = '.github/workflows/release-relkit.yml';

/**
 * What relkit/relkit holds that a release uses: package.json, LICENSE, README, the workflows, every
 * action's action.yml and README, and the committed bundles (dist/, which `npm run package` ships).
 */
function monorepoFiles(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of ['package.json', 'LICENSE', 'README.md', '.github/workflows/release.yml', SELF_WORKFLOW]) files[path] = readFileSync(join(root, path), 'utf8');
  for (const action of publishableActions(root)) {
    for (const file of ['action.yml', 'README.md']) files[`actions/${action}/${file}`] = readFileSync(join(root, 'actions', action, file), 'utf8');
  }
  for (const file of readTree(join(root, 'dist'))) files[`dist/${file.path}`] = file.contents.toString('utf8');
  return files;
}

/**
 * relkit releasing itself: relkit/relkit as this checkout is (tagged v0.1.0, three pull requests
 * since), and the six action repositories as v0.1.0 published them. release-relkit.yml is dispatched
 * in the sandbox; every `uses: relkit/<action>@vX.Y.Z` runs the tree published at that tag.
 */
export function selfScenario(root: string, options: { first?: boolean } = {}): Scenario {
  if (options.first) return firstSelfScenario(root);
  if (!existsSync(join(root, SELF_WORKFLOW)))
    throw new UserError(`${root} has no ${SELF_WORKFLOW}: the self scenario releases a relkit checkout.`, 'Run it from a relkit checkout (or set RELKIT_HOME to one).');
  const prs = [
    pr(41, 'lock-branch: name the holder of a lock in the job summary', {
      user: 'ada',
      labels: ['kind/feature'],
      note: 'lock-branch names who holds a lock in the job summary.',
      files: { 'docs/lock-holder.md': 'The job summary names the holder.\n' },
      at: 1,
    }),
    pr(42, 'draft-release: retry an upload after a reset connection', {
      user: 'grace',
      labels: ['kind/bug'],
      note: 'draft-release retries an upload whose connection was reset.',
      files: { 'docs/uploads.md': 'Uploads are retried.\n' },
      at: 2,
    }),
    pr(43, 'ci: pin setup-node by SHA', { user: 'linus', labels: ['area/ci'], note: 'NONE', files: { 'docs/ci.md': 'Pinned.\n' }, at: 3 }),
  ];
  const actionRepos: SeedRepo[] = publishableActions(root).map((name) => ({
    owner: 'relkit',
    name,
    ownerType: 'Organization',
    description: `relkit ${name}`,
    commits: [
      {
        id: 'v010',
        message: `${name} v0.1.0`,
        author: 'relkit-admin',
        date: '2026-09-30T12:00:00Z',
        files: Object.fromEntries(actionPublishTree(root, name).map((f) => [f.path, f.contents.toString('utf8')])),
      },
    ],
    tags: { 'v0.1.0': 'v010', v0: 'v010', 'v0.1': 'v010' },
  }));
  return {
    name: 'self',
    title: 'relkit releases itself: package.json and the action pins bumped, a draft with every action packaged, each relkit/<action> committed and tagged (vX.Y.Z new, vX and vX.Y moved), published',
    process: '',
    repository: 'relkit/relkit',
    dispatchBranch: 'main',
    workflow: SELF_WORKFLOW,
    repos: [
      {
        owner: 'relkit',
        name: 'relkit',
        ownerType: 'Organization',
        commits: [{ id: 'v010', message: 'relkit 0.1.0', author: 'relkit-admin', date: '2026-09-30T12:00:00Z', files: monorepoFiles(root) }, ...prs.map((p) => p.commit)],
        tags: { 'v0.1.0': 'v010' },
        releases: [{ tag: 'v0.1.0', name: 'v0.1.0', body: 'The first relkit.', target: 'v010' }],
        labels: [{ name: 'kind/feature' }, { name: 'kind/bug' }, { name: 'area/ci' }],
        pulls: prs.map((p) => p.pull),
      },
      ...actionRepos,
    ],
    inputs: { version: '1.0.0' },
    expect: {
      version: '1.0.0',
      tag: 'v1.0.0',
      branch: 'main',
      files: { 'package.json': /"version": "1\.0\.0"/, '.github/workflows/release.yml': /uses: relkit\/lock-branch@v1\.0\.0\n/ },
      published: true,
      prerelease: false,
      latest: true,
      assets: [...publishableActions(root).map((a) => `${a}.tar.gz`), 'SHA256SUMS'].sort(),
      notes: [/names who holds a lock/i, /retries an upload/i],
      locked: false,
    },
  };
}

/**
 * relkit's very first release, from an empty GitHub: relkit/relkit has no tag and no release, and
 * each relkit/<action> repository holds only the README it was created with. release.yml pins
 * `relkit/<action>@v<this version>`, which no repository has yet: the bootstrap job must publish
 * them before the release's jobs are set up.
 */
function firstSelfScenario(root: string): Scenario {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const base = selfScenario(root);
  const [monorepo] = base.repos as [SeedRepo];
  return {
    ...base,
    name: 'self-first',
    title: `relkit's first release, v${version}, from an empty GitHub: the pinned actions published first, then the release made with them`,
    repos: [
      { ...monorepo, tags: {}, releases: [] },
      ...publishableActions(root).map((name) => ({
        owner: 'relkit',
        name,
        ownerType: 'Organization' as const,
        description: `relkit ${name}`,
        commits: [{ id: 'init', message: 'Initial commit', author: 'relkit-admin', date: '2026-09-30T12:00:00Z', files: { 'README.md': `# ${name}\n` } }],
      })),
    ],
    inputs: { version },
    expect: { ...base.expect, version, tag: `v${version}`, files: { 'package.json': new RegExp(`"version": "${version.replace(/\./g, '\\.')}"`) }, notes: [] },
  };
}
