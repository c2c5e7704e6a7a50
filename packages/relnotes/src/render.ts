import { fillPlaceholders } from '@relkit/kit';
import type { Contributor, NewContributor } from './contributors.js';
import type { NoteEntry } from './entries.js';

export interface NotesDocument {
  version: string | undefined;
  /** The release the range starts after (the `from` used). */
  previous: string | undefined;
  to: string;
  date: string;
  compareUrl: string | undefined;
  source: 'local clone' | 'GitHub API';
  sections: string[];
  entries: NoteEntry[];
  contributors: Contributor[] | undefined;
  newContributors: NewContributor[] | undefined;
  commitCount: number;
  /** People credited by name because no GitHub login is known for them: shown without `@`. */
  nameOnly: string[];
}

/** `@login`, or the plain name of someone with no known login (an `@` would mention a stranger). */
export function mention(doc: NotesDocument, who: string): string {
  return doc.nameOnly.includes(who) ? who : `@${who}`;
}

export interface RenderOptions {
  header: string | undefined;
  footer: string | undefined;
}

function fill(template: string, doc: NotesDocument): string {
  return fillPlaceholders(template, { version: doc.version ?? '', previous: doc.previous ?? '', date: doc.date, compare_url: doc.compareUrl ?? '' });
}

function line(doc: NotesDocument, entry: NoteEntry, bullet: string): string {
  const text = (entry.note ?? entry.title).trim().split('\n').join('\n  ');
  const where = entry.url ? ` in [#${entry.pr}](${entry.url})` : entry.commits[0] ? ` in ${entry.commits[0].slice(0, 12)}` : '';
  const backport = entry.backport !== undefined ? ` (backport #${entry.backport})` : entry.unresolvedCherryPick ? ' (cherry-pick; original not found)' : '';
  return `${bullet} ${text} by ${mention(doc, entry.author)}${where}${backport}`;
}

function grouped(doc: NotesDocument): Array<[string, NoteEntry[]]> {
  const groups: Array<[string, NoteEntry[]]> = [];
  const actionRequired = doc.entries.filter((e) => e.actionRequired);
  if (actionRequired.length > 0) groups.push(['Action Required', actionRequired]);
  for (const section of doc.sections) {
    const entries = doc.entries.filter((e) => e.category === section);
    if (entries.length > 0) groups.push([section, entries]);
  }
  return groups;
}

/** GitHub's generated-notes layout: What's Changed by section, New Contributors, contributors, Full Changelog. */
export function renderMarkdown(doc: NotesDocument, options: RenderOptions): string {
  const out: string[] = [];
  if (options.header) out.push(fill(options.header, doc).trimEnd(), '');
  out.push("## What's Changed", '');
  const groups = grouped(doc);
  if (groups.length === 0) out.push('No changes.', '');
  for (const [section, entries] of groups) {
    if (section) out.push(`### ${section}`, '');
    for (const entry of entries) out.push(line(doc, entry, '*'));
    out.push('');
  }
  if (doc.newContributors?.length) {
    out.push('## New Contributors', '');
    for (const c of doc.newContributors) out.push(`* @${c.login} made their first contribution in [#${c.pr}](${c.url})`);
    out.push('');
  }
  if (doc.contributors?.length) {
    out.push('## Contributors', '');
    for (const c of doc.contributors) out.push(`* ${mention(doc, c.login)} (${c.count})`);
    out.push('');
  }
  if (doc.compareUrl) out.push(fullChangelog(doc.compareUrl), '');
  if (options.footer) out.push(fill(options.footer, doc).trimEnd(), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function fullChangelog(url: string): string {
  return `**Full Changelog**: [${url.slice(url.lastIndexOf('/compare/') + '/compare/'.length)}](${url})`;
}

/** A Keep a Changelog section: `## [version] - date`, one `###` per section. */
export function renderKeepAChangelog(doc: NotesDocument, options: RenderOptions): string {
  const out = [`## [${doc.version ?? 'Unreleased'}] - ${doc.date}`, ''];
  if (options.header) out.push(fill(options.header, doc).trimEnd(), '');
  for (const [section, entries] of grouped(doc)) {
    out.push(`### ${section || 'Changed'}`, '');
    for (const entry of entries) out.push(line(doc, entry, '-'));
    out.push('');
  }
  if (doc.newContributors?.length) {
    out.push('### New Contributors', '');
    for (const c of doc.newContributors) out.push(`- @${c.login} made their first contribution in [#${c.pr}](${c.url})`);
    out.push('');
  }
  if (doc.compareUrl) out.push(fullChangelog(doc.compareUrl), '');
  if (options.footer) out.push(fill(options.footer, doc).trimEnd(), '');
  return `${out.join('\n').trimEnd()}\n`;
}

/** The documented JSON form (see the action README). */
export function renderJson(doc: NotesDocument): string {
  return `${JSON.stringify(
    {
      version: doc.version ?? null,
      previous: doc.previous ?? null,
      to: doc.to,
      date: doc.date,
      compareUrl: doc.compareUrl ?? null,
      commitCount: doc.commitCount,
      entries: doc.entries.map((e) => ({
        pr: e.pr ?? null,
        backport: e.backport ?? null,
        title: e.title,
        note: e.note ?? null,
        category: e.category,
        actionRequired: e.actionRequired,
        author: e.author,
        authors: e.authors,
        labels: e.labels,
        url: e.url ?? null,
        commits: e.commits,
      })),
      contributors: doc.contributors ?? [],
      newContributors: doc.newContributors ?? [],
    },
    null,
    2,
  )}\n`;
}
