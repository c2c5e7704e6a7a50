/** Runs `tasks` with at most `limit` in flight, keeping the results in task order. */
export async function runBounded<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++, task = tasks[index]; task; index = next++, task = tasks[index]) results[index] = await task();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}
