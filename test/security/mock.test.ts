import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errors, runAction } from '../helpers/action.js';
import { useRegistry } from '../helpers/registry.js';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { filesIn, scratchDir } from '../helpers/scratch.js';

/** Mock mode's promise, for each of the six actions: the sandbox and the workspace are byte-identical afterwards. */
const env = useSandbox({
  repos: [...basicRepo()!, { owner: 'kubernetes', name: 'k8s.io', commits: [{ id: 'k1', message: 'Initial commit', files: { 'charts/index.yaml': 'entries:\n  app:\n    - version: 1.0.0\n' } }] }],
});
const registry = useRegistry();

const ACTIONS: Array<[string, (dir: string) => Record<string, string>]> = [
  ['lock-branch', () => ({ token: SANDBOX_TOKENS.app, branch: 'main' })],
  ['bump-version-files', () => ({ token: SANDBOX_TOKENS.githubToken, files: 'VERSION', version: '1.1.0', commit: 'pull-request', 'include-files': 'CHANGELOG.md' })],
  ['gen-relnotes', () => ({ token: SANDBOX_TOKENS.githubToken, to: 'main', version: '1.1.0', 'changelog-file': 'CHANGELOG.md' })],
  ['draft-release', () => ({ token: SANDBOX_TOKENS.githubToken, tag: 'v1.1.0', target: 'main', assets: 'out/*.tar.gz', publish: 'true', 'move-branches': 'live-website' })],
  ['wait-for-images', () => ({ images: `${registry.host}/acme/app`, tag: 'v1.1.0', timeout: '5s' })],
  ['promote-pr', () => ({ repository: 'kubernetes/k8s.io', token: SANDBOX_TOKENS.admin, tags: 'v1.1.0', edits: 'charts/index.yaml: entries.app[0].version', name: 'app' })],
];

describe.each(ACTIONS)('%s in mock mode', (name, inputs) => {
  it('leaves the sandbox and the workspace exactly as they were', async () => {
    const dir = await scratchDir(`mock-${name}`);
    for (const [path, content] of Object.entries({ VERSION: '1.0.0\n', 'CHANGELOG.md': '# Changelog\n', 'out/app.tar.gz': 'app\n' })) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    await registry.pushImage('acme/app', 'v1.0.0');
    const head = env.sandbox.state.repo('acme/app')!.refs.get('refs/heads/main')!;
    const state = JSON.stringify(env.sandbox.dump());
    const files = await filesIn(dir);
    const result = await runAction(name, env.sandbox, { ...inputs(dir), mock: 'true' }, { cwd: dir, env: { GITHUB_SHA: head, GITHUB_REF: 'refs/heads/main' } });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(JSON.stringify(env.sandbox.dump())).toBe(state);
    expect(await filesIn(dir)).toEqual(files);
    if (name !== 'wait-for-images') expect(result.summary).toMatch(/mock/i);
  });
});
