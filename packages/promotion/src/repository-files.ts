import { minimatch } from 'minimatch';
import { gitBlobSha } from '@relkit/changes';
import { explainGitHubError, UserError, type GitHubGraphql, type GitHubRest } from '@relkit/kit';
import type { FileSource } from '@relkit/version-files';

const PATHS_PER_QUERY = 50;
const GLOB = /[*?[\]{}]/;

interface BlobAnswer {
  oid: string;
  isBinary: boolean;
  isTruncated: boolean;
  text: string | null;
}

export interface RepositoryFiles extends FileSource {
  /** Reads many literal paths in one request; later `read`s of them cost nothing. */
  prefetch(paths: string[]): Promise<void>;
}

function refuse(pattern: string, origin: string, why: string): UserError {
  return new UserError(`${origin}: "${pattern}" ${why}.`, 'Give paths relative to the root of the target repository, without `..`.', { input: 'edits' });
}

/**
 * The files of one commit of a repository, read through the API (no clone): blobs by GraphQL,
 * many paths a query, checked against their blob id so a BOM or a truncated answer is fetched raw.
 */
export function repositoryFiles(clients: { rest: GitHubRest; graphql: GitHubGraphql }, where: { owner: string; repo: string; commit: string; label: string }): RepositoryFiles {
  const blobs = new Map<string, Promise<Buffer | undefined>>();
  let tree: Promise<string[]> | undefined;

  const fetchRaw = async (oid: string): Promise<Buffer> => {
    const { data } = await clients.rest.rest.git.getBlob({ owner: where.owner, repo: where.repo, file_sha: oid });
    return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
  };

  const lookup = async (paths: string[]): Promise<Map<string, Buffer | undefined>> => {
    const found = new Map<string, Buffer | undefined>();
    for (let offset = 0; offset < paths.length; offset += PATHS_PER_QUERY) {
      const chunk = paths.slice(offset, offset + PATHS_PER_QUERY);
      const variables: Record<string, string> = { owner: where.owner, name: where.repo };
      const fields = chunk.map((path, n) => {
        variables[`e${n}`] = `${where.commit}:${path}`;
        return `f${n}: object(expression: $e${n}) { ... on Blob { oid isBinary isTruncated text } }`;
      });
      const declarations = chunk.map((_, n) => `$e${n}: String!`).join(', ');
      const result = await clients
        .graphql<{ repository: Record<string, BlobAnswer | null> | null }>(
          `query($owner: String!, $name: String!, ${declarations}) { repository(owner: $owner, name: $name) { ${fields.join(' ')} } }`,
          variables,
        )
        .catch((error: unknown) => {
          throw explainGitHubError(error, `read files of ${where.label}`, 'contents: read');
        });
      await Promise.all(
        chunk.map(async (path, n) => {
          const blob = result.repository?.[`f${n}`];
          if (!blob?.oid) return found.set(path, undefined);
          const text = blob.text === null ? undefined : Buffer.from(blob.text, 'utf8');
          found.set(path, text && !blob.isTruncated && gitBlobSha(text) === blob.oid ? text : await fetchRaw(blob.oid));
        }),
      );
    }
    return found;
  };

  const prefetch = async (paths: string[]): Promise<void> => {
    const fresh = [...new Set(paths)].filter((p) => !blobs.has(p));
    if (fresh.length === 0) return;
    const answer = lookup(fresh);
    for (const path of fresh)
      blobs.set(
        path,
        answer.then((m) => m.get(path)),
      );
    await answer;
  };

  const blob = async (path: string): Promise<Buffer | undefined> => {
    if (!blobs.has(path)) await prefetch([path]);
    return blobs.get(path);
  };

  const listTree = (): Promise<string[]> => {
    tree ??= clients.rest.rest.git
      .getTree({ owner: where.owner, repo: where.repo, tree_sha: where.commit, recursive: 'true' })
      .then(({ data }) => {
        if (data.truncated)
          throw new UserError(`${where.label} has too many files to list in one request, so a glob in \`edits\` cannot be expanded.`, 'Name the files in `edits` one by one instead of with a glob.', {
            input: 'edits',
          });
        return data.tree.filter((e) => e.type === 'blob' && e.path).map((e) => e.path);
      })
      .catch((error: unknown) => {
        throw explainGitHubError(error, `list the files of ${where.label}`, 'contents: read');
      });
    return tree;
  };

  return {
    label: where.label,
    prefetch,
    async resolve(pattern, origin) {
      if (pattern.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(pattern)) throw refuse(pattern, origin, 'is an absolute path');
      if (pattern.split(/[\\/]/).includes('..')) throw refuse(pattern, origin, 'leaves the repository with `..`');
      const path = pattern.replace(/^\.\//, '');
      if (!GLOB.test(path)) return (await blob(path)) === undefined ? [] : [path];
      return (await listTree()).filter((p) => minimatch(p, path, { dot: false })).sort();
    },
    async read(path) {
      const bytes = await blob(path);
      if (bytes === undefined) throw new UserError(`${where.label} has no file ${path}.`, 'Check the path; it is relative to the root of the target repository.', { input: 'edits' });
      return bytes;
    },
  };
}
