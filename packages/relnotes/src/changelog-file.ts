import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { escapeRegex } from '@relkit/kit';

/** A level-2 ATX heading (`## 1.2.0`) or a setext heading (a line underlined with `===` or `---`, as kube-rs writes them): its text. */
function headingText(lines: string[], index: number): string | undefined {
  const line = lines[index];
  if (line === undefined) return undefined;
  const atx = /^##\s+(.*)$/.exec(line);
  if (atx) return atx[1];
  const next = lines[index + 1];
  if (next !== undefined && /^(=+|-+)\s*$/.test(next) && line.trim() !== '' && !/^[-*+>#|]|^\s/.test(line)) return line;
  return undefined;
}

/**
 * Puts this version's section into a changelog: replaces the section already there for the version
 * (so a re-run changes nothing), else inserts it above the newest release section (below the title
 * and an Unreleased section, if any).
 */
export function placeSection(existing: string, section: string, version: string): string {
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const body = section.replace(/\n/g, eol);
  const lines = existing.split(eol);
  const headings = lines.map((_, i) => headingText(lines, i));
  const nextHeading = (from: number) => {
    let i = from;
    while (i < lines.length && headings[i] === undefined) i++;
    return i;
  };
  const mine = new RegExp(`^\\[?v?${escapeRegex(version)}\\]?(\\s|\\(|$)`);
  const start = headings.findIndex((h) => h !== undefined && mine.test(h));
  if (start >= 0) {
    const end = nextHeading(start + 1);
    return [...lines.slice(0, start), ...body.replace(new RegExp(`${escapeRegex(eol)}$`), '').split(eol), ...(end < lines.length ? [''] : []), ...lines.slice(end)].join(eol);
  }
  let at = headings.findIndex((h) => h !== undefined && !/unreleased/i.test(h));
  if (at < 0) at = lines.length;
  const before = lines.slice(0, at);
  while (before.length > 0 && before.at(-1) === '') before.pop();
  return [...before, ...(before.length ? [''] : []), ...body.replace(new RegExp(`${escapeRegex(eol)}$`), '').split(eol), '', ...lines.slice(at)]
    .join(eol)
    .replace(new RegExp(`(${escapeRegex(eol)})+$`), eol);
}

function endWithOneNewline(text: string, eol: string): string {
  return `${text.replace(/(\r?\n)+$/, '')}${eol}`;
}

export async function writeChangelog(path: string, section: string, version: string): Promise<boolean> {
  const existing = await readFile(path, 'utf8').catch(() => '# Changelog\n');
  const next = endWithOneNewline(placeSection(existing, section, version), existing.includes('\r\n') ? '\r\n' : '\n');
  if (next === existing) return false;
  const temp = join(dirname(path), `.${basename(path)}.relkit-${process.pid}.tmp`);
  await writeFile(temp, next);
  await rename(temp, path);
  return true;
}
