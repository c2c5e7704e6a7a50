import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
  'deprecation-message'?: string;
}

export interface ActionMetadata {
  name: string;
  description?: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string; post?: string; 'post-if'?: string; pre?: string };
  /** Directory holding action.yml; `runs.main` resolves against it, as the runner does. */
  directory: string;
}

export function readActionMetadata(actionYml: string): ActionMetadata {
  const doc = parse(readFileSync(actionYml, 'utf8')) as Omit<ActionMetadata, 'directory'>;
  if (!doc?.runs?.main) throw new Error(`${actionYml}: runs.main is missing`);
  return { ...doc, inputs: doc.inputs ?? {}, outputs: doc.outputs ?? {}, directory: dirname(actionYml) };
}

/** The file the runner executes for a step: `runs.main` (or `runs.post`) joined to the action directory. */
export function entryPoint(metadata: ActionMetadata, step: 'pre' | 'main' | 'post'): string {
  const relative = step === 'main' ? metadata.runs.main : step === 'pre' ? metadata.runs.pre : metadata.runs.post;
  if (!relative) throw new Error(`${metadata.name} has no ${step} step`);
  return resolve(metadata.directory, relative);
}
