import { UserError } from '@relkit/kit';

export const PLACEHOLDERS = ['tag', 'tags', 'version', 'name', 'repository', 'run_url', 'images'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Refuses `{unknown}` before anything is read or sent, naming the input. */
export function checkTemplate(template: string, input: string): void {
  for (const match of template.matchAll(/\{([a-z_-]+)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
      throw new UserError(`Input \`${input}\` uses {${match[1]}}, which relkit does not know.`, `Use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`, { input });
    }
  }
}

export function fillTemplate(template: string, values: Record<Placeholder, string>): string {
  return template.replace(/\{([a-z_-]+)\}/g, (whole, key: string) => ((PLACEHOLDERS as readonly string[]).includes(key) ? values[key as Placeholder] : whole));
}
