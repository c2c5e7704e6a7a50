import { mkdirSync } from 'node:fs';
import { UserError } from '@relkit/kit';
import { join } from 'node:path';
import type { Job, ReusableWorkflowJob, WorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import { asString, evaluateExpression, truthy, type StatusScope } from './expressions.js';
import { expandMatrix } from './matrix.js';
import type { JobRecord, JobResult, RunRecord } from './records.js';
import { runLeg, stringMap } from './job-steps.js';
import { evaluateToken } from './tokens.js';
import { loadWorkflow, type LoadedWorkflow } from './workflow.js';
import { unresolvedMessage } from './platform/action-refs.js';
import { secretsForCalledWorkflow } from './platform/secrets.js';
import { effectivePermissions, nestedPermissionExcess, parsePermissions, type Permissions } from './platform/permissions.js';

export interface ActionCall {
  uses: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  workspace: string;
  /** Files shared by the jobs of one run (artifacts). */
  runDir: string;
  /** The github context, for input defaults like `${{ github.token }}`. */
  github: Record<string, unknown>;
  /** What is left of the job's time: the step is stopped after it. */
  timeoutMs?: number;
  /** Finds the actions a composite action's steps use, as the job's own are found. */
  resolve?: (uses: string) => ActionHandler | undefined;
}

export interface ActionOutcome {
  failed: boolean;
  outputs: Record<string, string>;
  exportedEnv?: Record<string, string>;
  /** Folders added to PATH for the later steps (GITHUB_PATH). */
  path?: string[];
  summary?: string;
  log: string;
  /** A post step, run when the job ends (after every main step), whatever happened. */
  post?: () => Promise<ActionOutcome>;
}

export type ActionHandler = ((call: ActionCall) => Promise<ActionOutcome>) & {
  unresolved?: string;
  /** An action the cache lacks: where its tree would go, so it can be downloaded. */
  missing?: { owner: string; repo: string; ref: string; path: string };
};

/** What a finder returns for an action it knows whose ref names no version: the job fails at set-up. */
export function unresolvedAction(uses: string): ActionHandler {
  const message = unresolvedMessage(uses);
  return Object.assign(async () => ({ failed: true, outputs: {}, log: `${message}\n` }), { unresolved: message });
}

export interface RunWorkflowOptions {
  workflow: LoadedWorkflow;
  /** workflow_call inputs as the caller passes them; defaults come from the workflow. */
  inputs: Record<string, unknown>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** The github context: repository, sha, ref, run_id, server_url, api_url, … */
  github: Record<string, unknown>;
  /** Environment every step starts from (GITHUB_API_URL and the like, PATH, HOME). */
  env: Record<string, string>;
  /** Finds what runs a `uses:`; undefined makes the step fail loudly. */
  actions: (uses: string) => ActionHandler | undefined;
  /** Where job workspaces and artifacts go. */
  workdir: string;
  /** "Re-run failed jobs": the earlier attempt, whose successful jobs are kept. */
  previous?: RunRecord;
  log?: (line: string) => void;
  /** Jobs in flight at most. */
  concurrency?: number;
  /** Loads the workflow a job calls (`uses: ./.github/workflows/x.yml`), from the caller's commit. */
  loadCalled?: (ref: string) => Promise<LoadedWorkflow>;
  /** Artifacts folder shared with the caller (a called workflow's jobs are jobs of the caller's run). */
  runDir?: string;
  /** The run attempt, for a called workflow (it is the caller's). */
  attempt?: number;
  /**
   * Mints each job's GITHUB_TOKEN with its effective permissions (API scope names), revoked when the
   * job ends; without it every job gets `github.token` as given.
   */
  jobToken?: (permissions: Permissions) => { token: string; revoke: () => void };
  /** What the calling job's GITHUB_TOKEN may do: a called workflow's jobs get no more. */
  permissionsCap?: Permissions;
  /** Adjusts the `with:` a job passes to a called workflow (the rehearsal points images at its registry). */
  callInputs?: (ref: string, inputs: Record<string, unknown>) => Record<string, unknown>;
  /** Hears each job (each matrix leg) start and end, named as the Actions UI names it. */
  onJob?: (event: JobEvent) => void;
}

export interface JobEvent {
  name: string;
  attempt: number;
  status: 'in_progress' | 'completed';
  conclusion?: JobResult;
  startedAt: number;
  completedAt?: number;
}

function isJob(job: WorkflowJob): job is Job {
  return job.type === 'job';
}

type AnyJob = Job | ReusableWorkflowJob;

function inputsWithDefaults(workflow: LoadedWorkflow, given: Record<string, unknown>): Record<string, unknown> {
  const definitions = workflow.template.events.workflow_call?.inputs ?? workflow.template.events.workflow_dispatch?.inputs ?? {};
  const inputs: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const raw = name in given ? given[name] : definition.default;
    if (raw === undefined && definition.required) throw new UserError(`${workflow.name} requires the input \`${name}\`, and it was not given.`, `Pass \`${name}\`.`, { input: name });
    const value = typeof raw === 'object' && raw !== null && 'value' in raw ? raw.value : raw;
    // workflow_call also takes number inputs, which the parser's InputType leaves out.
    const type: string = definition.type;
    inputs[name] = type === 'boolean' ? value === true || value === 'true' : type === 'number' ? Number(value) : (value ?? '');
  }
  for (const name of Object.keys(given)) {
    if (!(name in definitions)) throw new UserError(`${workflow.name} has no input \`${name}\`.`, `Use its inputs: ${Object.keys(definitions).join(', ')}.`, { input: name });
  }
  return inputs;
}

/** Jobs of the earlier attempt that failed, and everything that depends on them: these run again. */
function jobsToRerun(jobs: AnyJob[], previous: RunRecord | undefined): Set<string> {
  const ids = jobs.map((j) => j.id.value);
  if (!previous) return new Set(ids);
  const rerun = new Set(ids.filter((id) => previous.jobs[id]?.result !== 'success' && previous.jobs[id]?.result !== 'skipped'));
  // A skipped job reruns when something it needs reruns (its condition may now hold).
  let grew = true;
  while (grew) {
    grew = false;
    for (const job of jobs) {
      if (rerun.has(job.id.value)) continue;
      if ((job.needs ?? []).some((n) => rerun.has(n.value))) {
        rerun.add(job.id.value);
        grew = true;
      }
    }
  }
  return rerun;
}

/**
 * Runs a workflow's jobs as GitHub would: in `needs` order (independent jobs concurrently), each
 * job's `if` against its needs, matrices expanded, steps in order with their own `if`, outputs
 * evaluated at the end; post steps run last, whatever happened.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunRecord> {
  const log = options.log ?? (() => {});
  const attempt = options.attempt ?? (options.previous?.attempt ?? 0) + 1;
  const jobs: AnyJob[] = options.workflow.template.jobs;
  const inputs = inputsWithDefaults(options.workflow, options.inputs);
  const github = { ...options.github, run_attempt: String(attempt) };
  const runDir = options.runDir ?? join(options.workdir, 'run');
  mkdirSync(runDir, { recursive: true });
  const rerun = jobsToRerun(jobs, options.previous);
  const records: Record<string, JobRecord> = {};
  for (const job of jobs) {
    const id = job.id.value;
    if (!rerun.has(id) && options.previous?.jobs[id]) records[id] = options.previous.jobs[id];
  }
  const workflowEnv = (evaluateToken(options.workflow.template.env, { github, inputs, vars: options.vars ?? {}, secrets: options.secrets ?? {} }) ?? {}) as Record<string, unknown>;
  const called = await loadCalledWorkflows(jobs, options);
  const refused = refusedCall(jobs, called, options);
  if (refused) {
    log(refused);
    return { attempt, result: 'failure', jobs: records, error: refused };
  }

  const running = new Map<string, Promise<void>>();
  const limit = options.concurrency ?? 4;
  for (;;) {
    const waiting = jobs.filter((j) => !records[j.id.value] && !running.has(j.id.value));
    if (waiting.length === 0 && running.size === 0) break;
    const ready = waiting.filter((j) => (j.needs ?? []).every((n) => records[n.value]));
    for (const job of ready.slice(0, Math.max(0, limit - running.size))) {
      const id = job.id.value;
      const scope = { ...options, inputs, github, workflowEnv, runDir, attempt, records, log, called };
      const task = (isJob(job) ? runJob(job, scope) : runCalledWorkflow(job, scope))
        .then((record) => {
          records[id] = record;
        })
        .finally(() => running.delete(id));
      running.set(id, task);
    }
    if (running.size === 0) throw new Error(`jobs ${waiting.map((j) => j.id.value).join(', ')} wait for each other`);
    await Promise.race(running.values());
  }
  const results = Object.values(records).map((r) => r.result);
  const result: JobResult = results.includes('failure') ? 'failure' : results.includes('cancelled') ? 'cancelled' : 'success';
  return { attempt, result, jobs: records };
}

/** The permissions a job calling a reusable workflow grants it: its own, else its workflow's, within the cap. */
function grantedTo(workflow: LoadedWorkflow, id: string, cap: Permissions | undefined): Permissions {
  return effectivePermissions(parsePermissions(evaluateToken(workflow.rawJob(id, 'permissions'), {})), parsePermissions(evaluateToken(workflow.rawTop('permissions'), {})), cap);
}

/**
 * The workflows the run's jobs call, loaded once when the run starts. "Re-run failed jobs" runs a
 * called workflow as the first attempt had it, even if its ref (a branch or tag) has moved since.
 * https://docs.github.com/en/actions/how-tos/manage-workflow-runs/re-run-workflows-and-jobs#re-running-workflows-and-jobs-with-reusable-workflows
 */
async function loadCalledWorkflows(jobs: AnyJob[], options: RunWorkflowOptions): Promise<Map<string, LoadedWorkflow>> {
  const loaded = new Map<string, LoadedWorkflow>();
  for (const job of jobs) {
    if (isJob(job) || !options.loadCalled) continue;
    const first = options.previous?.jobs[job.id.value]?.calledSource;
    loaded.set(job.id.value, first ? await loadWorkflow(first.name, first.content) : await options.loadCalled(job.ref.value));
  }
  return loaded;
}

/** What GitHub checks before a run starts: no called workflow's job asks for more than its caller grants. */
function refusedCall(jobs: AnyJob[], loaded: Map<string, LoadedWorkflow>, options: RunWorkflowOptions): string | undefined {
  for (const job of jobs) {
    const called = loaded.get(job.id.value);
    if (!called || isJob(job)) continue;
    const id = job.id.value;
    const top = parsePermissions(evaluateToken(called.rawTop('permissions'), {}));
    const nested = called.template.jobs.map((j) => ({ id: j.id.value, declared: parsePermissions(evaluateToken(called.rawJob(j.id.value, 'permissions'), {})) ?? top }));
    const excess = nestedPermissionExcess(nested, grantedTo(options.workflow, id, options.permissionsCap));
    if (excess)
      return `The workflow is not valid. ${options.workflow.name} (job ${id}): Error calling workflow '${job.ref.value}'. The nested job '${excess.job}' is requesting '${excess.scope}: ${excess.level}', but is only allowed '${excess.scope}: ${excess.allowed}'. Grant it in the calling job's permissions.`;
  }
  return undefined;
}

export interface JobScope extends Omit<RunWorkflowOptions, 'inputs' | 'github'> {
  inputs: Record<string, unknown>;
  github: Record<string, unknown>;
  workflowEnv: Record<string, unknown>;
  runDir: string;
  attempt: number;
  records: Record<string, JobRecord>;
  log: (line: string) => void;
  /** The workflows this run's jobs call, by job id, loaded when the run started. */
  called: Map<string, LoadedWorkflow>;
}

function needsContext(job: AnyJob, records: Record<string, JobRecord>): Record<string, unknown> {
  // A job runs only once every job it needs has a record, so each lookup finds one.
  return Object.fromEntries((job.needs ?? []).map((n) => [n.value, { result: records[n.value]?.result, outputs: records[n.value]?.outputs ?? {} }]));
}

/**
 * What every job starts with, plain or calling a workflow: the contexts its expressions see, and its
 * `if` against its needs (skipped when false, failed when it cannot be evaluated: `done`).
 */
/** Every job `id` depends on, directly or through other jobs. */
function ancestorsOf(id: string, scope: JobScope): string[] {
  const byId = new Map(scope.workflow.template.jobs.map((job) => [job.id.value, job]));
  const seen = new Set<string>();
  const visit = (jobId: string) => {
    for (const need of byId.get(jobId)?.needs ?? []) {
      if (seen.has(need.value)) continue;
      seen.add(need.value);
      visit(need.value);
    }
  };
  visit(id);
  return [...seen];
}

function beginJob(job: AnyJob, scope: JobScope, needs: Record<string, unknown>, name: string, started: number): { base: Record<string, unknown>; record: JobRecord; done?: JobRecord } {
  const id = job.id.value;
  const needResults = Object.values(needs).map((n) => (n as { result: JobResult }).result);
  // failure() of a job looks at every ancestor, not only the jobs it needs directly: "If you have a
  // chain of dependent jobs, failure() returns true if any ancestor job fails."
  // https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#failure
  const ancestorFailed = ancestorsOf(id, scope).some((ancestor) => scope.records[ancestor]?.result === 'failure');
  const status: StatusScope = { success: needResults.every((r) => r === 'success'), failure: ancestorFailed, cancelled: false };
  const base = { github: scope.github, inputs: scope.inputs, vars: scope.vars ?? {}, needs };
  const record: JobRecord = { id, name, result: 'skipped', outputs: {}, attempt: scope.attempt, startedAt: started, durationMs: 0, legs: [] };
  let condition: unknown;
  try {
    condition = evaluateToken(job.if, base, status);
  } catch (error) {
    return { base, record, done: { ...record, result: 'failure', reason: (error as Error).message, durationMs: Date.now() - started } };
  }
  if (!truthy(condition)) {
    scope.log(`${id}: skipped (if: ${job.if.expression})`);
    return { base, record, done: { ...record, reason: `if: ${job.if.expression}` } };
  }
  return { base, record };
}

async function runJob(job: Job, scope: JobScope): Promise<JobRecord> {
  const started = Date.now();
  const id = job.id.value;
  const needs = needsContext(job, scope.records);
  // A matrix job's name may use the matrix: each leg gets its own, the job keeps the first.
  const nameOf = (matrix: Record<string, unknown>) => (job.name ? asString(evaluateToken(job.name, { github: scope.github, inputs: scope.inputs, needs, matrix, strategy: {} })) : id);
  let name = id;
  try {
    name = nameOf({});
  } catch {
    // needs a matrix value; named per leg below
  }
  const start = beginJob(job, scope, needs, name, started);
  if (start.done) {
    scope.onJob?.({ name, attempt: scope.attempt, status: 'completed', conclusion: start.done.result, startedAt: started, completedAt: Date.now() });
    return start.done;
  }
  const { base, record } = start;
  let legs: Array<Record<string, unknown>>;
  let strategy: { matrix?: unknown; 'fail-fast'?: boolean };
  try {
    strategy = evaluateToken(job.strategy, base) ?? {};
    legs = expandMatrix(strategy.matrix);
  } catch (error) {
    scope.log(`${id}: ${(error as Error).message}`);
    return { ...record, result: 'failure', reason: (error as Error).message, durationMs: Date.now() - started };
  }
  scope.log(`${id}: started${legs.length > 1 ? ` (${legs.length} matrix jobs)` : ''}`);
  const failFast = strategy['fail-fast'] !== false;
  let stop = false;
  // Each matrix combination is a job of its own: "Re-run failed jobs" keeps the combinations that
  // succeeded and runs only the others again.
  // https://docs.github.com/en/actions/how-tos/manage-workflow-runs/re-run-workflows-and-jobs
  const earlier = scope.previous?.jobs[id];
  if (earlier && earlier.legs.length > 1) Object.assign(record.outputs, earlier.outputs);
  for (const matrix of legs) {
    const kept = earlier && earlier.legs.length > 1 ? earlier.legs.find((l) => l.result === 'success' && JSON.stringify(l.matrix) === JSON.stringify(matrix)) : undefined;
    if (kept) {
      record.legs.push({ ...kept, attempt: kept.attempt ?? earlier?.attempt });
      continue;
    }
    if (stop) {
      record.legs.push({ name: nameOf(matrix), matrix, result: 'cancelled', steps: [] });
      continue;
    }
    const legName = nameOf(matrix);
    const legStarted = Date.now();
    scope.onJob?.({ name: legName, attempt: scope.attempt, status: 'in_progress', startedAt: legStarted });
    const leg = await runLeg(job, scope, { ...base, matrix, strategy: { 'fail-fast': failFast, 'job-total': legs.length } });
    scope.onJob?.({ name: legName, attempt: scope.attempt, status: 'completed', conclusion: leg.result, startedAt: legStarted, completedAt: Date.now() });
    record.legs.push({ name: legName, matrix, result: leg.result, steps: leg.steps, ...(leg.error ? { error: leg.error } : {}) });
    for (const [key, value] of Object.entries(leg.outputs)) if (value !== '' || !(key in record.outputs)) record.outputs[key] = value;
    if (leg.result === 'failure' && failFast) stop = true;
  }
  const results = record.legs.map((l) => l.result);
  record.result = results.includes('failure') ? 'failure' : results.includes('cancelled') ? 'cancelled' : 'success';
  record.durationMs = Date.now() - started;
  scope.log(`${id}: ${record.result} in ${Math.round(record.durationMs / 100) / 10}s`);
  return record;
}

/**
 * A job that calls a reusable workflow: its `with:` and secrets evaluated in the caller, the called
 * workflow's jobs run as jobs of the same run (named `<job> / <called job>`, sharing artifacts),
 * its outputs read from `on.workflow_call.outputs`. On a re-run, its successful jobs are kept.
 */
async function runCalledWorkflow(job: ReusableWorkflowJob, scope: JobScope): Promise<JobRecord> {
  const started = Date.now();
  const id = job.id.value;
  const needs = needsContext(job, scope.records);
  let name = id;
  try {
    name = job.name ? asString(evaluateToken(job.name, { github: scope.github, inputs: scope.inputs, vars: scope.vars ?? {}, needs })) : id;
  } catch {
    // an unevaluable name leaves the id, as the Actions UI does
  }
  const start = beginJob(job, scope, needs, name, started);
  if (start.done) return start.done;
  const { base, record } = start;
  try {
    const called = scope.called.get(id);
    if (!called) throw new Error(`job ${id} calls ${job.ref.value}, and this run cannot load called workflows`);
    const given = (evaluateToken(job['input-values'], base) ?? {}) as Record<string, unknown>;
    const inputs = scope.callInputs ? scope.callInputs(job.ref.value, given) : given;
    const secrets = secretsForCalledWorkflow({
      inherit: job['inherit-secrets'] === true,
      caller: scope.secrets ?? {},
      given: job['inherit-secrets'] ? {} : stringMap(evaluateToken(job['secret-values'], { ...base, secrets: scope.secrets ?? {} })),
      declared: called.callSecrets,
      workflow: job.ref.value,
    });
    const previous = scope.previous?.jobs[id]?.called;
    const cap = grantedTo(scope.workflow, id, scope.permissionsCap);
    scope.log(`${id}: calls ${job.ref.value}`);
    const workdir = join(scope.workdir, id);
    mkdirSync(workdir, { recursive: true });
    const run = await runWorkflow({
      workflow: called,
      inputs,
      secrets,
      ...(scope.vars ? { vars: scope.vars } : {}),
      github: scope.github,
      env: scope.env,
      actions: scope.actions,
      workdir,
      runDir: scope.runDir,
      attempt: scope.attempt,
      log: (line) => scope.log(`${id} / ${line}`),
      // The Actions UI and API name a called workflow's jobs `<calling job> / <called job>`.
      ...(scope.onJob ? { onJob: (event: JobEvent) => scope.onJob?.({ ...event, name: `${name} / ${event.name}` }) } : {}),
      ...(previous ? { previous } : {}),
      ...(scope.concurrency ? { concurrency: scope.concurrency } : {}),
      ...(scope.loadCalled ? { loadCalled: scope.loadCalled } : {}),
      ...(scope.jobToken ? { jobToken: scope.jobToken } : {}),
      ...(scope.callInputs ? { callInputs: scope.callInputs } : {}),
      permissionsCap: cap,
    });
    const jobs = Object.fromEntries(Object.entries(run.jobs).map(([jobId, r]) => [jobId, { result: r.result, outputs: r.outputs }]));
    const outputs = Object.fromEntries(
      Object.entries(called.callOutputs).map(([key, value]) => [key, value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => asString(evaluateExpression(expression, { jobs })))]),
    );
    const durationMs = Date.now() - started;
    scope.log(`${id}: ${run.result} in ${Math.round(durationMs / 100) / 10}s`);
    return { ...record, result: run.result, outputs, called: run, calledSource: { name: called.name, content: called.source }, durationMs };
  } catch (error) {
    return { ...record, result: 'failure', reason: (error as Error).message, durationMs: Date.now() - started };
  }
}
