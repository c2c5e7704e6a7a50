/** What a commit message or PR says about where it came from. */

/** `Merge pull request #12 from …` (merge) or `Title (#12)` (squash), on the first line. */
export function prNumberFromMessage(message: string): number | undefined {
  const headline = message.split('\n', 1)[0] ?? '';
  const merge = /^Merge pull request #(\d+) /.exec(headline);
  if (merge) return Number(merge[1]);
  const squash = /\(#(\d+)\)\s*$/.exec(headline);
  return squash ? Number(squash[1]) : undefined;
}

/** The commit `git cherry-pick -x` names: `(cherry picked from commit <sha>)`. */
export function cherryPickedFrom(message: string): string | undefined {
  return /\(cherry picked from commit ([0-9a-f]{7,40})\)/.exec(message)?.[1];
}

/** The original PR a backport PR names: "Cherry pick of #N", "Automated cherry pick of #N", branch `cherry-pick-N-to-…`. */
export function backportOf(title: string, headRefName: string): number | undefined {
  const fromTitle = /^(?:\[[^\]]*\]\s*)?(?:automated\s+)?cherry[- ]pick(?:ed)?\s+of\s+#(\d+)/i.exec(title);
  if (fromTitle) return Number(fromTitle[1]);
  const fromBranch = /^cherry-pick-(\d+)-to-/.exec(headRefName);
  return fromBranch ? Number(fromBranch[1]) : undefined;
}

export interface CoAuthor {
  name: string;
  email: string;
  /** From a users.noreply.github.com address. */
  login: string | undefined;
}

export function coAuthors(message: string): CoAuthor[] {
  const found: CoAuthor[] = [];
  for (const m of message.matchAll(/^Co-authored-by:\s*(.+?)\s*<([^>]+)>\s*$/gim)) {
    const email = (m[2] ?? '').trim();
    const login = /^(?:\d+\+)?([A-Za-z0-9-]+(?:\[bot\])?)@users\.noreply\.github\.com$/i.exec(email)?.[1];
    found.push({ name: (m[1] ?? '').trim(), email, login });
  }
  return found;
}

export interface ReleaseNote {
  /** The note text, or undefined when the PR has no block. */
  text: string | undefined;
  /** The block says NONE / N/A: leave the PR out. */
  none: boolean;
  actionRequired: boolean;
}

/** A ```release-note fenced block in a PR body (Kubernetes' convention). */
export function releaseNote(body: string): ReleaseNote {
  const match = /```release-note\s*\r?\n([\s\S]*?)\r?\n?```/.exec(body);
  if (!match) return { text: undefined, none: false, actionRequired: false };
  const text = (match[1] ?? '').replace(/\r\n/g, '\n').trim();
  const none = /^(none|n\/a|na)\.?$/i.test(text);
  if (none || text === '') return { text: undefined, none, actionRequired: false };
  const actionRequired = /^action required:?/i.test(text);
  const stripped = actionRequired ? text.replace(/^action required:?\s*/i, '') : text;
  return { text: stripped.charAt(0).toUpperCase() + stripped.slice(1), none: false, actionRequired };
}

const CONVENTIONAL: Array<[string, string]> = [
  ['feat', 'Features'],
  ['fix', 'Bug Fixes'],
  ['perf', 'Performance'],
  ['docs', 'Documentation'],
  ['revert', 'Reverts'],
];

/** The section of a conventional commit headline (`feat(x)!: …`), or undefined for other headlines. */
export function conventionalSection(headline: string): string | undefined {
  const m = /^(\w+)(?:\([^)]*\))?!?:\s/.exec(headline);
  if (!m) return undefined;
  return CONVENTIONAL.find(([type]) => type === (m[1] ?? '').toLowerCase())?.[1] ?? 'Other Changes';
}
