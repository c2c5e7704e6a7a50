import * as core from '@actions/core';
import { Inputs } from '../inputs.js';
import { isUserError } from '../errors.js';
import { WritePath } from '../writes.js';
import { SummaryBuilder, writePlanSection } from '../summary.js';
import { createGitHubClients, type GitHubClientOptions, type GitHubClients } from '../github-client.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** What an action adapter gets: typed inputs, the write path, a summary, outputs and GitHub clients. */
export interface ActionContext {
  inputs: Inputs;
  /** The step's environment (GITHUB_REPOSITORY, GITHUB_WORKSPACE, RUNNER_TEMP, …). */
  env: Environment;
  writes: WritePath;
  summary: SummaryBuilder;
  log: (line: string) => void;
  warn: (line: string) => void;
  setOutput: (name: string, value: unknown) => void;
  saveState: (name: string, value: unknown) => void;
  getState: (name: string) => string;
  /** Hides a secret in every later log line (the runner's add-mask). */
  mask: (secret: string) => void;
  github: (options: Omit<GitHubClientOptions, 'maskSecret' | 'log' | 'env'>) => GitHubClients;
}

/**
 * Where a step runs: the runner (workflow commands and file commands, through @actions/core) or a
 * test that runs the same step in-process and records what it reported.
 */
export interface ActionHost {
  env: Environment;
  getInput: (name: string) => string;
  info: (line: string) => void;
  warning: (line: string) => void;
  setFailed: (message: string) => void;
  setOutput: (name: string, value: string) => void;
  saveState: (name: string, value: string) => void;
  getState: (name: string) => string;
  setSecret: (secret: string) => void;
  /** Appends markdown to the job summary; undefined where the step has no summary file. */
  writeSummary?: (markdown: string) => Promise<void>;
}

export type ActionStep = (context: ActionContext) => Promise<void>;

/** Inputs that hold a credential in every action that has them. */
const SECRET_INPUTS = ['token', 'wait-token'];

/** Outputs are strings; objects and arrays become JSON so `fromJSON()` reads them in a workflow. */
export function outputValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : '';
}

function reportFailure(host: ActionHost, error: unknown): void {
  if (isUserError(error)) {
    host.setFailed(`${error.message}\nFix: ${error.fix}`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  host.setFailed(message);
  if (error instanceof Error && error.stack) host.info(error.stack);
}

function runnerHost(): ActionHost {
  return {
    env: process.env,
    getInput: (name) => core.getInput(name),
    info: (line) => core.info(line),
    warning: (line) => core.warning(line),
    setFailed: (message) => core.setFailed(message),
    setOutput: (name, value) => core.setOutput(name, value),
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    setSecret: (secret) => core.setSecret(secret),
    writeSummary: process.env.GITHUB_STEP_SUMMARY
      ? async (markdown) => {
          await core.summary.addRaw(markdown, true).write();
        }
      : undefined,
  };
}

/** Runs an action step on the runner. */
export function runAction(step: ActionStep, options: { mockDefault?: boolean } = {}): Promise<void> {
  return runStepOn(runnerHost(), step, options);
}

/**
 * Runs an action step on a host. `mock` is read before anything else so even a failed run reports
 * whether it was a rehearsal; the write plan and summary reach the job summary either way.
 */
export async function runStepOn(host: ActionHost, step: ActionStep, options: { mockDefault?: boolean } = {}): Promise<void> {
  // Masked before any input is checked, so no later line — an error message included — can show it.
  for (const name of SECRET_INPUTS) {
    const value = host.getInput(name);
    if (value) host.setSecret(value);
  }
  const inputs = new Inputs((name) => host.getInput(name));
  const clients: GitHubClients[] = [];
  let writes: WritePath | undefined;
  const summary = new SummaryBuilder();
  try {
    const mock = inputs.boolean('mock', { default: options.mockDefault ?? false });
    writes = new WritePath({ mock, log: host.info });
    await step({
      inputs,
      env: host.env,
      writes,
      summary,
      log: host.info,
      warn: host.warning,
      setOutput: (name, value) => host.setOutput(name, outputValue(value)),
      saveState: (name, value) => host.saveState(name, outputValue(value)),
      getState: host.getState,
      mask: host.setSecret,
      github: (clientOptions) => {
        const created = createGitHubClients({ ...clientOptions, env: host.env, maskSecret: host.setSecret, log: host.info });
        clients.push(created);
        return created;
      },
    });
  } catch (error) {
    reportFailure(host, error);
  } finally {
    await writeSummary(host, summary, writes, clients);
  }
}

async function writeSummary(host: ActionHost, summary: SummaryBuilder, writes: WritePath | undefined, clients: GitHubClients[]): Promise<void> {
  let markdown = summary.toMarkdown();
  if (writes) markdown += `\n${writePlanSection(writes.writes, writes.mock).toMarkdown()}`;
  if (clients.length > 0) markdown += `\nGitHub API requests: ${clients.reduce((sum, c) => sum + c.requests.total, 0)}\n`;
  if (!host.writeSummary) return;
  try {
    await host.writeSummary(markdown);
  } catch (error) {
    host.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}
