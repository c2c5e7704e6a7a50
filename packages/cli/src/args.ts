import { UserError } from '@relkit/kit';

/** `--name value`, `--name=value` and bare `--flag` (true); everything else is positional. */
export function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags.set(arg.slice(2), next);
      i++;
    } else flags.set(arg.slice(2), 'true');
  }
  return { positional, flags };
}

/** Refuses a flag the command does not know, with its usage as the fix: a typo must not run the default. */
export function refuseUnknownFlags(command: string, flags: Map<string, string>, known: readonly string[], usage: string): void {
  for (const flag of flags.keys()) {
    if (!known.includes(flag) && flag !== 'help') throw new UserError(`\`--${flag}\` is not a flag of relkit ${command}.`, usage);
  }
}
