import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every system tool the tests use, checked once before any test: a missing one fails at once, by name.
    // Then dist/ is rebuilt when the sources changed since it was built, so a bundle test never tests stale code.
    globalSetup: ['test/system-tools.ts', 'test/fresh-dist.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The tests mostly wait on child processes, HTTP and the registry: three files at a time fit 2 cores.
    maxWorkers: 3,
    reporters: ['default'],
    // GitHub's workflow parser imports its JSON schema without an import attribute, which only a
    // bundler accepts: let Vite transform it (ncc does the same for the relkit command).
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
