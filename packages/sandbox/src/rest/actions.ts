import { HttpError, notFound, paginate, type RequestContext, type Router } from '../http.js';
import { fullName, type Repository, type WorkflowJob } from '../model.js';
import { canRead, inScope } from '../rules.js';
import { nodeId, repoUrl } from '../serialize.js';

/**
 * The jobs of a workflow run: "GitHub Apps must have the actions:read permission to use this
 * endpoint" (GITHUB_TOKEN: `actions: read`), anyone who can read a public repository otherwise.
 * https://docs.github.com/en/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run-attempt
 */
function readableJobs(ctx: RequestContext): { repo: Repository; jobs: WorkflowJob[] } {
  const repo = ctx.repo();
  const identity = ctx.identity;
  if (identity && identity.kind !== 'user' && (!inScope(repo, identity) || identity.permissions?.actions === undefined)) throw new HttpError(403, 'Resource not accessible by integration');
  if (!canRead(repo, identity)) throw notFound();
  const runId = Number(ctx.params.run_id);
  const jobs = (ctx.state.workflowJobs.get(fullName(repo).toLowerCase()) ?? []).filter((j) => j.runId === runId);
  if (jobs.length === 0) throw notFound();
  return { repo, jobs };
}

/** GitHub writes these times to the second: `2026-10-01T12:00:00Z`. */
const seconds = (iso: string | null) => iso?.replace(/\.\d+Z$/, 'Z') ?? null;

function jobJson(ctx: RequestContext, repo: Repository, job: WorkflowJob): Record<string, unknown> {
  const run = `${repoUrl(ctx.urls, repo)}/actions/runs/${job.runId}`;
  return {
    id: job.id,
    run_id: job.runId,
    run_url: run,
    run_attempt: job.attempt,
    node_id: nodeId('CR_', job.id),
    head_sha: job.headSha,
    url: `${repoUrl(ctx.urls, repo)}/actions/jobs/${job.id}`,
    html_url: `${ctx.urls.html}/${fullName(repo)}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: seconds(job.startedAt),
    started_at: seconds(job.startedAt),
    completed_at: seconds(job.completedAt),
    name: job.name,
    steps: [],
    check_run_url: `${repoUrl(ctx.urls, repo)}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: 1,
    runner_name: 'GitHub Actions 1',
    runner_group_id: 0,
    runner_group_name: 'GitHub Actions',
    workflow_name: job.workflowName,
    head_branch: job.headBranch,
  };
}

function listed(ctx: RequestContext, repo: Repository, jobs: WorkflowJob[], path: string) {
  const page = paginate(ctx, jobs, path);
  return { status: 200, body: { total_count: jobs.length, jobs: page.items.map((j) => jobJson(ctx, repo, j)) }, headers: page.headers };
}

export function registerActionsRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs', (ctx) => {
    const { repo, jobs } = readableJobs(ctx);
    const attempt = Number(ctx.params.attempt_number);
    return listed(
      ctx,
      repo,
      jobs.filter((j) => j.attempt === attempt),
      `/repos/${fullName(repo)}/actions/runs/${ctx.params.run_id}/attempts/${attempt}/jobs`,
    );
  });
  // filter=latest (the default): each job as its newest attempt left it; filter=all: every attempt's.
  router.add('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', (ctx) => {
    const { repo, jobs } = readableJobs(ctx);
    const all = ctx.query.get('filter') === 'all';
    const byAttempt = [...jobs].sort((a, b) => a.attempt - b.attempt);
    const latest = all ? byAttempt : [...new Map(byAttempt.map((j) => [j.name, j])).values()];
    return listed(ctx, repo, latest, `/repos/${fullName(repo)}/actions/runs/${ctx.params.run_id}/jobs`);
  });
}
