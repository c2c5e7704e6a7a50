/**
 * How long a job may run. `jobs.<id>.timeout-minutes` defaults to 360, after which GitHub cancels
 * the job; on GitHub-hosted runners no job runs longer than 6 hours whatever the setting.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idtimeout-minutes
 * https://docs.github.com/en/actions/reference/actions-limits ("Job execution time")
 */
export const DEFAULT_JOB_MINUTES = 360;
export const HOSTED_JOB_MINUTES = 360;

const HOSTED_LABEL = /^(ubuntu|windows|macos)-/;

/** Whether `runs-on` names a GitHub-hosted runner image (ubuntu-latest, ubuntu-24.04, macos-15, windows-2025, …). */
export function isHostedRunner(runsOn: unknown): boolean {
  const labels = Array.isArray(runsOn) ? runsOn : [runsOn];
  return labels.some((label) => typeof label === 'string' && HOSTED_LABEL.test(label));
}

/** The minutes a job gets: its timeout-minutes (or the default), capped on hosted runners. */
export function jobMinutes(timeoutMinutes: unknown, runsOn: unknown): { minutes: number; capped: boolean } {
  const asked = timeoutMinutes === undefined || timeoutMinutes === null || timeoutMinutes === '' ? DEFAULT_JOB_MINUTES : Number(timeoutMinutes);
  if (!Number.isFinite(asked) || asked <= 0) throw new Error(`timeout-minutes ${String(timeoutMinutes)} is not a positive number of minutes`);
  if (isHostedRunner(runsOn) && asked > HOSTED_JOB_MINUTES) return { minutes: HOSTED_JOB_MINUTES, capped: true };
  return { minutes: asked, capped: false };
}

/** GitHub's words for a job stopped at its limit. */
export function timeoutMessage(minutes: number): string {
  return `The job running on runner GitHub Actions has exceeded the maximum execution time of ${minutes} minutes.`;
}
