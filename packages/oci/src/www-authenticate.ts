export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header into its challenges, including several in one header as Quay
 * sends them (`Basic realm="…", Bearer realm="…",service="…"`).
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = () => {
    while (i < header.length && /[\s,]/.test(header[i] ?? '')) i++;
  };
  while (i < header.length) {
    skip();
    const scheme = /^[A-Za-z][\w-]*/.exec(header.slice(i))?.[0];
    if (!scheme) break;
    i += scheme.length;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip();
      const param = /^([\w-]+)\s*=\s*/.exec(header.slice(i));
      if (!param) break;
      i += param[0].length;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === '\\') i++;
          value += header[i++] ?? '';
        }
        i++;
      } else {
        const raw = /^[^,\s]*/.exec(header.slice(i))?.[0] ?? '';
        value = raw;
        i += raw.length;
      }
      challenge.params[(param[1] ?? '').toLowerCase()] = value;
    }
  }
  return challenges;
}
