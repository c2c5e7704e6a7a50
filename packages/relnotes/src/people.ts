import type { RangeCommit } from './range.js';

export interface Person {
  name: string;
  email: string;
  login: string | undefined;
}

interface MailmapEntry {
  properName: string | undefined;
  properEmail: string | undefined;
  commitName: string | undefined;
  commitEmail: string;
}

/**
 * A `.mailmap` as git reads it (gitmailmap(5)): `Proper Name <proper@email> Commit Name
 * <commit@email>` and its shorter forms; emails compare without case, `#` starts a comment.
 */
export function parseMailmap(text: string): MailmapEntry[] {
  const entries: MailmapEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const parts = [...line.matchAll(/\s*([^<]*?)\s*<([^>]*)>/g)].map((m) => ({ name: m[1] || undefined, email: (m[2] ?? '').trim() }));
    const [proper, commit] = parts;
    if (proper && !commit) entries.push({ properName: proper.name, properEmail: undefined, commitName: undefined, commitEmail: proper.email.toLowerCase() });
    else if (proper && commit) entries.push({ properName: proper.name, properEmail: proper.email, commitName: commit.name, commitEmail: commit.email.toLowerCase() });
  }
  return entries;
}

/**
 * Who people are in the notes: the `.mailmap` folds a person's names and addresses into one, and an
 * address that any commit of the range ties to a GitHub login stands for that login, so one person
 * is one contributor. Someone with no login is shown by name, never as an `@mention`.
 */
export class People {
  private readonly loginOf = new Map<string, string>();
  private readonly names = new Set<string>();
  private readonly logins = new Set<string>();

  constructor(
    commits: RangeCommit[],
    private readonly mailmap: MailmapEntry[],
  ) {
    for (const c of commits) if (c.authorLogin) this.loginOf.set(this.canonical({ name: c.authorName, email: c.authorEmail, login: undefined }).email, c.authorLogin);
  }

  private canonical(person: Person): { name: string; email: string } {
    const email = person.email.toLowerCase();
    const match =
      this.mailmap.find((m) => m.commitEmail === email && m.commitName !== undefined && m.commitName === person.name) ??
      this.mailmap.find((m) => m.commitEmail === email && m.commitName === undefined);
    return { name: match?.properName ?? person.name, email: (match?.properEmail ?? person.email).toLowerCase() };
  }

  /** The identity a person is credited under: their login when known, else their (mailmapped) name. */
  who(person: Person): string {
    if (person.login) {
      this.logins.add(person.login);
      return person.login;
    }
    const canonical = this.canonical(person);
    const login = this.loginOf.get(canonical.email) ?? /^(?:\d+\+)?([A-Za-z0-9-]+(?:\[bot\])?)@users\.noreply\.github\.com$/i.exec(canonical.email)?.[1];
    if (login) {
      this.logins.add(login);
      return login;
    }
    this.names.add(canonical.name);
    return canonical.name;
  }

  /** Identities credited by name because no login is known for them. */
  nameOnly(): string[] {
    return [...this.names].filter((name) => !this.logins.has(name)).sort();
  }
}
