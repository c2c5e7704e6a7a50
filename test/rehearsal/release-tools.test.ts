import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord, Scenario } from '@relkit/rehearsal';
import { SANDBOX_TOKENS } from '@relkit/sandbox';
import { failures, stage, type Stage } from './scenario-harness.js';

/**
 * The release jobs users write with six popular release actions, rehearsed against the sandbox.
 * Each action is a stand-in in test/fixtures/release-tools (its documented inputs and outputs, the
 * requests GitHub documents for what it does), found through the rehearsal's action cache; every
 * answer the sandbox gives is checked against GitHub's OpenAPI description (`violations`).
 */
const TOOLS = fileURLToPath(new URL('../fixtures/release-tools/', import.meta.url));
const REPOSITORY = 'kata-containers/kata-containers';

let current: Stage | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** A caller workflow: dispatched with `version`, one job named `release`. */
function caller(permissions: string, steps: string): { name: string; content: string } {
  return {
    name: 'release.yml',
    content: `name: Release
on:
  workflow_dispatch:
    inputs:
      version: { required: true, type: string }
permissions:
${permissions
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
${steps
  .trim()
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`,
  };
}

async function rehearseWith(workflow: { name: string; content: string }, change?: (scenario: Scenario) => void): Promise<{ stage: Stage; run: (runId?: string) => Promise<RunRecord> }> {
  current = await stage('kata', change);
  const staged = current;
  return {
    stage: staged,
    run: async (runId) => {
      const record = await staged.run({ mock: false, caller: workflow, actionCache: TOOLS, ...(runId ? { runId } : {}) });
      expect(record.jobs.release?.result, failures(record)).toBe('success');
      expect(staged.violations).toEqual([]);
      return record;
    },
  };
}

const step = (record: RunRecord, id: string) => record.jobs.release?.legs[0]?.steps.find((s) => s.id === id);
const repo = (s: Stage, name = REPOSITORY) => s.sandbox.state.repo(name);

describe('release jobs with third-party release actions, rehearsed', () => {
  it('softprops/action-gh-release: one release with generated notes and its files, the same after a second run', async () => {
    const { stage: s, run } = await rehearseWith(
      caller(
        'contents: write',
        `
- uses: actions/checkout@v4
- run: mkdir -p dist && for os in linux darwin; do echo "kata $os" > "dist/kata-$os.tar.gz"; done
- id: release
  uses: softprops/action-gh-release@v2
  with:
    tag_name: v\${{ inputs.version }}
    files: dist/*.tar.gz
    generate_release_notes: true`,
      ),
    );
    const first = await run();
    await run();
    const version = s.scenario.expect.version;
    const releases = repo(s)!.releases.filter((r) => r.tagName === `v${version}`);
    expect(releases).toHaveLength(1);
    expect(releases[0]!.assets.map((a) => [a.name, a.data.toString()])).toEqual([
      ['kata-darwin.tar.gz', 'kata darwin\n'],
      ['kata-linux.tar.gz', 'kata linux\n'],
    ]);
    // GitHub's generated notes: the pull requests merged since 3.9.0.
    expect(releases[0]!.body).toContain('runtime: support virtio-mem hotplug on arm64 by @ada');
    expect(step(first, 'release')?.outputs.url).toBe(`${s.sandbox.urls.html}/${REPOSITORY}/releases/tag/v${version}`);
  });

  it('ncipollo/release-action: a draft from a notes file, updated in place with allowUpdates and its artifact replaced', async () => {
    const { stage: s, run } = await rehearseWith(
      caller(
        'contents: write',
        `
- uses: actions/checkout@v4
- run: mkdir -p out && echo "build $GITHUB_RUN_ID" > out/kata-static.tar.xz && echo "Kata Containers \${{ inputs.version }}" > NOTES.md
- id: release
  uses: ncipollo/release-action@v1
  with:
    tag: \${{ inputs.version }}
    artifacts: out/*.tar.xz
    bodyFile: NOTES.md
    draft: true
    allowUpdates: true`,
      ),
    );
    await run('7001');
    const second = await run('7002');
    const version = s.scenario.expect.version;
    const releases = repo(s)!.releases.filter((r) => r.tagName === version);
    expect(releases).toHaveLength(1);
    expect(releases[0]!.draft).toBe(true);
    expect(releases[0]!.body).toBe(`Kata Containers ${version}\n`);
    // The second run's build replaced the first's: one asset, the newer bytes.
    expect(releases[0]!.assets.map((a) => a.data.toString())).toEqual(['build 7002\n']);
    expect(step(second, 'release')?.outputs.id).toBe(String(releases[0]!.id));
  });

  it('release-drafter: the draft from .github/release-drafter.yml, pull requests sorted into its categories, one draft after two runs', async () => {
    const config = [
      "name-template: 'Kata Containers $RESOLVED_VERSION'",
      "tag-template: '$RESOLVED_VERSION'",
      'categories:',
      "  - title: '🚀 Features'",
      "    labels: ['kind/feature']",
      "  - title: '🐛 Bug Fixes'",
      "    labels: ['kind/bug']",
      "change-template: '- $TITLE @$AUTHOR (#$NUMBER)'",
      'version-resolver:',
      "  minor: { labels: ['kind/feature'] }",
      '  default: patch',
      'template: |',
      '  ## Changes',
      '',
      '  $CHANGES',
      '',
    ].join('\n');
    const { stage: s, run } = await rehearseWith(
      caller(
        'contents: write\npull-requests: read',
        `
- id: draft
  uses: release-drafter/release-drafter@v6
  env:
    GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}`,
      ),
      (scenario) => scenario.repos[0]!.commits!.push({ id: 'drafter', message: 'Add release-drafter config', author: 'kata-bot', files: { '.github/release-drafter.yml': config } }),
    );
    await run();
    const second = await run();
    const drafts = repo(s)!.releases.filter((r) => r.draft);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ tagName: '3.10.0', name: 'Kata Containers 3.10.0' });
    expect(drafts[0]!.body).toContain('## 🚀 Features\n\n- runtime: support virtio-mem hotplug on arm64 @ada (#10201)');
    expect(drafts[0]!.body).toContain('## 🐛 Bug Fixes\n\n- agent: fix a race when the guest pulls images @grace (#10202)');
    expect(step(second, 'draft')?.log).toContain('Updating existing release: Kata Containers 3.10.0');
  });

  it('peter-evans/create-pull-request: the bump on its branch with labels and an assignee; a second run changes nothing', async () => {
    const { stage: s, run } = await rehearseWith(
      // Labels and assignees go through the issues API: a GITHUB_TOKEN with pull-requests: write alone
      // is refused there (403 "Resource not accessible by integration"), so the job asks for issues too.
      caller(
        'contents: write\npull-requests: write\nissues: write',
        `
- uses: actions/checkout@v4
- run: echo "\${{ inputs.version }}" > VERSION
- id: cpr
  uses: peter-evans/create-pull-request@v7
  with:
    add-paths: VERSION
    commit-message: 'release: bump VERSION to \${{ inputs.version }}'
    branch: release/bump
    title: 'Release \${{ inputs.version }}'
    labels: kind/release
    assignees: ada`,
      ),
      (scenario) => {
        scenario.repos[0]!.collaborators = { ada: 'write' };
      },
    );
    const first = await run();
    const second = await run();
    const version = s.scenario.expect.version;
    const pulls = repo(s)!.pulls.filter((p) => p.headRef === 'release/bump');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ title: `Release ${version}`, labels: ['kind/release'], assignees: ['ada'], baseRef: 'main' });
    expect(step(first, 'cpr')?.outputs['pull-request-operation']).toBe('created');
    expect(step(second, 'cpr')?.outputs['pull-request-operation']).toBe('none');
    expect(step(second, 'cpr')?.outputs['pull-request-head-sha']).toBe(step(first, 'cpr')?.outputs['pull-request-head-sha']);
  });

  it('googleapis/release-please-action: a release pull request from conventional commits, then, once merged, the release', async () => {
    const { stage: s, run } = await rehearseWith(
      caller(
        'contents: write\npull-requests: write\nissues: write',
        `
- id: release
  uses: googleapis/release-please-action@v4
  with:
    release-type: simple`,
      ),
      (scenario) => {
        scenario.repos[0]!.commits!.push(
          { id: 'feat', message: 'feat: add a confidential guest image (#10210)', author: 'ada', files: { 'tools/osbuilder/cc.txt': 'cc\n' } },
          { id: 'fix', message: 'fix(agent): close the vsock on exit (#10211)', author: 'grace', files: { 'src/agent/src/vsock.rs': '// closed\n' } },
        );
        scenario.repos[0]!.labels!.push({ name: 'autorelease: pending' }, { name: 'autorelease: tagged' });
      },
    );
    const first = await run();
    const pull = repo(s)!.pulls.find((p) => p.headRef === 'release-please--branches--main')!;
    expect(pull).toMatchObject({ title: 'chore(main): release 3.10.0', labels: ['autorelease: pending'], state: 'open' });
    expect(JSON.parse(step(first, 'release')!.outputs.pr!)).toMatchObject({ number: pull.number, headBranchName: 'release-please--branches--main' });
    expect(step(first, 'release')?.outputs.release_created).toBe('false');

    // A maintainer merges it (https://docs.github.com/en/rest/pulls/pulls#merge-a-pull-request).
    const merged = await fetch(`${s.sandbox.urls.api}/repos/${REPOSITORY}/pulls/${pull.number}/merge`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${SANDBOX_TOKENS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ merge_method: 'squash' }),
    });
    expect(merged.status).toBe(200);
    const second = await run();
    expect(step(second, 'release')?.outputs).toMatchObject({ release_created: 'true', tag_name: 'v3.10.0', version: '3.10.0' });
    const release = repo(s)!.releases.find((r) => r.tagName === 'v3.10.0')!;
    expect(release.body).toMatch(/### Features\n\n\* add a confidential guest image \(#10210\)/);
    expect(release.targetCommitish).toBe(repo(s)!.refs.get('refs/heads/main'));
    expect(repo(s)!.pulls.find((p) => p.number === pull.number)?.labels).toEqual(['autorelease: tagged']);
  });

  it('actions/github-script: a script that tags the commit and publishes the release through github.request', async () => {
    const { stage: s, run } = await rehearseWith(
      caller(
        'contents: write',
        `
- id: script
  uses: actions/github-script@v7
  with:
    script: |
      const tag = 'v' + '\${{ inputs.version }}';
      await github.request('POST /repos/{owner}/{repo}/git/refs', { ...context.repo, ref: 'refs/tags/' + tag, sha: context.sha });
      const { data } = await github.request('POST /repos/{owner}/{repo}/releases', { ...context.repo, tag_name: tag, name: 'Kata Containers ' + tag });
      return { id: data.id, tag };`,
      ),
    );
    const record = await run();
    const version = s.scenario.expect.version;
    const release = repo(s)!.releases.find((r) => r.tagName === `v${version}`)!;
    expect(JSON.parse(step(record, 'script')!.outputs.result!)).toEqual({ id: release.id, tag: `v${version}` });
    expect(repo(s)!.refs.get(`refs/tags/v${version}`)).toBe(repo(s)!.refs.get('refs/heads/main'));
  });
});
