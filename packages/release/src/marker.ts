import { hostname } from 'node:os';

/**
 * The run identity of a terminal run: no two parallel invocations share it, and a later run can
 * tell whether the process is still going (same host) from the pid in it.
 */
export function terminalRunId(now = Date.now()): string {
  return `local-${hostname()}-${process.pid}-${now}`;
}

const LOCAL_RUN = /^local-(.+)-(\d+)-(\d+)$/;
/** How long a draft made from a terminal on another machine counts as in progress. */
const FOREIGN_TERMINAL_MS = 6 * 3600_000;

/**
 * Whether the run that made a draft may still be working on it. Another workflow run is over:
 * release.yml runs one release per repository at a time (its concurrency group). A terminal run
 * is going while its process lives (same host), or for six hours (another host).
 */
export function runMayBeGoing(run: string, now = Date.now()): boolean {
  const local = LOCAL_RUN.exec(run);
  if (!local) return false;
  if (local[1] !== hostname()) return now - Number(local[3]) < FOREIGN_TERMINAL_MS;
  try {
    process.kill(Number(local[2]), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The hidden line that marks a draft as relkit's: which tag, which workflow run made it. */
export function marker(tag: string, run: string): string {
  return `<!-- relkit:draft-release tag=${encodeURIComponent(tag)} run=${encodeURIComponent(run)} -->`;
}

export function readMarker(body: string | null | undefined): { tag: string; run: string } | undefined {
  const m = /<!-- relkit:draft-release tag=(\S+) run=(\S+) -->/.exec(body ?? '');
  return m ? { tag: decodeURIComponent(m[1] ?? ''), run: decodeURIComponent(m[2] ?? '') } : undefined;
}

/** GitHub's limit on a release body. */
export const BODY_LIMIT = 125_000;

/**
 * The body with the marker appended, cut to GitHub's limit with a pointer to the full notes when
 * it is too long (and `truncated` says so, for the summary).
 */
export function composeBody(body: string, tag: string, run: string, fullNotesUrl: string | undefined): { body: string; truncated: boolean } {
  const mark = `\n\n${marker(tag, run)}`;
  if (body.length + mark.length <= BODY_LIMIT) return { body: `${body}${mark}`, truncated: false };
  const note = `\n\n… (truncated at GitHub's ${BODY_LIMIT.toLocaleString('en')}-character limit${fullNotesUrl ? `; full notes: ${fullNotesUrl}` : ''})`;
  const room = BODY_LIMIT - mark.length - note.length;
  const cut = body.slice(0, room);
  return { body: `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}${note}${mark}`, truncated: true };
}
