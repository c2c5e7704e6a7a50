import { defineConfig } from 'vitest/config';

// `npm run bench`: measurements, not tests. Each file writes JSON to bench/results/ and prints a table.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    // The workflow parser imports its JSON schema without an import attribute; inlined, Vite loads it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
