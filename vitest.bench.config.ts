import { defineConfig } from 'vitest/config';

// `npm run bench`: measurements, not tests. Each file writes JSON to bench/results/ and prints a table.
export default defineConfig({
  test: { include: ['bench/**/*.bench.ts'], testTimeout: 600_000, hookTimeout: 60_000, pool: 'forks', fileParallelism: false },
});
