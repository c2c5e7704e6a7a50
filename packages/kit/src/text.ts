/** `text` as a regular expression that matches exactly it (slashes too, for `/…/` spec bodies). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `text` safe in HTML text and in a quoted attribute value. */
export function escapeHtml(text: string): string {
  const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

const PLACEHOLDER = /\{([a-z][a-z_-]*)\}/g;

/**
 * relkit's one template syntax: `{name}` filled from `values`. A name `values` lacks stays as
 * written, so text such as `{{ .Values }}` passes through; callers refuse unknown names first.
 */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? (values[name] ?? whole) : whole));
}

/** The `{name}` placeholders of `template` that are not among `known`, for an error before any work. */
export function unknownPlaceholders(template: string, known: readonly string[]): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((name) => !known.includes(name));
}
