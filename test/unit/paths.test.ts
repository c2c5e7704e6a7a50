import { execFileSync } from 'node:child_process';
import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPattern, confinePath, UserError } from '@relkit/kit';
import { scratchDir } from '../helpers/scratch.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return `${error.message} | ${error.input}`;
    throw error;
  }
  throw new Error('expected a UserError');
}

async function workspace(): Promise<{ root: string; outside: string }> {
  const root = await realpath(await scratchDir('confine'));
  const outside = await realpath(await scratchDir('outside'));
  await mkdir(join(root, 'docs'));
  await writeFile(join(root, 'docs', 'a.md'), 'a\n');
  await writeFile(join(outside, 'secret'), 'secret\n');
  return { root, outside };
}

describe('confinePath', () => {
  it('returns the real path and the path inside the root, also through a symlink that stays inside', async () => {
    const { root } = await workspace();
    await symlink(join(root, 'docs', 'a.md'), join(root, 'link.md'));
    const roots = [{ path: root, label: 'the workspace' }];
    expect(confinePath('docs/a.md', { input: 'x', roots, kind: 'file' })).toMatchObject({ real: join(root, 'docs', 'a.md'), relative: 'docs/a.md' });
    expect(confinePath('link.md', { input: 'x', roots, kind: 'file' }).relative).toBe('docs/a.md');
    expect(confinePath('docs', { input: 'x', roots, kind: 'directory' }).relative).toBe('docs');
    expect(confinePath('new/dir/b.md', { input: 'x', roots, kind: 'output' })).toMatchObject({ real: join(root, 'new', 'dir', 'b.md'), relative: 'new/dir/b.md' });
  });

  it('refuses absolute paths, `..`, links out, links through a folder out, special files and wrong kinds, naming the input', async () => {
    const { root, outside } = await workspace();
    await symlink(join(outside, 'secret'), join(root, 'out-link'));
    await symlink(outside, join(root, 'out-dir'));
    await symlink(join(root, 'missing'), join(root, 'dangling'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const roots = [{ path: root, label: 'the workspace' }];
    const refuse = (value: string, kind: 'file' | 'directory' | 'output') => refusal(() => confinePath(value, { input: 'changelog-file', roots, kind }));
    expect(refuse('/etc/passwd', 'file')).toMatch(/"\/etc\/passwd" is an absolute path outside the workspace .* \| changelog-file$/);
    expect(refuse('../x.md', 'output')).toMatch(/leaves the workspace .* with `\.\.`/);
    expect(refuse('docs/../../x.md', 'output')).toMatch(/with `\.\.`/);
    expect(refuse('out-link', 'file')).toMatch(/is a symlink that points outside the workspace/);
    expect(refuse('out-link', 'output')).toMatch(/is a symlink that points outside/);
    expect(refuse('out-dir/new.md', 'output')).toMatch(/would be written through .*out-dir, which leads outside/);
    expect(refuse('out-dir/secret', 'file')).toMatch(/leads outside the workspace/);
    expect(refuse('dangling', 'file')).toMatch(/symlink whose target does not exist/);
    expect(refuse('pipe', 'file')).toMatch(/is a FIFO, not a regular file/);
    expect(refuse('docs', 'file')).toMatch(/is a folder, not a regular file/);
    expect(refuse('docs/a.md', 'directory')).toMatch(/is a file, not a folder/);
    expect(refuse('nope.md', 'file')).toMatch(/does not exist in the workspace/);
  });

  it('accepts a second root (RUNNER_TEMP) for absolute paths there, and refuses a path in neither', async () => {
    const { root, outside } = await workspace();
    const roots = [
      { path: root, label: 'the workspace' },
      { path: outside, label: 'RUNNER_TEMP' },
    ];
    expect(confinePath(join(outside, 'secret'), { input: 'output-file', roots, kind: 'output' }).root.label).toBe('RUNNER_TEMP');
    expect(refusal(() => confinePath('/etc/hostname', { input: 'output-file', roots, kind: 'output' }))).toMatch(/outside the workspace .* or RUNNER_TEMP/);
  });
});

describe('checkPattern', () => {
  it('refuses globs that can only lead out, before they are expanded', () => {
    expect(() => checkPattern('dist/*.tar.gz', { input: 'assets', workspace: '/w' })).not.toThrow();
    expect(refusal(() => checkPattern('/etc/*', { input: 'assets', workspace: '/w' }))).toMatch(/absolute path .* \| assets$/);
    expect(refusal(() => checkPattern('../**/*.key', { input: 'assets', workspace: '/w' }))).toMatch(/with `\.\.`/);
    expect(refusal(() => checkPattern('C:\\x\\*', { input: 'assets', workspace: '/w' }))).toMatch(/absolute/);
  });
});
