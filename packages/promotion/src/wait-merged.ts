import { formatDuration, UserError, type GitHubGraphql, type Logger } from '@relkit/kit';

export interface MergeWait {
  merged: boolean;
  mergeCommit: string | undefined;
  waitedMs: number;
}

const STATE = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) { state merged mergeCommit { oid } } }
}`;

/**
 * The client to wait with: `preferred` (the job's GITHUB_TOKEN, which lives as long as the job) when
 * it can see the pull request, else `fallback` (the token that opened it; an App installation token
 * expires after an hour, so a long wait with it ends in 401).
 */
export async function mergeReader(preferred: GitHubGraphql | undefined, fallback: GitHubGraphql, pull: { owner: string; repo: string; number: number }, log: Logger): Promise<GitHubGraphql> {
  if (!preferred) return fallback;
  try {
    await preferred(STATE, { owner: pull.owner, name: pull.repo, number: pull.number });
    return preferred;
  } catch (error) {
    log(`wait-token cannot read ${pull.owner}/${pull.repo}#${pull.number} (${(error as Error).message.split('\n')[0]}); waiting with \`token\`, which must outlive the wait.`);
    return fallback;
  }
}

/**
 * Blocks until the pull request is merged, as a Kubernetes release waits for its promotion PR:
 * a pull request closed without merging, or still open at the timeout, fails the step.
 */
export async function waitForMerge(options: {
  graphql: GitHubGraphql;
  owner: string;
  repo: string;
  number: number;
  url: string;
  timeoutMs: number;
  intervalMs: number;
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}): Promise<MergeWait> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  let reminded = started;
  options.log(`Waiting up to ${formatDuration(options.timeoutMs)} for ${options.url} to be merged.`);
  for (;;) {
    const result = await options.graphql<{ repository: { pullRequest: { state: string; merged: boolean; mergeCommit: { oid: string } | null } } }>(STATE, {
      owner: options.owner,
      name: options.repo,
      number: options.number,
    });
    const pull = result.repository.pullRequest;
    const waitedMs = now() - started;
    if (pull.merged) {
      options.log(`${options.url} is merged${pull.mergeCommit ? ` as ${pull.mergeCommit.oid.slice(0, 12)}` : ''} after ${formatDuration(waitedMs)}.`);
      return { merged: true, mergeCommit: pull.mergeCommit?.oid, waitedMs };
    }
    if (pull.state === 'CLOSED') {
      throw new UserError(`${options.url} was closed without being merged, so the promotion did not happen.`, 'Reopen it (or close it on purpose and re-run the release to open a new one).', {
        input: 'wait-merged',
      });
    }
    if (waitedMs >= options.timeoutMs) {
      throw new UserError(
        `${options.url} was not merged within ${formatDuration(options.timeoutMs)}.`,
        'Get it reviewed and merged, then re-run this job: it finds the same pull request and waits again. Raise `merge-timeout` to wait longer.',
        { input: 'merge-timeout' },
      );
    }
    if (now() - reminded >= 10 * 60_000) {
      reminded = now();
      options.log(`Still waiting for ${options.url} (${formatDuration(waitedMs)} so far).`);
    }
    await sleep(Math.min(options.intervalMs, Math.max(0, options.timeoutMs - waitedMs)));
  }
}
