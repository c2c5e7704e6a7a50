import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));
const env = useSandbox({ repos: basicRepo() });

describe('relkit <action> from a terminal', () => {
  it('lists lock-branch and runs it with flags as inputs and the token from GITHUB_TOKEN', async () => {
    const help = await run(process.execPath, [bin, '--help'], { cwd: root });
    expect(help.stdout).toMatch(/Actions:\n( {2}[a-z-]+\n)* {2}lock-branch\n/);
    expect(help.stdout).toContain('  bump-version-files\n');
    const childEnv = { ...process.env, ...env.sandbox.env(), GITHUB_TOKEN: SANDBOX_TOKENS.app, RELKIT_WRITE_INTERVAL_MS: '0' };
    const locked = await run(process.execPath, [bin, 'lock-branch', '--repo', 'acme/app', '--holder', 'local tester', '--json'], { cwd: root, env: childEnv });
    expect(JSON.parse(locked.stdout)).toMatchObject({ exitCode: 0, outputs: { locked: 'true', holder: 'local tester' } });
    const rulesets = (await env.client().rest.rest.repos.getRepoRulesets({ owner: 'acme', repo: 'app' })).data.map((r) => r.name);
    expect(rulesets).toEqual(['relkit-lock/main: local tester']);
    const unlocked = await run(process.execPath, [bin, 'lock-branch', '--repo', 'acme/app', '--holder', 'local tester', '--action', 'unlock'], { cwd: root, env: childEnv });
    expect(unlocked.stdout).toMatch(/lock-branch finished\.\n {2}locked: false/);
    expect((await env.client().rest.rest.repos.getRepoRulesets({ owner: 'acme', repo: 'app' })).data).toEqual([]);
  });

  it('rejects a flag that is not an input of the action', async () => {
    const failed = await run(process.execPath, [bin, 'lock-branch', '--brnach', 'main'], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(/`--brnach` is not an input of lock-branch\.\nFix: Use one of: --token, --repository, --branch/);
  });
});
