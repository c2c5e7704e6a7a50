import { escapeHtml } from './text.js';
import type { WriteRecord } from './writes.js';

export type Cell = string | number | boolean | null | undefined;

function escapeCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  return String(cell).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Builds GitHub-flavoured Markdown for the job summary; it never writes anything itself. */
export class SummaryBuilder {
  private readonly parts: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    this.parts.push(`${'#'.repeat(level)} ${text}`);
    return this;
  }

  paragraph(text: string): this {
    this.parts.push(text);
    return this;
  }

  list(items: readonly string[]): this {
    if (items.length > 0) this.parts.push(items.map((item) => `- ${item}`).join('\n'));
    return this;
  }

  table(header: readonly string[], rows: readonly (readonly Cell[])[]): this {
    const lines = [`| ${header.map(escapeCell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
    for (const row of rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
    this.parts.push(lines.join('\n'));
    return this;
  }

  details(summary: string, body: string): this {
    this.parts.push(`<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`);
    return this;
  }

  code(text: string, language = ''): this {
    const fence = text.includes('```') ? '~~~~' : '```';
    this.parts.push(`${fence}${language}\n${text}\n${fence}`);
    return this;
  }

  get isEmpty(): boolean {
    return this.parts.length === 0;
  }

  toMarkdown(): string {
    return this.parts.length === 0 ? '' : `${this.parts.join('\n\n')}\n`;
  }
}

const STATUS_LABEL: Record<WriteRecord['status'], string> = { done: 'done', planned: 'planned (mock)', failed: 'failed' };

/** The write plan as a summary section: what was (or in mock mode would have been) changed. */
export function writePlanSection(records: readonly WriteRecord[], mock: boolean): SummaryBuilder {
  const section = new SummaryBuilder().heading(mock ? 'Planned writes (mock mode: nothing was sent)' : 'Writes', 3);
  if (records.length === 0) return section.paragraph(mock ? 'No writes would be made.' : 'Nothing needed changing.');
  return section.table(
    ['', 'Method', 'Target', 'What', 'Status'],
    records.map((r, i) => [i + 1, r.method, `\`${r.target}\``, r.summary, r.error ? `${STATUS_LABEL[r.status]}: ${r.error}` : STATUS_LABEL[r.status]]),
  );
}
