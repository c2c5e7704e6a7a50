export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepRecord {
  id: string;
  name: string;
  /** Before continue-on-error. */
  outcome: 'success' | 'failure' | 'skipped';
  conclusion: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  log: string;
  summary: string;
  durationMs: number;
}

export interface JobRecord {
  id: string;
  name: string;
  result: JobResult;
  outputs: Record<string, string>;
  /** The attempt that produced this record (a re-run keeps successful jobs of earlier attempts). */
  attempt: number;
  /** When the job started (epoch milliseconds), for the report's timeline. */
  startedAt?: number;
  durationMs: number;
  /** One entry per matrix combination ({} without a matrix). */
  /** `attempt` is set on a leg kept from an earlier attempt by "Re-run failed jobs". */
  legs: Array<{ name: string; matrix: Record<string, unknown>; result: JobResult; steps: StepRecord[]; error?: string; attempt?: number }>;
  reason?: string;
  /** A job that calls a reusable workflow: that workflow's run. */
  called?: RunRecord;
  /** The called workflow as the first attempt loaded it: re-runs use it, not the ref's newer content. */
  calledSource?: { name: string; content: string };
}

export interface RunRecord {
  attempt: number;
  result: JobResult;
  jobs: Record<string, JobRecord>;
  /** Why the run failed before any job started (an invalid workflow). */
  error?: string;
}
