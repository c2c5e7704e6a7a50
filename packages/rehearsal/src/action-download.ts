import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '@relkit/kit';
import { githubDownload, githubRequest } from './github-api.js';
import type { ActionHandler } from './run.js';

/** Where actions missing from the cache are fetched: GitHub's REST API (or one that answers as it does). */
export interface ActionSource {
  apiUrl: string;
  token?: string;
}

/** What the cache records beside each tree it downloaded: where from, and the commit the ref named then. */
export const SOURCE_FILE = '.relkit-source.json';

/** Every `uses:` value in a workflow or action.yml, as written. */
export function usesIn(content: string): string[] {
  return [...content.matchAll(/^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)/gm)].map((m) => m[1] ?? '').filter(Boolean);
}

function untar(archive: Buffer, into: string): Promise<void> {
  return new Promise((done, fail) => {
    const tar = execFile('tar', ['-xz', '--strip-components=1', '-C', into], (error) => (error ? fail(new Error(`tar could not unpack the tarball: ${error.message}`, { cause: error })) : done()));
    tar.stdin?.end(archive);
  });
}

/**
 * Downloads, once, each action the workflow uses that no finder has: the commit its ref names now
 * (`GET /repos/{owner}/{repo}/commits/{ref}`), then that commit's tree (`GET …/tarball/{sha}`, as
 * the runner downloads an action), into `DIR/owner/repo@ref` with the SHA recorded. Composite
 * actions' own `uses:` are followed. Returns what it downloaded, as `owner/repo@ref (sha)`.
 * https://docs.github.com/en/rest/repos/contents#download-a-repository-archive-tar
 */
export async function downloadMissingActions(content: string, resolve: (uses: string) => ActionHandler | undefined, dir: string, source: ActionSource): Promise<string[]> {
  const env = { GITHUB_API_URL: source.apiUrl.replace(/\/+$/, '') };
  const done: string[] = [];
  const queue = usesIn(content);
  const seen = new Set<string>();
  for (let uses = queue.shift(); uses !== undefined; uses = queue.shift()) {
    if (seen.has(uses)) continue;
    seen.add(uses);
    const missing = resolve(uses)?.missing;
    if (!missing) continue;
    const repository = `${missing.owner}/${missing.repo}`;
    const fetched = await (async () => {
      const commit = await githubRequest<{ sha: string }>(env, source.token, 'GET', `/repos/${repository}/commits/${encodeURIComponent(missing.ref)}`);
      return { commit, archive: await githubDownload(env, source.token, `/repos/${repository}/tarball/${commit.sha}`) };
    })().catch((error: unknown) => {
      throw new UserError(
        `--download-actions could not fetch ${uses} from ${env.GITHUB_API_URL}: ${(error as Error).message}.`,
        `Check the owner, repository and ref in \`uses: ${uses}\` (a private action needs GITHUB_TOKEN), or put its tree at ${join(dir, missing.owner, `${missing.repo}@${missing.ref}`)} yourself.`,
      );
    });
    const { commit, archive } = fetched;
    const target = join(dir, missing.owner, `${missing.repo}@${missing.ref}`);
    const staging = `${target}.download-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await untar(archive, staging);
    writeFileSync(join(staging, SOURCE_FILE), `${JSON.stringify({ repository, ref: missing.ref, sha: commit.sha, from: env.GITHUB_API_URL }, null, 2)}\n`);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(staging, target);
    done.push(`${repository}@${missing.ref} (${commit.sha})`);
    const actionYml = ['action.yml', 'action.yaml'].map((name) => join(target, missing.path, name)).find((file) => existsSync(file));
    const using = actionYml ? (parse(readFileSync(actionYml, 'utf8')) as { runs?: { using?: unknown } } | null)?.runs?.using : undefined;
    if (actionYml && using === 'composite') queue.push(...usesIn(readFileSync(actionYml, 'utf8')));
  }
  return done;
}
