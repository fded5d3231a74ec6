import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // DuckDB work is CPU-bound and the machine has two cores
    maxWorkers: 2,
    minWorkers: 1,
  },
});
