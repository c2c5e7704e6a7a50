/** What the sandbox does to a request that a fault rule catches. */
/** `lost` carries the request out and then drops the connection: the write landed, the answer never arrived. */
export type FaultKind = 'status' | 'secondary-limit' | 'rate-limit' | 'reset' | 'hang' | 'lost';

export interface FaultRule {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Substring of the request path, or a regular expression written as `/…/`. */
  path: string;
  /** Fail starting with the nth matching request (1 = the first). */
  nth?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  kind?: FaultKind;
  /** For `status`: the status to answer with (e.g. 500, 502, 503, 429). */
  status?: number;
  /** Seconds for a `retry-after` header (status 429/503, secondary-limit) or until the reset (rate-limit). */
  retryAfter?: number;
  /** Optional response body for `status`. */
  message?: string;
}

type ActiveRule = FaultRule & { id: number; seen: number; fired: number; nth: number; times: number; kind: FaultKind };

/** Fails chosen requests on demand: the Nth request matching a method and path, a number of times. */
export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ ...rule, id, nth: rule.nth ?? 1, times: rule.times ?? 1, kind: rule.kind ?? 'status', seen: 0, fired: 0 });
    return id;
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly (FaultRule & { id: number; seen: number; fired: number })[] {
    return this.rules;
  }

  /** Called once a request; returns the rule that fires for it, if any. */
  match(method: string, path: string): ActiveRule | undefined {
    // Every rule counts every request it matches, so `nth` means the same whatever other rules fire.
    let firing: ActiveRule | undefined;
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      const pattern = rule.path;
      const matches =
        pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/') && !pattern.startsWith('//') && /[\\^$.*+?()[\]{}|]/.test(pattern)
          ? new RegExp(pattern.slice(1, -1)).test(path)
          : path.includes(pattern);
      if (!matches) continue;
      rule.seen += 1;
      if (!firing && rule.seen >= rule.nth && rule.fired < rule.times) {
        rule.fired += 1;
        firing = rule;
      }
    }
    return firing;
  }
}
