import { UserError } from '@relkit/kit';
import type { LoadedWorkflow } from './workflow.js';
import type { Scenario } from './scenario.js';

/** A user's own workflow_dispatch workflow (e.g. one of relkit's examples/), rehearsed as they would run it. */
export interface CallerWorkflow {
  /** File name, for messages. */
  name: string;
  content: string;
}

const RELKIT_REF = /\brelkit\/(?:relkit\/\.github\/workflows\/release\.yml|[a-z0-9-]+)@([\w.-]+)/g;

/** The relkit release the caller pins (`@v1`), which this checkout stands in for. */
export function callerRelkitRef(content: string): string | undefined {
  const refs = new Set([...content.matchAll(RELKIT_REF)].map((m) => m[1] ?? ''));
  if (refs.size > 1) throw new UserError(`The caller pins relkit at ${[...refs].join(' and ')}.`, 'Pin every relkit action and workflow at one release, e.g. @v1.');
  return [...refs][0];
}

/** Whether a called workflow reference names relkit's reusable workflow. */
export function isRelkitWorkflow(ref: string): boolean {
  return /^relkit\/relkit\/\.github\/workflows\/release\.yml@/.test(ref);
}

/**
 * What a maintainer types into the "Run workflow" form: the scenario's version (concrete, as a form
 * for X.Y.Z expects), its branch, mock; other inputs from the scenario when it has them.
 */
export function dispatchInputs(workflow: LoadedWorkflow, scenario: Scenario, mock: boolean): Record<string, unknown> {
  const declared = workflow.template.events.workflow_dispatch?.inputs;
  if (!declared) throw new UserError(`${workflow.name} has no workflow_dispatch trigger.`, 'Rehearse the workflow a maintainer starts by hand (on: workflow_dispatch).');
  const inputs: Record<string, unknown> = {};
  for (const name of Object.keys(declared)) {
    if (name === 'version') inputs.version = scenario.expect.version;
    else if (name === 'mock') inputs.mock = mock;
    else if (name === 'branch') inputs.branch = scenario.inputs.branch ?? scenario.dispatchBranch;
    else if (name in scenario.inputs) inputs[name] = scenario.inputs[name];
  }
  return inputs;
}

/**
 * The names the caller reads App credentials under (`secrets.RELEASE_APP_ID`, `vars.RELEASE_APP_ID`),
 * given the sandbox App's id and key, besides release.yml's own names for `secrets: inherit`.
 */
export function callerCredentials(content: string, app: { id: string; key: string } | undefined): { secrets: Record<string, string>; vars: Record<string, string> } {
  const secrets: Record<string, string> = {};
  const vars: Record<string, string> = {};
  if (!app) return { secrets, vars };
  for (const [, context, name = ''] of content.matchAll(/\b(secrets|vars)\.([A-Za-z0-9_]+)/g)) {
    const value = /APP_ID$|CLIENT_ID$/i.test(name) ? app.id : /PRIVATE_KEY$/i.test(name) ? app.key : undefined;
    if (value !== undefined) (context === 'vars' ? vars : secrets)[name] = value;
  }
  return { secrets, vars };
}

/**
 * The caller's images, pulled from the rehearsal's registry: `quay.io/metallb/controller` is looked
 * for at `<local registry>/metallb/controller` (the host dropped, the path kept).
 */
export function localImages(inputs: Record<string, unknown>, host: string): Record<string, unknown> {
  const mapped = { ...inputs };
  for (const key of ['images', 'promoted-images']) {
    const value = mapped[key];
    if (typeof value !== 'string') continue;
    mapped[key] = value
      .split('\n')
      .map((line) => line.replace(/^(\s*)([^\s/]+)\/(\S+)/, (whole, space: string, first: string, rest: string) => (/[.:]|^localhost$/.test(first) ? `${space}${host}/${rest}` : whole)))
      .join('\n');
  }
  return mapped;
}
