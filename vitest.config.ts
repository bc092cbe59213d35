import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['schema/**/*.test.ts', 'web/**/*.test.ts', 'worker/**/*.test.ts', 'probe/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // network suites create namespaces and processes: run files one at a time on a 2-core machine
    fileParallelism: false,
  },
});
