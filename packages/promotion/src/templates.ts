import { unknownPlaceholders, UserError } from '@relkit/kit';

export const PLACEHOLDERS = ['tag', 'tags', 'version', 'name', 'repository', 'run_url', 'images'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Refuses `{unknown}` before anything is read or sent, naming the input. */
export function checkTemplate(template: string, input: string): void {
  const [unknown] = unknownPlaceholders(template, PLACEHOLDERS);
  if (unknown !== undefined) throw new UserError(`Input \`${input}\` uses {${unknown}}, which relkit does not know.`, `Use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`, { input });
}
