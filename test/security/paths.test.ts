import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errors, runAction } from '../helpers/action.js';
import { basicRepo, SANDBOX_TOKENS, useSandbox } from '../helpers/sandbox.js';
import { filesIn, scratchDir } from '../helpers/scratch.js';

/**
 * Every path input of every action stays inside the workspace: absolute paths, `..` and symlinks
 * that lead out are refused with a message that names the input, before anything is written.
 */
const env = useSandbox({ repos: basicRepo() });

async function checkout(files: Record<string, string> = { VERSION: '1.0.0\n', 'README.md': '# app\n' }): Promise<string> {
  const dir = await scratchDir('confined');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

const head = () => env.sandbox.state.repo('acme/app')!.refs.get('refs/heads/main')!;
const stackTrace = /\n\s+at .+:\d+:\d+/;

function expectRefused(result: { exitCode: number; stdout: string; stderr: string }, messages: string[], input: string, why: RegExp): void {
  expect(result.exitCode).not.toBe(0);
  const text = messages.join('\n');
  expect(text).toContain(`\`${input}\``);
  expect(text).toMatch(why);
  expect(text).toContain('Fix:');
  expect(result.stdout + result.stderr).not.toMatch(stackTrace);
}

describe('bump-version-files keeps every path in the workspace', () => {
  it.each([
    ['/proc/self/environ', 'the environment (with INPUT_TOKEN)'],
    ['/etc/passwd', 'a system file'],
  ])('refuses include-files that is a symlink to %s (%s), and commits nothing', async (target) => {
    const dir = await checkout();
    await symlink(target, join(dir, 'env.txt'));
    const before = head();
    const dump = env.sandbox.dump();
    const result = await runAction(
      'bump-version-files',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, files: 'VERSION', version: '1.1.0', 'include-files': 'env.txt', commit: 'branch' },
      { cwd: dir, env: { GITHUB_SHA: before, GITHUB_REF: 'refs/heads/main' } },
    );
    expectRefused(result, errors(result), 'include-files', /env\.txt.*(outside the workspace|not a regular file)/);
    expect(head()).toBe(before);
    expect(env.sandbox.dump()).toEqual(dump);
    expect(await readFile(join(dir, 'VERSION'), 'utf8')).toBe('1.0.0\n');
    expect(
      result.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(SANDBOX_TOKENS.githubToken);
  });

  it('refuses the same link in mock mode, where nothing would be committed either', async () => {
    const dir = await checkout();
    await symlink('/proc/self/environ', join(dir, 'env.txt'));
    const result = await runAction(
      'bump-version-files',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, files: 'VERSION', version: '1.1.0', 'include-files': 'env.txt', commit: 'branch', mock: 'true' },
      { cwd: dir, env: { GITHUB_SHA: head(), GITHUB_REF: 'refs/heads/main' } },
    );
    expectRefused(result, errors(result), 'include-files', /env\.txt/);
  });

  it('names a working-directory that does not exist, without a stack trace', async () => {
    const dir = await checkout();
    const result = await runAction('bump-version-files', undefined, { files: 'VERSION', version: '1.1.0', 'working-directory': 'nonexist' }, { cwd: dir, env: { GITHUB_REPOSITORY: undefined } });
    expectRefused(result, errors(result), 'working-directory', /nonexist.*(does not exist|not a folder)/);
  });

  it('refuses a working-directory that is a symlink out of the workspace', async () => {
    const dir = await checkout();
    const outside = await checkout({ VERSION: '9.9.9\n' });
    await symlink(outside, join(dir, 'elsewhere'));
    const result = await runAction('bump-version-files', undefined, { files: 'VERSION', version: '1.1.0', 'working-directory': 'elsewhere' }, { cwd: dir, env: { GITHUB_REPOSITORY: undefined } });
    expectRefused(result, errors(result), 'working-directory', /outside the workspace/);
    expect(await readFile(join(outside, 'VERSION'), 'utf8')).toBe('9.9.9\n');
  });
});

describe('draft-release uploads only files inside the workspace', () => {
  const releases = () => env.sandbox.state.repo('acme/app')!.releases.length;

  it.each([
    ['an absolute path', '/etc/passwd', undefined],
    ['a named absolute path', 'x=/etc/passwd', undefined],
    ['a path with ..', '../../../../../../etc/passwd', undefined],
    ['a symlink to /etc/passwd', 'out/app.tar.gz', '/etc/passwd'],
    ['a symlink to /proc/self/environ', 'out/env.tar.gz', '/proc/self/environ'],
    ['a glob over a symlink out', 'out/*.tar.gz', '/etc/passwd'],
  ])('refuses %s before any release is created', async (_what, assets, linkTarget) => {
    const dir = await checkout();
    if (linkTarget) {
      await mkdir(join(dir, 'out'), { recursive: true });
      await symlink(linkTarget, join(dir, 'out', linkTarget.includes('environ') ? 'env.tar.gz' : 'app.tar.gz'));
    }
    const before = releases();
    const result = await runAction('draft-release', env.sandbox, { token: SANDBOX_TOKENS.githubToken, tag: 'v9.0.0', target: 'main', assets }, { cwd: dir });
    expectRefused(result, errors(result), 'assets', /outside the workspace|absolute|`\.\.`/);
    expect(releases()).toBe(before);
    expect(result.stdout + result.stderr).not.toContain('root:x:0:0');
  });

  it('refuses a FIFO among the assets with the input named, not a stack trace', async () => {
    const dir = await checkout();
    await mkdir(join(dir, 'out'));
    execFileSync('mkfifo', [join(dir, 'out', 'app.tar.gz')]);
    const before = releases();
    const result = await runAction('draft-release', env.sandbox, { token: SANDBOX_TOKENS.githubToken, tag: 'v9.0.1', target: 'main', assets: 'out/app.tar.gz' }, { cwd: dir });
    expectRefused(result, errors(result), 'assets', /not a regular file/);
    expect(releases()).toBe(before);
  });

  it('refuses a body-file outside the workspace', async () => {
    const dir = await checkout();
    const result = await runAction('draft-release', env.sandbox, { token: SANDBOX_TOKENS.githubToken, tag: 'v9.0.2', target: 'main', 'body-file': '/etc/passwd' }, { cwd: dir });
    expectRefused(result, errors(result), 'body-file', /outside the workspace|absolute/);
  });
});

describe('gen-relnotes writes only inside the workspace', () => {
  it.each(['/tmp/relkit-escape.md', '../../relkit-escape.md'])('refuses changelog-file %s and writes nothing', async (path) => {
    const dir = await checkout();
    const inner = join(dir, 'a', 'b');
    await mkdir(inner, { recursive: true });
    const target = path.startsWith('/') ? path : join(inner, path);
    await rm(target, { force: true });
    const before = await filesIn(dir);
    const result = await runAction(
      'gen-relnotes',
      env.sandbox,
      { token: SANDBOX_TOKENS.githubToken, to: 'main', version: '1.1.0', 'changelog-file': path },
      { cwd: inner, env: { GITHUB_WORKSPACE: inner } },
    );
    expectRefused(result, errors(result), 'changelog-file', /outside the workspace|absolute|`\.\.`/);
    expect(existsSync(target)).toBe(false);
    expect(await filesIn(dir)).toEqual(before);
  });

  it('refuses an output-file outside the workspace and RUNNER_TEMP', async () => {
    const dir = await checkout();
    await rm('/tmp/relkit-notes-escape.md', { force: true });
    const result = await runAction('gen-relnotes', env.sandbox, { token: SANDBOX_TOKENS.githubToken, to: 'main', 'output-file': '/tmp/relkit-notes-escape.md' }, { cwd: dir });
    expectRefused(result, errors(result), 'output-file', /outside the workspace|absolute/);
    expect(existsSync('/tmp/relkit-notes-escape.md')).toBe(false);
  });

  it('refuses a changelog-file that is a symlink to a file outside', async () => {
    const dir = await checkout();
    const outside = await checkout({ 'CHANGELOG.md': '# Changelog\n' });
    await symlink(join(outside, 'CHANGELOG.md'), join(dir, 'CHANGELOG.md'));
    const result = await runAction('gen-relnotes', env.sandbox, { token: SANDBOX_TOKENS.githubToken, to: 'main', version: '1.1.0', 'changelog-file': 'CHANGELOG.md' }, { cwd: dir });
    expectRefused(result, errors(result), 'changelog-file', /outside the workspace/);
    expect(await readFile(join(outside, 'CHANGELOG.md'), 'utf8')).toBe('# Changelog\n');
  });
});
