import type { NotesConfig } from './config.js';
import { coAuthors, conventionalSection, releaseNote } from './messages.js';
import type { People } from './people.js';
import type { PullInfo } from './pulls.js';
import type { RangeCommit } from './range.js';

export interface NoteEntry {
  /** The PR credited: the original one for a cherry-pick. */
  pr: number | undefined;
  /** The backport PR, when the entry credits its original. */
  backport: number | undefined;
  title: string;
  /** The release-note block's text, when the PR has one. */
  note: string | undefined;
  url: string | undefined;
  author: string;
  /** Author and co-authors (logins where known). */
  authors: string[];
  labels: string[];
  category: string;
  actionRequired: boolean;
  /** Commits of the range this entry stands for. */
  commits: string[];
  mergedAt: string | null;
  /** A cherry-pick whose original could not be found: listed as the backport itself. */
  unresolvedCherryPick: boolean;
}

export const OTHER = 'Other Changes';

/**
 * What a commit says about its PR: a merge commit's body line is the PR title GitHub wrote, and its
 * subject names the author's fork (`Merge pull request #N from alice/branch`); a squash subject is
 * the title with ` (#N)`; any other commit gives its subject.
 */
function titleFromMessage(message: string, number: number): { title: string; author?: string; fromPr: boolean } {
  const [subject = '', ...rest] = message.split('\n');
  const merge = new RegExp(`^Merge pull request #${number} from ([^/\\s]+)/`).exec(subject);
  if (merge) return { title: rest.find((line) => line.trim() !== '')?.trim() ?? subject, author: merge[1], fromPr: true };
  const squash = new RegExp(`\\s*\\(#${number}\\)\\s*$`);
  return { title: subject.replace(squash, ''), fromPr: squash.test(subject) };
}

const DEPENDENCY_BOTS = /^(dependabot|renovate|renovate-bot|dependabot-preview)(\[bot\])?$/i;

function matchesAny(labels: string[], wanted: string[]): boolean {
  return wanted.includes('*') || labels.some((l) => wanted.includes(l));
}

/** The section a PR goes to: dependency bots, then kind labels or GitHub's categories, in order. */
export function categorize(config: NotesConfig, pr: { labels: string[]; author: string }): string | undefined {
  if (config.excludeLabels.some((l) => pr.labels.includes(l)) || config.excludeAuthors.includes(pr.author)) return undefined;
  if (config.dependencies && (DEPENDENCY_BOTS.test(pr.author) || pr.labels.includes('dependencies'))) return config.dependencies;
  if (config.kindLabels.length > 0) return config.kindLabels.find(([label]) => pr.labels.includes(label))?.[1] ?? 'Uncategorized';
  if (config.categories.length === 0) return '';
  for (const category of config.categories) {
    if (category.excludeLabels.some((l) => pr.labels.includes(l)) || category.excludeAuthors.includes(pr.author)) continue;
    if (matchesAny(pr.labels, category.labels)) return category.title;
  }
  return OTHER;
}

/** Section order: action required, then the configured order, then whatever else appeared. */
export function sectionOrder(config: NotesConfig): string[] {
  const order = config.kindLabels.length > 0 ? config.kindLabels.map(([, title]) => title) : config.categories.map((c) => c.title);
  return [
    ...new Set([
      '',
      ...order,
      ...(config.kindLabels.length > 0 ? ['Uncategorized'] : []),
      'Features',
      'Bug Fixes',
      'Performance',
      'Documentation',
      'Reverts',
      ...(config.dependencies ? [config.dependencies] : []),
      OTHER,
    ]),
  ];
}

export interface EntryInput {
  commits: RangeCommit[];
  /** Commit sha → the PR number it belongs to (after messages, merges and association). */
  prOf: Map<string, number>;
  pulls: Map<number, PullInfo>;
  /** Backport PR number → original PR number, or null when the original is unknown. */
  originals: Map<number, number | null>;
  /** Commit sha (no PR) → original PR by its cherry-pick trailer. */
  commitOriginals: Map<string, number>;
  config: NotesConfig;
  /** Who commit authors and co-authors are (login, or mailmapped name). */
  people: People;
}

/**
 * Groups the range into entries: one per credited PR (originals for cherry-picks), one per commit
 * that has no PR. Sorted by merge time, then PR number, then commit sha: the same range gives the
 * same entries whichever way it was read.
 */
export function buildEntries(input: EntryInput): NoteEntry[] {
  const { config } = input;
  const byPr = new Map<number, NoteEntry>();
  const loose: NoteEntry[] = [];
  const unreadable = new Map<number, NoteEntry>();
  const skipped = new Set<number>();
  const sorted = [...input.commits].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.sha < b.sha ? -1 : 1));
  for (const commit of sorted) {
    let number = input.prOf.get(commit.sha) ?? input.commitOriginals.get(commit.sha);
    let backport: number | undefined;
    let unresolved = false;
    if (number !== undefined && input.originals.has(number)) {
      const original = input.originals.get(number);
      if (original !== null && original !== undefined && input.pulls.has(original)) {
        backport = number;
        number = original;
      } else unresolved = true;
    }
    const extraAuthors = coAuthors(commit.message).map((a) => input.people.who(a));
    if (number !== undefined && !input.pulls.has(number) && !input.originals.has(number)) {
      // A PR the history names but GitHub could not give (deleted, or a repository seeded without
      // its PRs): one entry with what the commits say, never dropped.
      const titled = titleFromMessage(commit.message, number);
      const entry = unreadable.get(number);
      if (entry) {
        entry.commits.push(commit.sha);
        if (titled.fromPr) entry.title = titled.title;
        for (const a of extraAuthors) if (!entry.authors.includes(a)) entry.authors.push(a);
        continue;
      }
      const author = input.people.who(titled.author ? { name: '', email: '', login: titled.author } : { name: commit.authorName, email: commit.authorEmail, login: commit.authorLogin });
      unreadable.set(number, {
        pr: number,
        backport: undefined,
        title: titled.title,
        note: undefined,
        url: undefined,
        author,
        authors: [...new Set([author, ...extraAuthors])],
        labels: [],
        category: OTHER,
        actionRequired: false,
        commits: [commit.sha],
        mergedAt: commit.date,
        unresolvedCherryPick: false,
      });
      continue;
    }
    const pr = number === undefined ? undefined : input.pulls.get(number);
    if (number === undefined || !pr) {
      const headline = commit.message.split('\n', 1)[0] ?? '';
      if (commit.parents.length > 1 || commit.authorIsBot || /\[bot\]$/.test(commit.authorLogin ?? '')) continue;
      const category = config.conventionalCommits ? (conventionalSection(headline) ?? OTHER) : OTHER;
      const author = input.people.who({ name: commit.authorName, email: commit.authorEmail, login: commit.authorLogin });
      loose.push({
        pr: undefined,
        backport: undefined,
        title: headline,
        note: undefined,
        url: undefined,
        author,
        authors: [...new Set([author, ...extraAuthors])],
        labels: [],
        category,
        actionRequired: false,
        commits: [commit.sha],
        mergedAt: commit.date,
        unresolvedCherryPick: false,
      });
      continue;
    }
    if (skipped.has(number)) continue;
    const existing = byPr.get(number);
    if (existing) {
      existing.commits.push(commit.sha);
      for (const a of extraAuthors) if (!existing.authors.includes(a)) existing.authors.push(a);
      continue;
    }
    const note = config.releaseNoteBlocks ? releaseNote(pr.body) : { text: undefined, none: false, actionRequired: false };
    const category = categorize(config, pr);
    if (note.none || category === undefined) {
      skipped.add(number);
      continue;
    }
    byPr.set(number, {
      pr: number,
      backport,
      title: pr.title,
      note: note.text,
      url: pr.url,
      author: input.people.who({ name: '', email: '', login: pr.author }),
      authors: [...new Set([pr.author, ...extraAuthors])],
      labels: pr.labels,
      category,
      actionRequired: note.actionRequired || pr.labels.includes('release-note-action-required'),
      commits: [commit.sha],
      mergedAt: pr.mergedAt,
      unresolvedCherryPick: unresolved,
    });
  }
  const entries = [...byPr.values(), ...unreadable.values(), ...loose];
  return entries.sort((a, b) => {
    const at = a.mergedAt ?? '';
    const bt = b.mergedAt ?? '';
    if (at !== bt) return at < bt ? -1 : 1;
    if ((a.pr ?? Infinity) !== (b.pr ?? Infinity)) return (a.pr ?? Infinity) - (b.pr ?? Infinity);
    return (a.commits[0] ?? '') < (b.commits[0] ?? '') ? -1 : 1;
  });
}
