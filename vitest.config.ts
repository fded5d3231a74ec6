import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // what a page shows after its requests answer: on two loaded cores that can take seconds
    expect: { poll: { timeout: 15_000 } },
    // DuckDB work is CPU-bound and the machine has two cores
    maxWorkers: 2,
    minWorkers: 1,
  },
});
