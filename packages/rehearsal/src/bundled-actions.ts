import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readActionMetadata, runActionBundle, type RunResult } from '@relkit/runner';
import { asString, evaluateExpression } from './expressions.js';
import { unresolvedAction, type ActionCall, type ActionHandler, type ActionOutcome } from './run.js';

/** Defaults such as `${{ github.token }}` are expressions the runner evaluates; plain defaults stay for the bundle runner. */
// A GitHub-hosted runner as the `runner` context describes it (actions/github-script's debug default reads it).
export const RUNNER = { os: 'Linux', arch: 'X64', name: 'GitHub Actions 1', environment: 'github-hosted', debug: '' };

function expressionDefaults(inputs: Record<string, { default?: string }>, given: Record<string, string>, github: Record<string, unknown>): Record<string, string> {
  const filled = { ...given };
  for (const [name, spec] of Object.entries(inputs)) {
    if (name in given || spec.default === undefined || !String(spec.default).includes('${{')) continue;
    filled[name] = String(spec.default).replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => asString(evaluateExpression(expression, { github, runner: RUNNER })));
  }
  return filled;
}

/** `relkit/<name>@ref` (a published action repository) or `relkit/relkit/actions/<name>@ref` (the monorepo path). */
const RELKIT_USES = /^relkit\/(?:relkit\/actions\/)?([a-z0-9-]+)@[\w./-]+$/;

function outcomeOf(result: RunResult): ActionOutcome {
  return { failed: result.failed, outputs: result.outputs, exportedEnv: result.exportedEnv, summary: result.summary, log: `${result.stdout}${result.stderr}` };
}

/** Runs the JavaScript action whose action.yml this is, as the runner does (main now, post when the job ends). */
export function javascriptAction(actionYml: string, banner = ''): ActionHandler {
  const metadata = readActionMetadata(actionYml);
  return async (call: ActionCall) => {
    const inputs = expressionDefaults(metadata.inputs, call.inputs, call.github);
    // The runner runs `pre` at the start of the job; the rehearsal runs it just before `main`, with its state.
    const pre = metadata.runs.pre ? await runActionBundle({ action: actionYml, step: 'pre', inputs, env: call.env, cwd: call.workspace }) : undefined;
    if (pre?.failed) return { ...outcomeOf(pre), log: `${banner}${pre.stdout}${pre.stderr}` };
    const main = await runActionBundle({ action: actionYml, inputs, env: call.env, cwd: call.workspace, state: pre?.state, ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}) });
    const outcome = outcomeOf(main);
    outcome.log = `${banner}${pre ? `${pre.stdout}${pre.stderr}` : ''}${outcome.log}`;
    if (metadata.runs.post) {
      // post-if defaults to always(): the post step runs after a failure too.
      outcome.post = async () => outcomeOf(await runActionBundle({ action: actionYml, step: 'post', inputs, env: call.env, cwd: call.workspace, state: { ...pre?.state, ...main.state } }));
    }
    return outcome;
  };
}

/** The version in the package.json beside the actions folder, if there is one. */
function checkoutVersion(actionsDir: string): string | undefined {
  const file = join(actionsDir, '..', 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

/**
 * relkit's own actions, run from the committed bundles of this checkout under this Node (24), the
 * way the runner runs a JavaScript action: inputs as INPUT_*, the file commands read back, and the
 * post step (with the main step's state) when the job ends.
 */
export function bundledActions(actionsDir: string, standsFor?: string): (uses: string) => ActionHandler | undefined {
  // The checkout stands in for relkit/<action> at its own version only (vX.Y.Z, vX.Y, vX): a ref
  // that names another version would not resolve on GitHub before that version is published.
  // `standsFor` adds the release a user's workflow pins, which the rehearsal plays this checkout as.
  const version = checkoutVersion(actionsDir);
  const refs = version ? new Set([`v${version}`, `v${version.split('.').slice(0, 2).join('.')}`, `v${version.split('.')[0]}`, ...(standsFor ? [standsFor] : [])]) : undefined;
  return (uses) => {
    const match = RELKIT_USES.exec(uses);
    if (!match) return undefined;
    if (refs && !refs.has(uses.slice(uses.lastIndexOf('@') + 1))) return unresolvedAction(uses);
    const actionYml = join(actionsDir, match[1] ?? '', 'action.yml');
    if (!existsSync(actionYml)) return undefined;
    return javascriptAction(actionYml);
  };
}
