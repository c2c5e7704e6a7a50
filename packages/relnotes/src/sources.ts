import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GitHubRest } from '@relkit/kit';

/** Where gen-relnotes reads commits from, and why: logged so a run that used the API says so. */
export interface LocalClone {
  /** The clone to read from, or undefined to read through the API. */
  dir: string | undefined;
  why: string;
}

/**
 * The workspace, when it is a clone of this repository: in Actions the checkout of the workflow's
 * own repository, from a terminal a clone whose origin names it.
 */
export async function localCloneOf(dir: string, owner: string, repo: string, env: NodeJS.ProcessEnv): Promise<LocalClone> {
  const name = `${owner}/${repo}`;
  if (!existsSync(join(dir, '.git'))) return { dir: undefined, why: `the workspace ${dir} is not a git clone (no actions/checkout step before this one?)` };
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_REPOSITORY?.toLowerCase() === name.toLowerCase()) return { dir, why: `the workspace is the checkout of ${name}` };
  try {
    const { stdout } = await promisify(execFile)('git', ['config', '--get', 'remote.origin.url'], { cwd: dir });
    // A clone's origin may carry credentials (https://user:token@github.com/…): they never reach the log.
    const origin = stdout.trim().replace(/^([a-z][\w+.-]*:\/\/)[^@/]*@/i, '$1');
    return origin
      .toLowerCase()
      .replace(/\.git$/, '')
      .endsWith(name.toLowerCase())
      ? { dir, why: `the workspace is a clone of ${name} (origin ${origin})` }
      : { dir: undefined, why: `the workspace is a clone of ${origin}, not of ${name}` };
  } catch {
    return { dir: undefined, why: `the workspace clone has no origin naming ${name}` };
  }
}

/** `.github/release.yml` of the repository at `ref`, when there is no checkout to read it from. */
export async function readRepositoryConfig(rest: GitHubRest, id: { owner: string; repo: string }, ref: string): Promise<string | undefined> {
  for (const path of ['.github/release.yml', '.github/release.yaml']) {
    try {
      const { data } = await rest.rest.repos.getContent({ owner: id.owner, repo: id.repo, path, ref });
      if ('content' in data && typeof data.content === 'string') return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  return undefined;
}
