/**
 * What the runner does to a job's log: every secret of the `secrets` context, and every value a
 * step registered with `::add-mask::`, is shown as `***`; the add-mask commands themselves are
 * consumed. Multi-line secrets (a PEM key) are masked line by line, as the runner does.
 * https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions
 * ("Redacting secrets from workflow run logs") and workflow commands ("Masking a value in a log").
 */
export class LogMasker {
  private readonly values = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(value: string): void {
    for (const line of value.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length > 0) this.values.add(trimmed);
    }
  }

  /** Whether a text holds a masked value (the runner then keeps a job output back). */
  reveals(text: string): boolean {
    for (const value of this.values) if (text.includes(value)) return true;
    return false;
  }

  /** The log as the run page shows it; add-mask lines register their values first. */
  apply(log: string): string {
    const kept: string[] = [];
    for (const line of log.split('\n')) {
      const mask = /^::add-mask::(.*)$/.exec(line);
      if (mask) this.add((mask[1] ?? '').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
      else kept.push(line);
    }
    // Longest first, so a secret that contains another is masked whole.
    const ordered = [...this.values].sort((a, b) => b.length - a.length);
    return kept.map((line) => ordered.reduce((text, value) => text.split(value).join('***'), line)).join('\n');
  }
}
