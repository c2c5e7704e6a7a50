import { defineConfig } from 'vitest/config';
import bench from './vitest.bench.config.js';

// `npm run bench:peers`: relkit against the tools it replaces, on the same job; each peer says how to get it.
export default defineConfig({ ...bench, test: { ...bench.test, include: ['bench/peers/*.peer.ts'] } });
