/** The combinations a `strategy.matrix` expands to, with include/exclude as GitHub applies them. */
export function expandMatrix(matrix: unknown): Array<Record<string, unknown>> {
  if (matrix === undefined || matrix === null) return [{}];
  if (typeof matrix !== 'object' || Array.isArray(matrix)) throw new Error('strategy.matrix must be a mapping');
  const { include, exclude, ...axes } = matrix as Record<string, unknown>;
  let combinations: Array<Record<string, unknown>> = [{}];
  for (const [key, values] of Object.entries(axes)) {
    if (!Array.isArray(values)) throw new Error(`strategy.matrix.${key} must be a list`);
    // GitHub fails such a job rather than running it once without the value.
    if (values.length === 0) throw new Error(`Matrix vector '${key}' does not contain any values`);
    const list: unknown[] = values;
    combinations = combinations.flatMap((c) => list.map((v) => ({ ...c, [key]: v })));
  }
  if (Object.keys(axes).length === 0) combinations = [];
  const matches = (combination: Record<string, unknown>, filter: Record<string, unknown>) => Object.entries(filter).every(([k, v]) => JSON.stringify(combination[k]) === JSON.stringify(v));
  if (Array.isArray(exclude)) combinations = combinations.filter((c) => !exclude.some((e) => matches(c, e as Record<string, unknown>)));
  for (const extra of Array.isArray(include) ? (include as Array<Record<string, unknown>>) : []) {
    // An include extends every combination whose original values it does not contradict; else it is added.
    const original = Object.keys(axes);
    const targets = combinations.filter((c) => original.every((k) => !(k in extra) || JSON.stringify(c[k]) === JSON.stringify(extra[k])));
    if (targets.length > 0 && original.some((k) => k in extra)) for (const t of targets) Object.assign(t, extra);
    else combinations.push({ ...extra });
  }
  return combinations.length > 0 ? combinations : [{}];
}
