// A job's steps, one leg of its matrix at a time: the runner's step loop as the rehearsal plays it.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { isBasicExpression, isString } from '@actions/workflow-parser';
import type { Job } from '@actions/workflow-parser/model/workflow-template';
import { asString, truthy } from './expressions.js';
import type { JobResult, StepRecord } from './records.js';
import { runShell } from './steps.js';
import type { ActionOutcome, JobScope } from './run.js';
import { evaluateToken } from './tokens.js';
import { LogMasker } from './masks.js';
import { jobMinutes, timeoutMessage } from './platform/job-time.js';
import { apiPermissions, effectivePermissions, parsePermissions } from './platform/permissions.js';

export async function runLeg(job: Job, scope: JobScope, contexts: Record<string, unknown>): Promise<{ result: JobResult; steps: StepRecord[]; outputs: Record<string, string>; error?: string }> {
  const workspace = mkdtempSync(join(scope.workdir, `${job.id.value}-`));
  const temp = mkdtempSync(join(scope.workdir, `${job.id.value}-temp-`));
  let secrets = scope.secrets ?? {};
  let jobToken: { token: string; revoke: () => void } | undefined;
  try {
    if (scope.jobToken) {
      const permissions = effectivePermissions(
        parsePermissions(evaluateToken(scope.workflow.rawJob(job.id.value, 'permissions'), {})),
        parsePermissions(evaluateToken(scope.workflow.rawTop('permissions'), {})),
        scope.permissionsCap,
      );
      jobToken = scope.jobToken(apiPermissions(permissions));
      contexts = { ...contexts, github: { ...(contexts.github as Record<string, unknown>), token: jobToken.token } };
    }
    // The job's token is also a secret every workflow, called ones included, can read by name.
    // https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication
    const token = (contexts.github as Record<string, unknown>).token;
    if (typeof token === 'string' && token) secrets = { ...secrets, GITHUB_TOKEN: token };
  } catch (e) {
    return { result: 'failure', steps: [], outputs: {}, error: (e as Error).message };
  }
  try {
    return await runSteps(job, scope, contexts, workspace, temp, secrets);
  } finally {
    jobToken?.revoke();
  }
}

async function runSteps(
  job: Job,
  scope: JobScope,
  contexts: Record<string, unknown>,
  workspace: string,
  temp: string,
  secrets: Record<string, string>,
): Promise<{ result: JobResult; steps: StepRecord[]; outputs: Record<string, string>; error?: string }> {
  const stepsContext: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const records: StepRecord[] = [];
  const posts: Array<{ name: string; run: () => Promise<ActionOutcome> }> = [];
  let jobEnv: Record<string, string>;
  let exported: Record<string, string> = {};
  let addedPath: string[] = [];
  let failed = false;
  let error: string | undefined;
  const github = contexts.github as Record<string, unknown>;
  const masker = new LogMasker([...Object.values(secrets), typeof github.token === 'string' ? github.token : '']);
  let limit: { minutes: number; capped: boolean };
  try {
    jobEnv = stringMap(evaluateToken(job.env, { ...contexts, secrets }));
    limit = jobMinutes(evaluateToken(scope.workflow.rawJob(job.id.value, 'timeout-minutes'), contexts), evaluateToken(job['runs-on'], contexts));
  } catch (e) {
    return { result: 'failure', steps: [], outputs: {}, error: (e as Error).message };
  }
  // The runner downloads every action of the job before the first step, skipped steps' included.
  for (const step of job.steps) {
    if (!('uses' in step)) continue;
    const handler = scope.actions(step.uses.value);
    const problem = handler ? handler.unresolved : `uses: ${step.uses.value} is not an action the rehearsal runner can run`;
    if (problem) return { result: 'failure', steps: [], outputs: {}, error: problem };
  }
  if (limit.capped) scope.log(`${job.id.value}: timeout-minutes is more than a GitHub-hosted runner allows; the job gets ${limit.minutes} minutes`);
  const deadline = Date.now() + limit.minutes * 60_000;
  let timedOut = false;
  for (const [index, step] of job.steps.entries()) {
    const started = Date.now();
    if (!timedOut && started >= deadline) timedOut = true;
    if (timedOut) {
      records.push({ id: step.id, name: step.name ? step.id : defaultStepName(step), outcome: 'skipped', conclusion: 'skipped', outputs: {}, log: '', summary: '', durationMs: 0 });
      stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const timeoutMs = Math.max(1, deadline - started);
    const stepName = step.name ? asString(evaluateToken(step.name, { ...contexts, steps: stepsContext })) : defaultStepName(step);
    const env = { ...stringMap(scope.workflowEnv), ...jobEnv, ...exported };
    const stepContexts = { ...contexts, secrets, steps: stepsContext, env, job: { status: failed ? 'failure' : 'success' }, runner: { os: 'Linux', arch: 'X64', temp } };
    const record: StepRecord = { id: step.id, name: stepName, outcome: 'skipped', conclusion: 'skipped', outputs: {}, log: '', summary: '', durationMs: 0 };
    try {
      const condition = 'if' in step && step.if ? evaluateToken(step.if, stepContexts, { success: !failed, failure: failed, cancelled: false }) : !failed;
      if (!truthy(condition)) {
        records.push(record);
        stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
        continue;
      }
      const stepEnv = { ...env, ...stringMap(evaluateToken('env' in step ? step.env : undefined, stepContexts)) };
      const processEnv = { ...scope.env, ...githubEnv(github, workspace, temp), ...stepEnv };
      // Later GITHUB_PATH entries come first, as the runner prepends each one.
      if (addedPath.length > 0) processEnv.PATH = [...addedPath, processEnv.PATH ?? ''].join(':');
      let outcome: ActionOutcome;
      if ('run' in step) {
        const script = asString(evaluateToken(step.run, stepContexts));
        const dir = asString(evaluateToken(scope.workflow.rawStep(job.id.value, index, 'working-directory'), stepContexts)) || '.';
        const shell = asString(evaluateToken(scope.workflow.rawStep(job.id.value, index, 'shell'), stepContexts)) || undefined;
        const ran = await runShell(script, { env: processEnv, cwd: join(workspace, dir), timeoutMs, ...(shell ? { shell } : {}) });
        outcome = {
          failed: ran.exitCode !== 0,
          outputs: ran.outputs,
          exportedEnv: ran.exportedEnv,
          path: ran.path,
          summary: ran.summary,
          log: ran.exitCode !== 0 ? `${ran.log}\nProcess completed with exit code ${ran.exitCode}.` : ran.log,
        };
      } else if ('uses' in step) {
        const uses = step.uses.value;
        const handler = scope.actions(uses);
        if (!handler) throw new Error(`uses: ${uses} is not an action the rehearsal runner can run`);
        const withValues = stringMap(evaluateToken(scope.workflow.rawStep(job.id.value, index, 'with'), stepContexts));
        outcome = await handler({ uses, inputs: withValues, env: processEnv, workspace, runDir: scope.runDir, github, timeoutMs, resolve: scope.actions });
        if (outcome.post) posts.push({ name: `Post ${stepName}`, run: outcome.post });
      } else {
        throw new Error(`step ${step.id} is neither run: nor uses:, which the rehearsal runner cannot run`);
      }
      exported = { ...exported, ...(outcome.exportedEnv ?? {}) };
      addedPath = [...(outcome.path ?? []).reverse(), ...addedPath];
      const tolerate = step['continue-on-error'];
      const continueOnError = typeof tolerate === 'object' ? truthy(evaluateToken(tolerate, stepContexts)) : tolerate === true;
      Object.assign(record, {
        outcome: outcome.failed ? 'failure' : 'success',
        conclusion: outcome.failed && !continueOnError ? 'failure' : 'success',
        outputs: outcome.outputs,
        log: masker.apply(outcome.log),
        summary: outcome.summary ?? '',
      });
      if (record.conclusion === 'failure') failed = true;
    } catch (e) {
      Object.assign(record, { outcome: 'failure', conclusion: 'failure', log: masker.apply(`${record.log}${(e as Error).message}\n`) });
      failed = true;
      error ??= masker.apply(`${stepName}: ${(e as Error).message}`);
    }
    record.durationMs = Date.now() - started;
    if (Date.now() >= deadline) {
      // The runner stops the step at the job's limit; the job ends cancelled, its later steps skipped.
      timedOut = true;
      record.outcome = 'failure';
      record.conclusion = 'failure';
      record.log = `${record.log}\n##[error]${timeoutMessage(limit.minutes)}\n`;
    }
    records.push(record);
    stepsContext[step.id] = { outputs: record.outputs, outcome: record.outcome, conclusion: record.conclusion };
    if (record.conclusion === 'failure') error ??= `${stepName} failed: ${lastLines(record.log)}`;
  }
  for (const post of posts.reverse()) {
    const started = Date.now();
    const outcome = await post.run().catch((e: unknown): ActionOutcome => ({ failed: true, outputs: {}, log: (e as Error).message }));
    records.push({
      id: post.name,
      name: post.name,
      outcome: outcome.failed ? 'failure' : 'success',
      conclusion: outcome.failed ? 'failure' : 'success',
      outputs: {},
      log: masker.apply(outcome.log),
      summary: outcome.summary ?? '',
      durationMs: Date.now() - started,
    });
    if (outcome.failed) {
      failed = true;
      error ??= `${post.name} failed: ${lastLines(outcome.log)}`;
    }
  }
  let outputs: Record<string, string> = {};
  try {
    outputs = stringMap(evaluateToken(job.outputs, { ...contexts, steps: stepsContext }));
  } catch (e) {
    failed = true;
    error ??= (e as Error).message;
  }
  // "Outputs containing secrets are redacted on the runner and not sent to GitHub Actions."
  // https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idoutputs
  for (const [key, value] of Object.entries(outputs)) {
    if (!masker.reveals(value)) continue;
    outputs[key] = '';
    const last = records.at(-1);
    if (last) last.log = `${last.log}\n##[warning]Skip output '${key}' since it may contain secret.\n`;
  }
  if (timedOut) return { result: 'cancelled', steps: records, outputs, error: timeoutMessage(limit.minutes) };
  return { result: failed ? 'failure' : 'success', steps: records, outputs, ...(error ? { error } : {}) };
}

/** What the Actions UI calls an unnamed step: `Run <action>` or `Run <first line of the script>`. */
function defaultStepName(step: Job['steps'][number]): string {
  if ('uses' in step) return `Run ${step.uses.value}`;
  if ('run' in step) {
    const source = isString(step.run) ? step.run.value : isBasicExpression(step.run) ? (step.run.source ?? step.run.expression) : step.id;
    return `Run ${source.trim().split('\n')[0]}`;
  }
  return step.id;
}

function lastLines(log: string): string {
  return log.trim().split('\n').slice(-3).join(' | ');
}

export function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`expected a mapping, got ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asString(v)]));
}

/** The GITHUB_* variables a step sees, from the github context. */
function githubEnv(github: Record<string, unknown>, workspace: string, temp: string): Record<string, string> {
  const pick = (key: string) => asString(github[key]);
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: pick('repository'),
    GITHUB_REPOSITORY_OWNER: pick('repository_owner'),
    GITHUB_SHA: pick('sha'),
    GITHUB_REF: pick('ref'),
    GITHUB_REF_NAME: pick('ref_name'),
    GITHUB_RUN_ID: pick('run_id'),
    GITHUB_RUN_ATTEMPT: pick('run_attempt'),
    GITHUB_EVENT_NAME: pick('event_name'),
    GITHUB_SERVER_URL: pick('server_url'),
    GITHUB_API_URL: pick('api_url'),
    GITHUB_GRAPHQL_URL: pick('graphql_url'),
    GITHUB_ACTOR: pick('actor'),
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
  };
}
