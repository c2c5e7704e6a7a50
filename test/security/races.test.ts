import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errors, runAction } from '../helpers/action.js';
import { relkit } from '../helpers/cli.js';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { scratchDir } from '../helpers/scratch.js';

const env = useSandbox({ repos: basicRepo() });

describe('a lost answer to POST /pulls', () => {
  it('converges in the same run: the pull request GitHub made is found and reported, no second one', async () => {
    const dir = await scratchDir('lost-pull');
    await writeFile(join(dir, 'VERSION'), '1.0.0\n');
    const head = env.sandbox.state.repo('acme/app')!.refs.get('refs/heads/main')!;
    env.sandbox.faults.add({ method: 'POST', path: '/repos/acme/app/pulls', kind: 'lost' });
    const result = await runAction(
      'bump-version-files',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, files: 'VERSION', version: '1.0.1', commit: 'pull-request' },
      { cwd: dir, env: { GITHUB_SHA: head, GITHUB_REF: 'refs/heads/main' } },
    );
    env.sandbox.faults.clear();
    expect(errors(result)).toEqual([]);
    const open = env.sandbox.state.repo('acme/app')!.pulls.filter((p) => p.state === 'open' && p.headRef === 'relkit/bump-1.0.1');
    expect(open).toHaveLength(1);
    expect(result.outputs['pull-request-number']).toBe(String(open[0]!.number));
  });
});

describe('two terminal runs of draft-release for one tag at once', () => {
  it('each keeps its own draft while it runs (neither deletes the other as stale); a later run clears the finished ones', async () => {
    const dir = await scratchDir('terminal');
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'out', 'app.tar.gz'), 'app\n');
    const cli = async () => {
      const result = await relkit(['draft-release', '--tag', 'v7.0.0', '--target', 'main', '--assets', 'out/app.tar.gz', '--repo', 'acme/app'], {
        cwd: dir,
        env: { ...process.env, ...env.sandbox.env(), GITHUB_TOKEN: SANDBOX_TOKENS.admin, GITHUB_RUN_ID: '', GITHUB_WORKSPACE: dir, RELKIT_RETRY_BASE_MS: '20' },
      });
      if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stdout}${result.stderr}`);
      return result.code;
    };
    // The second and third runs start once the first has made its draft, so they list it while the first is still uploading.
    const drafts = () => env.sandbox.state.repo('acme/app')!.releases.filter((r) => r.tagName === 'v7.0.0');
    env.sandbox.latencyMs = 600;
    let codes: number[];
    try {
      const first = cli();
      const deadline = Date.now() + 20_000;
      while (drafts().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      codes = await Promise.all([first, cli(), cli()]);
    } finally {
      env.sandbox.latencyMs = 0;
    }
    expect(codes).toEqual([0, 0, 0]);
    expect(drafts()).toHaveLength(3);
    for (const draft of drafts()) expect(draft.assets.map((a) => a.name)).toEqual(['app.tar.gz', 'SHA256SUMS']);
    // Those three processes have ended: their drafts are stale to the next run, which leaves one.
    expect(await cli()).toBe(0);
    expect(drafts()).toHaveLength(1);
    expect(drafts()[0]!.assets.map((a) => a.name)).toEqual(['app.tar.gz', 'SHA256SUMS']);
  });
});
