import { afterAll, beforeAll } from 'vitest';
import { startSandbox, SANDBOX_APP_ID, SANDBOX_TOKENS, type Sandbox, type SandboxOptions, type SeedFixture } from '@relkit/sandbox';
import { createGitHubClients, type GitHubClients } from '@relkit/kit';
import { validateAgainstOpenApi } from './openapi.js';

export { SANDBOX_TOKENS, SANDBOX_APP_ID };

export interface SandboxHandle {
  readonly sandbox: Sandbox;
  /** Problems found so far: answers that do not fit GitHub's OpenAPI description, GraphQL validation errors. */
  violations: string[];
  /** A client from relkit's own factory, with waits shortened for tests. */
  client(token?: string): GitHubClients;
}

const GRAPHQL_VALIDATION = /^(Cannot query field|Unknown argument|Unknown type|Field ".*" argument|Variable "|Syntax Error|Expected type)/;

/**
 * Starts a sandbox for the test file and checks every answer it gives against GitHub's OpenAPI
 * description and every GraphQL query against GitHub's schema; the file fails if any did not fit.
 */
export function useSandbox(seed: SeedFixture | (() => SeedFixture), options: Omit<SandboxOptions, 'seed' | 'onResponse'> = {}): SandboxHandle {
  const handle = {
    violations: [] as string[],
    sandbox: undefined as unknown as Sandbox,
    client(token: string = SANDBOX_TOKENS.admin) {
      return createGitHubClients({
        token,
        apiUrl: handle.sandbox.urls.api,
        graphqlUrl: handle.sandbox.urls.graphql,
        retryBaseMs: 10,
        writeIntervalMs: 0,
        notificationIntervalMs: 0,
        requestTimeoutMs: 5_000,
      });
    },
  };
  beforeAll(async () => {
    handle.sandbox = await startSandbox({
      ...options,
      seed: typeof seed === 'function' ? seed() : seed,
      onResponse: (record) => {
        try {
          handle.violations.push(...validateAgainstOpenApi(record));
        } catch (error) {
          handle.violations.push(`${record.method} ${record.route}: validator failed: ${(error as Error).message}`);
        }
        if (record.server === 'graphql') {
          for (const error of (record.body as { errors?: { message: string }[] })?.errors ?? []) {
            if (GRAPHQL_VALIDATION.test(error.message)) handle.violations.push(`GraphQL query invalid against GitHub's schema: ${error.message}`);
          }
        }
      },
    });
  });
  afterAll(async () => {
    await handle.sandbox?.close();
    if (handle.violations.length > 0) throw new Error(`The sandbox answered outside GitHub's API description:\n${handle.violations.join('\n')}`);
  });
  return handle;
}

/** A small repository: three commits on main, a tag, a merged PR, labels. */
export function basicRepo(owner = 'acme', name = 'app'): SeedFixture['repos'] {
  return [
    {
      owner,
      name,
      commits: [
        { id: 'c1', message: 'Initial commit', files: { 'README.md': '# app\n', VERSION: '1.0.0\n' }, author: 'alice', date: '2024-01-01T00:00:00Z' },
        { id: 'c2', message: 'Add feature (#2)', files: { 'src/feature.txt': 'feature\n' }, author: 'bob', date: '2024-01-02T00:00:00Z' },
        { id: 'c3', message: 'Fix bug (#3)', files: { 'src/feature.txt': 'feature, fixed\n' }, author: 'carol', date: '2024-01-03T00:00:00Z' },
      ],
      tags: { 'v1.0.0': 'c1' },
      labels: [{ name: 'kind/bug', color: 'd73a4a' }, { name: 'kind/feature' }],
      pulls: [
        { number: 2, title: 'Add feature', user: 'bob', head: 'feature', mergeCommit: 'c2', labels: ['kind/feature'], body: '```release-note\nAdd a feature\n```' },
        { number: 3, title: 'Fix bug', user: 'carol', head: 'fix', mergeCommit: 'c3', labels: ['kind/bug'] },
      ],
    },
  ];
}
