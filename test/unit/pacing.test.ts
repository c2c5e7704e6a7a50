import { describe, expect, it } from 'vitest';
import { createGitHubClients, isContentCreating } from '@relkit/kit';
import { useSandbox } from '../helpers/sandbox.js';

const env = useSandbox({ repos: [{ owner: 'acme', name: 'app', commits: [{ id: 'c1', message: 'Initial', files: { VERSION: '1.0.0\n' } }] }] });
const clients = (writeIntervalMs: number) =>
  createGitHubClients({ token: 'ghp_sandbox_admin', apiUrl: env.sandbox.urls.api, graphqlUrl: env.sandbox.urls.graphql, retryBaseMs: 10, writeIntervalMs, notificationIntervalMs: 0 });

describe("pacing by GitHub's secondary rate limits", () => {
  it('tells content-creating requests (REST writes, GraphQL mutations) from reads (GraphQL queries)', () => {
    const graphql = 'https://api.github.com/graphql';
    expect(isContentCreating('POST', graphql, JSON.stringify({ query: 'query { viewer { login } }' }))).toBe(false);
    expect(isContentCreating('POST', graphql, JSON.stringify({ query: '{ viewer { login } }' }))).toBe(false);
    expect(isContentCreating('POST', graphql, JSON.stringify({ query: '# why\n  mutation($id: ID!) { deleteRef(input: { refId: $id }) { clientMutationId } }' }))).toBe(true);
    expect(isContentCreating('POST', 'https://api.github.com/repos/a/b/labels', '{}')).toBe(true);
    expect(isContentCreating('GET', 'https://api.github.com/repos/a/b/labels', undefined)).toBe(false);
  });

  it('runs GraphQL queries unpaced and spaces REST writes by the write interval', async () => {
    // With a 60 s write interval, paced queries would take minutes: these finish at once.
    const slow = clients(60_000);
    const answers = await Promise.all([1, 2, 3].map(() => slow.graphql<{ repository: { name: string } }>('query { repository(owner: "acme", name: "app") { name } }')));
    expect(answers.map((a) => a.repository.name)).toEqual(['app', 'app', 'app']);

    const paced = clients(300);
    const started = Date.now();
    await paced.rest.rest.issues.createLabel({ owner: 'acme', repo: 'app', name: 'one', color: 'ededed' });
    await paced.rest.rest.issues.createLabel({ owner: 'acme', repo: 'app', name: 'two', color: 'ededed' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const labels = await paced.rest.rest.issues.listLabelsForRepo({ owner: 'acme', repo: 'app' });
    expect(labels.data.map((l) => l.name)).toEqual(expect.arrayContaining(['one', 'two']));
  });
});
