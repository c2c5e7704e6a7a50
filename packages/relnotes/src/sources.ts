import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GitHubRest } from '@relkit/kit';

/**
 * The workspace, when it is a clone of this repository: in Actions the checkout of the workflow's
 * own repository, from a terminal a clone whose origin names it.
 */
export async function localCloneOf(dir: string, owner: string, repo: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (!existsSync(join(dir, '.git'))) return undefined;
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_REPOSITORY?.toLowerCase() === `${owner}/${repo}`.toLowerCase()) return dir;
  try {
    const { stdout } = await promisify(execFile)('git', ['config', '--get', 'remote.origin.url'], { cwd: dir });
    return stdout.toLowerCase().replace(/\.git\s*$/, '').trim().endsWith(`${owner}/${repo}`.toLowerCase()) ? dir : undefined;
  } catch {
    return undefined;
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
