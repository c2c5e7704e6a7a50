import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { scratchDir } from '../helpers/scratch.js';

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

  it('works in GITHUB_WORKSPACE (or --workspace), as a runner step does, not wherever it was started', async () => {
    const workspace = await scratchDir('cli-workspace');
    writeFileSync(join(workspace, 'VERSION'), '1.0.0\n');
    const childEnv = { ...process.env, ...env.sandbox.env(), GITHUB_TOKEN: SANDBOX_TOKENS.app, GITHUB_WORKSPACE: workspace };
    const fromEnv = await run(process.execPath, [bin, 'bump-version-files', '--repo', 'acme/app', '--version', '1.0.1', '--files', 'VERSION', '--json'], { cwd: root, env: childEnv });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ exitCode: 0, outputs: { version: '1.0.1', 'previous-version': '1.0.0' } });
    expect(readFileSync(join(workspace, 'VERSION'), 'utf8')).toBe('1.0.1\n');
    const { GITHUB_WORKSPACE: _ignored, ...withoutWorkspace } = childEnv;
    const fromFlag = await run(process.execPath, [bin, 'bump-version-files', '--repo', 'acme/app', '--version', '1.0.2', '--files', 'VERSION', '--workspace', workspace, '--json'], {
      cwd: root,
      env: withoutWorkspace,
    });
    expect(JSON.parse(fromFlag.stdout)).toMatchObject({ exitCode: 0, outputs: { version: '1.0.2' } });
    expect(readFileSync(join(workspace, 'VERSION'), 'utf8')).toBe('1.0.2\n');
  });

  it('rejects a flag that is not an input of the action', async () => {
    const failed = await run(process.execPath, [bin, 'lock-branch', '--brnach', 'main'], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(/`--brnach` is not an input of lock-branch\.\nFix: Use one of: --token, --repository, --branch/);
  });
});
