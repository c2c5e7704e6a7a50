import * as core from '@actions/core';
import { Inputs } from '../inputs.js';
import { isUserError } from '../errors.js';
import { WritePath } from '../writes.js';
import { SummaryBuilder, writePlanSection } from '../summary.js';
import { createGitHubClients, type GitHubClientOptions, type GitHubClients } from '../github-client.js';

/** What an action adapter gets: typed inputs, the write path, a summary, outputs and GitHub clients. */
export interface ActionContext {
  inputs: Inputs;
  writes: WritePath;
  summary: SummaryBuilder;
  log: (line: string) => void;
  warn: (line: string) => void;
  setOutput: (name: string, value: unknown) => void;
  saveState: (name: string, value: unknown) => void;
  getState: (name: string) => string;
  /** Hides a secret in every later log line (the runner's add-mask). */
  mask: (secret: string) => void;
  github: (options: Omit<GitHubClientOptions, 'maskSecret' | 'log'>) => GitHubClients;
}

/** Inputs that hold a credential in every action that has them. */
const SECRET_INPUTS = ['token', 'wait-token'];

/** Outputs are strings; objects and arrays become JSON so `fromJSON()` reads them in a workflow. */
export function outputValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : '';
}

function reportFailure(error: unknown): void {
  if (isUserError(error)) {
    core.setFailed(`${error.message}\nFix: ${error.fix}`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  core.setFailed(message);
  if (error instanceof Error && error.stack) core.info(error.stack);
}

/**
 * Runs an action body. `mock` is read before anything else so even a failed run reports
 * whether it was a rehearsal; the write plan and summary reach the job summary either way.
 */
export async function runAction(main: (context: ActionContext) => Promise<void>, options: { mockDefault?: boolean } = {}): Promise<void> {
  // Masked before any input is checked, so no later line — an error message included — can show it.
  for (const name of SECRET_INPUTS) {
    const value = core.getInput(name);
    if (value) core.setSecret(value);
  }
  const inputs = new Inputs((name) => core.getInput(name));
  const clients: GitHubClients[] = [];
  let writes: WritePath | undefined;
  const summary = new SummaryBuilder();
  try {
    const mock = inputs.boolean('mock', { default: options.mockDefault ?? false });
    writes = new WritePath({ mock, log: (line) => core.info(line) });
    await main({
      inputs,
      writes,
      summary,
      log: (line) => core.info(line),
      warn: (line) => core.warning(line),
      setOutput: (name, value) => core.setOutput(name, outputValue(value)),
      saveState: (name, value) => core.saveState(name, outputValue(value)),
      getState: (name) => core.getState(name),
      mask: (secret) => core.setSecret(secret),
      github: (clientOptions) => {
        const created = createGitHubClients({ ...clientOptions, maskSecret: core.setSecret, log: (line) => core.info(line) });
        clients.push(created);
        return created;
      },
    });
  } catch (error) {
    reportFailure(error);
  } finally {
    await writeSummary(summary, writes, clients);
  }
}

async function writeSummary(summary: SummaryBuilder, writes: WritePath | undefined, clients: GitHubClients[]): Promise<void> {
  let markdown = summary.toMarkdown();
  if (writes) markdown += `\n${writePlanSection(writes.writes, writes.mock).toMarkdown()}`;
  if (clients.length > 0) markdown += `\nGitHub API requests: ${clients.reduce((sum, c) => sum + c.requests.total, 0)}\n`;
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}
