import { mkdirSync, writeFileSync } from 'node:fs';

export interface BenchRow {
  scenario: string;
  /** HTTP requests the action sent (retries included), as the sandbox counted them. */
  requests: number;
  writes: number;
  /** Wall time of the step with the sandbox's latency, median of the runs. */
  medianMs: number;
  runs: number;
}

/**
 * Writes bench/results/<name>.json and prints the rows as a Markdown table (columns in the order
 * of the first row's keys). `context` says what the figures were measured under.
 */
export function report(name: string, context: string | number, rows: ReadonlyArray<Record<string, string | number>>): void {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${name}.json`, import.meta.url);
  const meta = typeof context === 'number' ? { latencyMs: context } : { context };
  writeFileSync(file, `${JSON.stringify({ name, date: new Date().toISOString(), node: process.versions.node, ...meta, rows }, null, 2)}\n`);
  const columns = Object.keys(rows[0] ?? {});
  const numeric = columns.map((c) => typeof rows[0]?.[c] === 'number');
  const lines = [
    `\n${name} (${typeof context === 'number' ? `sandbox latency ${context} ms a request` : context})`,
    `| ${columns.join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${columns.map((c) => r[c]).join(' | ')} |`),
  ];
  console.log(lines.join('\n'));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
