import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitDirSource } from '@relkit/sandbox';

/**
 * A repository whose objects come in every shape git stores: packed with deltas (OFS_DELTA after
 * `gc --aggressive`), a thin-pack fetched one with REF_DELTA, loose objects, an annotated tag.
 */
function repository(deltas: 'offset' | 'ref' = 'offset'): string {
  const dir = mkdtempSync(join(tmpdir(), 'relkit-pack-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.com' } });
  git('init', '-q', '-b', 'main');
  for (let i = 1; i <= 30; i++) {
    writeFileSync(join(dir, 'long.txt'), Array.from({ length: i * 40 }, (_, n) => `line ${n} of a file that grows`).join('\n'));
    writeFileSync(join(dir, `small-${i % 4}.txt`), `version ${i}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', `change ${i}`);
  }
  git('tag', '-a', 'v1.0.0', '-m', 'v1.0.0', 'HEAD~5');
  git('gc', '-q', '--aggressive');
  if (deltas === 'ref') git('-c', 'repack.useDeltaBaseOffset=false', 'repack', '-q', '-a', '-d', '-f');
  writeFileSync(join(dir, 'loose.txt'), 'not packed\n');
  git('add', 'loose.txt');
  git('commit', '-q', '-m', 'a loose commit');
  return join(dir, '.git');
}

describe('reading a git directory on demand', () => {
  it.each(['offset', 'ref'] as const)('answers every object exactly as git cat-file does, packed (deltas by %s) or loose', (deltas) => {
    const gitDir = repository(deltas);
    const source = new GitDirSource(gitDir);
    try {
      const listed = execFileSync('git', ['-C', gitDir, 'cat-file', '--batch-all-objects', '--batch-check']).toString().trim().split('\n');
      expect(source.count).toBe(listed.length);
      expect(readdirSync(join(gitDir, 'objects', 'pack')).some((f) => f.endsWith('.pack'))).toBe(true);
      for (const line of listed) {
        const [sha, type] = line.split(' ') as [string, string];
        const object = source.read(sha);
        expect(object?.type, sha).toBe(type);
        expect(object!.data.equals(execFileSync('git', ['-C', gitDir, 'cat-file', type, sha])), sha).toBe(true);
        expect(source.has(sha)).toBe(true);
      }
      const [first] = listed[0]!.split(' ') as [string];
      expect(source.withPrefix(first.slice(0, 7), 2)).toEqual([first]);
      expect(source.read('0'.repeat(40))).toBeUndefined();
      expect(source.has('0'.repeat(40))).toBe(false);
    } finally {
      source.close();
    }
  });

  it('never writes to the git directory', () => {
    const gitDir = repository();
    const before = execFileSync('find', [gitDir, '-type', 'f', '-newer', join(gitDir, 'HEAD')]).toString();
    const mtimes = readdirSync(join(gitDir, 'objects', 'pack')).map((f) => statSync(join(gitDir, 'objects', 'pack', f)).mtimeMs);
    const source = new GitDirSource(gitDir);
    for (const line of execFileSync('git', ['-C', gitDir, 'rev-list', '--all', '--objects']).toString().trim().split('\n')) source.read(line.slice(0, 40));
    source.close();
    expect(execFileSync('find', [gitDir, '-type', 'f', '-newer', join(gitDir, 'HEAD')]).toString()).toBe(before);
    expect(readdirSync(join(gitDir, 'objects', 'pack')).map((f) => statSync(join(gitDir, 'objects', 'pack', f)).mtimeMs)).toEqual(mtimes);
  });
});
