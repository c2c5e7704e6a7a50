import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const AUTHORS = 40;

/**
 * A history of `commits` commits after a tag v1.0.0, built with git fast-import: `prs` of them
 * squash-merged PRs (`Title (#N)`), the rest direct pushes; every author one of 40 people, so
 * new-contributor checks see a realistic crowd. `files` are added by the first commit.
 */
export function buildHistoryRepo(commits: number, prs = commits, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'relkit-bench-relnotes-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const lines: string[] = [];
  const base = Date.UTC(2025, 0, 1) / 1000;
  const every = Math.max(1, Math.floor(commits / prs));
  for (let n = 0; n <= commits; n++) {
    const who = n === 0 ? 'maintainer' : `dev${n % AUTHORS}`;
    const isPr = n > 0 && n % every === 0 && n / every <= prs;
    const message = n === 0 ? 'Initial commit' : isPr ? `Change number ${n} (#${n})` : `Tidy up ${n}`;
    const content = `change ${n}\n`;
    lines.push(
      'commit refs/heads/main',
      `mark :${n + 1}`,
      `author ${who} <${who}@users.noreply.github.com> ${base + n * 60} +0000`,
      `committer ${who} <${who}@users.noreply.github.com> ${base + n * 60} +0000`,
      `data ${Buffer.byteLength(message)}`,
      message,
    );
    if (n > 0) lines.push(`from :${n}`);
    lines.push(`M 100644 inline file${n % 50}.txt`, `data ${Buffer.byteLength(content)}`, content.trimEnd(), '');
    // The line break after a data block is optional; a text ending in one uses it as that break.
    if (n === 0) for (const [path, text] of Object.entries(files)) lines.push(`M 100644 inline ${path}`, `data ${Buffer.byteLength(text)}`, text.endsWith('\n') ? text.slice(0, -1) : text);
    if (n === 0) lines.push('reset refs/tags/v1.0.0', 'from :1', '');
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: `${lines.join('\n')}\n` });
  execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/app.git'], { cwd: dir });
  return dir;
}
