import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { scratchDir } from '../helpers/scratch.js';

const run = promisify(execFile);
const git = (cwd: string, ...args: string[]) => run('git', ['-c', 'user.name=Release Bot', '-c', 'user.email=bot@example.com', ...args], { cwd }).then((r) => r.stdout.trim());

/**
 * git's smart HTTP at a repository's web address, as actions/checkout and create-pull-request use
 * it: clone and fetch for whoever may read, push with a token (`x-access-token:TOKEN`) that may
 * write contents, every ref update through the branch's protection and rulesets.
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation#about-authentication-as-a-github-app-installation
 */
describe('git over HTTP', () => {
  const env = useSandbox({ repos: basicRepo() });
  const address = (token?: string) => {
    const url = new URL(`${env.sandbox.urls.html}/acme/app.git`);
    if (token) Object.assign(url, { username: 'x-access-token', password: token });
    return url.href;
  };

  it('clones the repository, and pushes a new branch whose commit the API then reads', async () => {
    const dir = await scratchDir('git-clone');
    await run('git', ['clone', '-q', address(), dir]);
    const repo = env.sandbox.state.repo('acme/app')!;
    expect(await git(dir, 'rev-parse', 'HEAD')).toBe(repo.refs.get('refs/heads/main'));
    expect(await readFile(join(dir, 'src', 'feature.txt'), 'utf8')).toBe('feature, fixed\n');

    await writeFile(join(dir, 'VERSION'), '1.1.0\n');
    await git(dir, 'checkout', '-q', '-b', 'release/bump');
    await git(dir, 'commit', '-q', '-am', 'Bump to 1.1.0');
    const sha = await git(dir, 'rev-parse', 'HEAD');
    await git(dir, 'push', '-q', address(SANDBOX_TOKENS.githubToken), 'release/bump');
    expect(repo.refs.get('refs/heads/release/bump')).toBe(sha);
    expect(repo.pushes.at(-1)).toMatchObject({ ref: 'refs/heads/release/bump', after: sha, actor: 'github-actions[bot]' });
    const { rest } = env.client(SANDBOX_TOKENS.githubToken);
    const content = await rest.rest.repos.getContent({ owner: 'acme', repo: 'app', path: 'VERSION', ref: 'release/bump', mediaType: { format: 'raw' } });
    expect(String(content.data)).toBe('1.1.0\n');
  });

  it('refuses a push without a token, and one a ruleset forbids, moving nothing', async () => {
    const dir = await scratchDir('git-refused');
    await run('git', ['clone', '-q', address(), dir]);
    await writeFile(join(dir, 'VERSION'), '2.0.0\n');
    await git(dir, 'commit', '-q', '-am', 'Bump to 2.0.0');
    const repo = env.sandbox.state.repo('acme/app')!;
    const main = repo.refs.get('refs/heads/main');
    await expect(git(dir, 'push', '-q', address(), 'HEAD:main')).rejects.toThrow(/Authentication|401|could not read Username/i);

    const admin = env.client().rest;
    await admin.rest.repos.createRepoRuleset({
      owner: 'acme',
      repo: 'app',
      name: 'lock',
      target: 'branch',
      enforcement: 'active',
      conditions: { ref_name: { include: ['refs/heads/main'], exclude: [] } },
      rules: [{ type: 'update' }],
    });
    await expect(git(dir, 'push', '-q', address(SANDBOX_TOKENS.githubToken), 'HEAD:main')).rejects.toThrow(/pre-receive hook declined/);
    expect(repo.refs.get('refs/heads/main')).toBe(main);
  });
});
