import type { GitHubGraphql } from '@relkit/kit';

const PATHS_PER_QUERY = 150;

/** The commit a branch points at, or undefined when it does not exist. */
export async function branchHead(graphql: GitHubGraphql, owner: string, repo: string, branch: string): Promise<string | undefined> {
  const result = await graphql<{ repository: { ref: { target: { oid: string } } | null } }>(
    `
      query ($owner: String!, $name: String!, $ref: String!) {
        repository(owner: $owner, name: $name) {
          ref(qualifiedName: $ref) {
            target {
              oid
            }
          }
        }
      }
    `,
    { owner, name: repo, ref: `refs/heads/${branch}` },
  );
  return result.repository.ref?.target.oid;
}

/** Blob ids of `paths` at `commit` (undefined for a path that is not there), many paths per query. */
export async function blobShasAt(graphql: GitHubGraphql, owner: string, repo: string, commit: string, paths: string[]): Promise<Map<string, string | undefined>> {
  const found = new Map<string, string | undefined>();
  for (let offset = 0; offset < paths.length; offset += PATHS_PER_QUERY) {
    const chunk = paths.slice(offset, offset + PATHS_PER_QUERY);
    const variables: Record<string, string> = { owner, name: repo };
    const fields = chunk.map((path, n) => {
      variables[`e${n}`] = `${commit}:${path}`;
      return `f${n}: object(expression: $e${n}) { ... on Blob { oid } }`;
    });
    const declarations = chunk.map((_, n) => `$e${n}: String!`).join(', ');
    const result = await graphql<{ repository: Record<string, { oid?: string } | null> }>(
      `query($owner: String!, $name: String!, ${declarations}) { repository(owner: $owner, name: $name) { ${fields.join(' ')} } }`,
      variables,
    );
    chunk.forEach((path, n) => found.set(path, result.repository[`f${n}`]?.oid));
  }
  return found;
}
