import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { asString, evaluateExpression, truthy, type StatusScope } from './expressions.js';
import { RUNNER } from './bundled-actions.js';
import type { ActionCall, ActionHandler, ActionOutcome } from './run.js';
import { runShell } from './steps.js';

interface CompositeStep {
  id?: string;
  name?: string;
  if?: unknown;
  run?: string;
  shell?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
  'continue-on-error'?: unknown;
}

interface CompositeMetadata {
  inputs?: Record<string, { default?: unknown } | null>;
  outputs?: Record<string, { value?: unknown } | null>;
  runs?: { steps?: CompositeStep[] };
}

type StepsContext = Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }>;

const STATUS_FUNCTION = /\b(success|failure|always|cancelled)\s*\(/;

/** A value of action.yml with each `${{ }}` in it evaluated, as text. */
function fill(value: unknown, contexts: Record<string, unknown>): string {
  return asString(value).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => asString(evaluateExpression(expression, contexts)));
}

function fillAll(values: Record<string, unknown> | undefined, contexts: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([name, value]) => [name, fill(value, contexts)]));
}

/** A step's `if:`, with or without `${{ }}`; without a status function it means `success() && (…)`. */
function shouldRun(condition: unknown, contexts: Record<string, unknown>, status: StatusScope): boolean {
  if (condition === undefined || condition === null || condition === '') return status.success;
  const text = asString(condition).trim();
  const expression = /^\$\{\{([\s\S]*)\}\}$/.exec(text)?.[1] ?? text;
  return truthy(evaluateExpression(STATUS_FUNCTION.test(expression) ? expression : `success() && (${expression})`, contexts, status));
}

/**
 * A composite action (runs.using: composite) run as the runner runs it: its steps in order, each
 * `run:` in the shell it names (required), each `uses:` found as the job's own steps are; `inputs`,
 * `steps`, `github` (with `action_path`) and `env` in its expressions; GITHUB_ACTION_PATH set; files
 * written to GITHUB_ENV and GITHUB_PATH reach the later steps and the job; `outputs` mapped from its
 * steps; the post steps of the actions it used run when the job ends.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/metadata-syntax#runs-for-composite-actions
 */
export function compositeAction(actionYml: string, banner = ''): ActionHandler {
  const metadata = (parse(readFileSync(actionYml, 'utf8')) ?? {}) as CompositeMetadata;
  const actionPath = dirname(actionYml);
  return async (call: ActionCall) => {
    const github = { ...call.github, action_path: actionPath };
    const inputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(metadata.inputs ?? {})) inputs[name] = call.inputs[name] ?? fill(spec?.default ?? '', { github, runner: RUNNER });
    for (const [name, value] of Object.entries(call.inputs)) inputs[name] ??= value;
    const steps: StepsContext = {};
    const exported: Record<string, string> = {};
    const added: string[] = [];
    const posts: Array<() => Promise<ActionOutcome>> = [];
    let log = banner;
    let summary = '';
    let failed = false;
    for (const [index, step] of (metadata.runs?.steps ?? []).entries()) {
      const id = step.id ?? `__composite_${index}`;
      const env = { ...call.env, ...exported };
      const contexts = { github, inputs, steps, env, runner: RUNNER, job: { status: failed ? 'failure' : 'success' } };
      const status = { success: !failed, failure: failed, cancelled: false };
      let outcome: ActionOutcome;
      try {
        if (!shouldRun(step.if, contexts, status)) {
          steps[id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
          continue;
        }
        const stepEnv: Record<string, string> = { ...env, ...fillAll(step.env, contexts), GITHUB_ACTION_PATH: actionPath };
        if (added.length > 0) stepEnv.PATH = [...added, stepEnv.PATH ?? ''].join(':');
        outcome = await runStep(call, step, index, stepEnv, contexts);
      } catch (error) {
        outcome = { failed: true, outputs: {}, log: `::error::${(error as Error).message}\n` };
      }
      if (outcome.post) posts.push(outcome.post);
      log += outcome.log;
      summary += outcome.summary ?? '';
      Object.assign(exported, outcome.exportedEnv ?? {});
      added.unshift(...(outcome.path ?? []).reverse());
      const tolerated = step['continue-on-error'] === true || fill(step['continue-on-error'] ?? '', contexts) === 'true';
      steps[id] = { outputs: outcome.outputs, outcome: outcome.failed ? 'failure' : 'success', conclusion: outcome.failed && !tolerated ? 'failure' : 'success' };
      if (outcome.failed && !tolerated) failed = true;
    }
    let outputs: Record<string, string> = {};
    try {
      outputs = Object.fromEntries(Object.entries(metadata.outputs ?? {}).map(([name, spec]) => [name, fill(spec?.value ?? '', { github, inputs, steps, runner: RUNNER })]));
    } catch (error) {
      failed = true;
      log += `::error::${(error as Error).message}\n`;
    }
    return {
      failed,
      outputs,
      exportedEnv: exported,
      path: [...added].reverse(),
      summary,
      log,
      ...(posts.length > 0 ? { post: () => runPosts(posts) } : {}),
    };
  };
}

async function runStep(call: ActionCall, step: CompositeStep, index: number, env: Record<string, string>, contexts: Record<string, unknown>): Promise<ActionOutcome> {
  const where = `step ${index + 1} of ${call.uses}`;
  if (step.run !== undefined) {
    if (!step.shell) throw new Error(`${where} has run: without shell:, which every run step of a composite action must name.`);
    const ran = await runShell(fill(step.run, contexts), {
      env,
      cwd: join(call.workspace, fill(step['working-directory'] ?? '.', contexts)),
      shell: step.shell,
      ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}),
    });
    return {
      failed: ran.exitCode !== 0,
      outputs: ran.outputs,
      exportedEnv: ran.exportedEnv,
      path: ran.path,
      summary: ran.summary,
      log: ran.exitCode !== 0 ? `${ran.log}\nProcess completed with exit code ${ran.exitCode}.\n` : ran.log,
    };
  }
  if (step.uses) {
    const handler = call.resolve?.(step.uses);
    if (!handler) throw new Error(`${where} uses ${step.uses}, which the rehearsal cannot find.`);
    if (handler.unresolved) throw new Error(handler.unresolved);
    return handler({ ...call, uses: step.uses, inputs: fillAll(step.with, contexts), env });
  }
  throw new Error(`${where} has neither run: nor uses:.`);
}

async function runPosts(posts: Array<() => Promise<ActionOutcome>>): Promise<ActionOutcome> {
  let log = '';
  let failed = false;
  for (const post of [...posts].reverse()) {
    const outcome = await post();
    log += outcome.log;
    failed ||= outcome.failed;
  }
  return { failed, outputs: {}, log };
}
