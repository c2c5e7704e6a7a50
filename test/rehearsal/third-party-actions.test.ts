import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '@relkit/sandbox';
import { scratchDir } from '../helpers/scratch.js';
import { failures, stage } from './scenario-harness.js';

/**
 * A JavaScript action from the local action cache, written as the metadata syntax documents one
 * (runs.using node20 with pre, main and post; an input defaulting to `${{ github.token }}`):
 * it opens an issue through GITHUB_API_URL, as github-script or create-issue actions do.
 * https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions
 */
function writeActionCache(dir: string): void {
  const notify = join(dir, 'acme', 'notify-release@v1');
  mkdirSync(notify, { recursive: true });
  writeFileSync(
    join(notify, 'action.yml'),
    [
      'name: Notify release',
      'inputs:',
      '  title: { required: true }',
      '  token: { default: "${{ github.token }}" }',
      // As actions/github-script declares its debug input.
      '  debug: { default: "${{ runner.debug == \'1\' }}" }',
      'outputs:',
      '  issue-number: { description: the issue opened }',
      'runs:',
      '  using: node20',
      '  pre: pre.js',
      '  main: main.js',
      '  post: post.js',
      '',
    ].join('\n'),
  );
  writeFileSync(join(notify, 'pre.js'), "require('fs').appendFileSync(process.env.GITHUB_STATE, 'started=yes\\n');\n");
  writeFileSync(
    join(notify, 'main.js'),
    `const fs = require('fs');
(async () => {
  const answer = await fetch(\`\${process.env.GITHUB_API_URL}/repos/\${process.env.GITHUB_REPOSITORY}/issues\`, {
    method: 'POST',
    headers: { authorization: \`token \${process.env.INPUT_TOKEN}\`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
    body: JSON.stringify({ title: process.env.INPUT_TITLE, labels: ['release'] }),
  });
  if (answer.status !== 201) { console.log(\`::error::issue not created: \${answer.status} \${await answer.text()}\`); process.exit(1); }
  const issue = await answer.json();
  fs.appendFileSync(process.env.GITHUB_OUTPUT, \`issue-number=\${issue.number}\\n\`);
  console.log(\`opened #\${issue.number} (pre said \${process.env.STATE_started}, debug=\${process.env.INPUT_DEBUG})\`);
})();
`,
  );
  writeFileSync(join(notify, 'post.js'), 'console.log(`post: state ${process.env.STATE_started}`);\n');
  // A composite action that composes a message, exports it, and calls the JavaScript action above.
  // https://docs.github.com/en/actions/sharing-automations/creating-actions/creating-a-composite-action
  const announce = join(dir, 'acme', 'announce@v1');
  mkdirSync(announce, { recursive: true });
  writeFileSync(
    join(announce, 'action.yml'),
    [
      'name: Announce',
      'inputs:',
      '  version: { required: true }',
      "  channel: { default: '#releases of ${{ github.repository }}' }",
      'outputs:',
      "  message: { value: '${{ steps.compose.outputs.message }}' }",
      "  issue: { value: '${{ steps.notify.outputs.issue-number }}' }",
      'runs:',
      '  using: composite',
      '  steps:',
      '    - id: compose',
      '      shell: bash',
      '      run: |',
      '        echo "message=Release ${{ inputs.version }} to ${{ inputs.channel }}" >> "$GITHUB_OUTPUT"',
      '        echo "ANNOUNCED=${{ inputs.version }}" >> "$GITHUB_ENV"',
      '        test -f "$GITHUB_ACTION_PATH/action.yml"',
      '    - id: notify',
      '      uses: acme/notify-release@v1',
      '      with:',
      '        title: ${{ steps.compose.outputs.message }}',
      "    - if: inputs.version == 'never'",
      '      shell: bash',
      '      run: exit 1',
      '    - shell: bash',
      '      run: echo "composite saw $ANNOUNCED"',
      '',
    ].join('\n'),
  );
  const container = join(dir, 'acme', 'container@v2');
  mkdirSync(container, { recursive: true });
  writeFileSync(join(container, 'action.yml'), "name: Container\nruns:\n  using: docker\n  image: 'Dockerfile'\n");
}

const CALLER = `name: Release notice
on:
  workflow_dispatch:
    inputs:
      version: { required: true, type: string }
permissions:
  contents: read
  issues: write
jobs:
  notice:
    runs-on: ubuntu-latest
    steps:
      - id: notify
        uses: acme/notify-release@v1
        with:
          title: Release \${{ inputs.version }}
      - run: echo "opened issue \${{ steps.notify.outputs.issue-number }}"
  announce:
    runs-on: ubuntu-latest
    steps:
      - id: say
        uses: acme/announce@v1
        with:
          version: \${{ inputs.version }}
      - run: echo "said \${{ steps.say.outputs.message }} as issue \${{ steps.say.outputs.issue }}; env $ANNOUNCED"
  container:
    runs-on: ubuntu-latest
    steps:
      - run: echo "never runs"
      - uses: acme/container@v2
  missing:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/not-cached@v9
  escape:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/..@v1
`;

describe('third-party actions in a rehearsal (--actions-dir)', () => {
  it('runs cached JavaScript and composite actions as the runner does and stops Docker and missing actions at job set-up', async () => {
    const cache = await scratchDir('action-cache');
    writeActionCache(cache);
    const current = await stage('kata');
    try {
      const record = await current.run({ mock: false, caller: { name: 'notice.yml', content: CALLER }, actionCache: cache });
      const notice = record.jobs.notice!;
      expect(notice.result, failures(record)).toBe('success');
      const steps = notice.legs[0]!.steps;
      expect(steps.find((s) => s.id === 'notify')?.log).toMatch(/opened #\d+ \(pre said yes, debug=false\)/);
      expect(steps.find((s) => s.id === 'notify')?.outputs['issue-number']).toMatch(/^\d+$/);
      expect(steps.map((s) => s.log).join('\n')).toContain('post: state yes');
      const version = current.scenario.expect.version;
      const issues = current.sandbox.state.repo('kata-containers/kata-containers')!.issues;
      const titles = [`Release ${version}`, `Release ${version} to #releases of kata-containers/kata-containers`];
      expect(issues.map((i) => [i.title, i.labels, i.user]).sort()).toEqual(titles.map((t) => [t, ['release'], 'github-actions[bot]']).sort());

      // The composite action: its steps ran in order, its outputs came from them, its env reached the job.
      const announce = record.jobs.announce!;
      expect(announce.result, failures(record)).toBe('success');
      const say = announce.legs[0]!.steps.find((s) => s.id === 'say')!;
      const number = issues.find((i) => i.title === titles[1])!.number;
      expect(say.outputs).toEqual({ message: titles[1], issue: String(number) });
      expect(say.log).toContain('composite saw ' + version);
      expect(announce.legs[0]!.steps.map((s) => s.log).join('\n')).toContain(`said ${titles[1]} as issue ${number}; env ${version}`);
      // The JavaScript action it used has a post step, which runs when the job ends.
      expect(announce.legs[0]!.steps.at(-1)).toMatchObject({ name: 'Post Run acme/announce@v1', conclusion: 'success', log: expect.stringContaining('post: state yes') as unknown });

      // Nothing of these jobs ran: the runner fetches every action before the first step.
      expect(record.jobs.container!.result).toBe('failure');
      expect(record.jobs.container!.legs[0]!.steps).toEqual([]);
      expect(record.jobs.container!.legs[0]!.error).toMatch(/acme\/container@v2 is a Docker container action \(runs.using: docker\), which the rehearsal cannot run/);
      expect(record.jobs.missing!.legs[0]!.error).toContain(`acme/not-cached@v9 is neither in the sandbox nor in the action cache: put its tree at ${join(cache, 'acme', 'not-cached@v9')}`);
      // A `uses:` that would climb out of the cache is refused, not looked up.
      expect(record.jobs.escape!.legs[0]!.error).toBe('acme/..@v1 names no action on GitHub: an owner, repository, path or ref of "." or ".." is not allowed.');
      expect(current.violations).toEqual([]);
    } finally {
      await current.close();
    }
  });

  it('downloads the actions the cache lacks, once, from the API, recording the commit each ref named', async () => {
    // "GitHub": a second sandbox holding the two action repositories at their v1 tags.
    const trees = await scratchDir('action-trees');
    writeActionCache(trees);
    const filesOf = (dir: string) => Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    const github = await startSandbox({
      seed: {
        repos: ['notify-release', 'announce'].map((name) => ({
          owner: 'acme',
          name,
          commits: [{ id: 'c1', message: 'v1', files: filesOf(join(trees, 'acme', `${name}@v1`)) }],
          tags: { v1: 'c1' },
        })),
      },
    });
    const cache = await scratchDir('empty-cache');
    const caller = { name: 'announce.yml', content: CALLER.replace(/\n {2}container:[\s\S]*$/, '\n').replace(/\n {2}notice:[\s\S]*?(?=\n {2}announce:)/, '') };
    const current = await stage('kata');
    try {
      const record = await current.run({ mock: false, caller, actionCache: cache, downloadActions: { apiUrl: github.urls.api } });
      expect(record.jobs.announce?.result, failures(record)).toBe('success');
      for (const name of ['announce', 'notify-release']) {
        const sha = github.state.repo(`acme/${name}`)!.refs.get('refs/tags/v1');
        expect(JSON.parse(readFileSync(join(cache, 'acme', `${name}@v1`, '.relkit-source.json'), 'utf8')), name).toMatchObject({ repository: `acme/${name}`, ref: 'v1', sha });
        expect(existsSync(join(cache, 'acme', `${name}@v1`, 'action.yml'))).toBe(true);
      }
      // Found in the cache now: nothing is fetched again.
      const before = github.requestCounts();
      await current.run({ mock: false, caller, actionCache: cache, downloadActions: { apiUrl: github.urls.api } });
      expect(github.requestCounts()).toEqual(before);

      // An action "GitHub" does not have is named with its cause and fix, before any job runs.
      const missing = { name: 'missing.yml', content: caller.content.replace('acme/announce@v1', 'acme/nowhere@v3') };
      await expect(current.run({ mock: false, caller: missing, actionCache: cache, downloadActions: { apiUrl: github.urls.api } })).rejects.toMatchObject({
        message: expect.stringMatching(/^--download-actions could not fetch acme\/nowhere@v3 from .*: GET \/repos\/acme\/nowhere\/commits\/v3: 404/) as unknown,
        fix: expect.stringContaining('Check the owner, repository and ref in `uses: acme/nowhere@v3`') as unknown,
      });
    } finally {
      await current.close();
      await github.close();
    }
  });
});
