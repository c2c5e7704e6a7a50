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

export function report(name: string, latencyMs: number, rows: BenchRow[]): void {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${name}.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify({ name, date: new Date().toISOString(), node: process.versions.node, latencyMs, rows }, null, 2)}\n`);
  const lines = [`\n${name} (sandbox latency ${latencyMs} ms a request)`, '| scenario | requests | writes | median ms | runs |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.scenario} | ${r.requests} | ${r.writes} | ${r.medianMs} | ${r.runs} |`);
  console.log(lines.join('\n'));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
