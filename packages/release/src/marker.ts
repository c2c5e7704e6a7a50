/** The hidden line that marks a draft as relkit's: which tag, which workflow run made it. */
export function marker(tag: string, run: string): string {
  return `<!-- relkit:draft-release tag=${encodeURIComponent(tag)} run=${encodeURIComponent(run)} -->`;
}

export function readMarker(body: string | null | undefined): { tag: string; run: string } | undefined {
  const m = /<!-- relkit:draft-release tag=(\S+) run=(\S+) -->/.exec(body ?? '');
  return m ? { tag: decodeURIComponent(m[1]!), run: decodeURIComponent(m[2]!) } : undefined;
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
