/** Who holds a lock. Re-runs of the same workflow run (any attempt) are the same holder. */
export interface Holder {
  /** Stable id written into the lock: `run 123`, or a user-given name. */
  id: string;
  /** Human description for logs and summaries. */
  description: string;
  url?: string;
}

export interface RunEnvironment {
  GITHUB_RUN_ID?: string;
  GITHUB_RUN_ATTEMPT?: string;
  GITHUB_REPOSITORY?: string;
  GITHUB_SERVER_URL?: string;
}

export function runUrl(env: RunEnvironment, runId: string, repository = env.GITHUB_REPOSITORY): string | undefined {
  if (!repository) return undefined;
  return `${(env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')}/${repository}/actions/runs/${runId}`;
}

/** The holder named by the `holder` input, else the current workflow run, else this machine's user. */
export function resolveHolder(given: string | undefined, env: RunEnvironment): Holder {
  if (given) return { id: given, description: given };
  if (env.GITHUB_RUN_ID) {
    const url = runUrl(env, env.GITHUB_RUN_ID);
    return {
      id: `run ${env.GITHUB_RUN_ID}`,
      description: `workflow run ${env.GITHUB_RUN_ID} (attempt ${env.GITHUB_RUN_ATTEMPT ?? '1'}) of ${env.GITHUB_REPOSITORY ?? 'this repository'}`,
      ...(url ? { url } : {}),
    };
  }
  const user = process.env.USER ?? 'someone';
  return { id: `local ${user}`, description: `relkit run from a terminal by ${user}` };
}

/** Where to look at the run that holds a lock, when the holder id is a run id. */
export function holderLink(holderId: string, env: RunEnvironment, repository: string): string {
  const run = /^run (\d+)$/.exec(holderId);
  const url = run ? runUrl(env, run[1] as string, repository) : undefined;
  return url ? `${holderId} (${url})` : holderId;
}
