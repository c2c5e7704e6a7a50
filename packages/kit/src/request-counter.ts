/** Counts every HTTP request that really left the process, retries included. */
export class RequestCounter {
  total = 0;
  graphql = 0;
  readonly byMethod: Record<string, number> = {};

  record(method: string, url: string): void {
    this.total += 1;
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
    if (/\/graphql(\?|$)/.test(url)) this.graphql += 1;
  }

  toJSON(): { total: number; graphql: number; byMethod: Record<string, number> } {
    return { total: this.total, graphql: this.graphql, byMethod: { ...this.byMethod } };
  }
}
