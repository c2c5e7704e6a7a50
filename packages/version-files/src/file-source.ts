import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolvePattern } from './workspace.js';

/** Where a spec's files come from: a checkout on disk, or a repository read through the API. */
export interface FileSource {
  /** How messages name the place, e.g. "the workspace" or "kubernetes/k8s.io@main". */
  readonly label: string;
  /** The source-relative paths (forward slashes) a spec pattern names; a literal path that is not there gives []. */
  resolve(pattern: string, origin: string): Promise<string[]>;
  read(path: string): Promise<Buffer>;
}

export function workspaceFiles(root: string): FileSource {
  return {
    label: 'the workspace',
    resolve: (pattern, origin) => resolvePattern(root, pattern, origin),
    read: (path) => readFile(join(root, path)),
  };
}
