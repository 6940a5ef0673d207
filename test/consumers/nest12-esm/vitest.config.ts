import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: true,
    root: './',
    include: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    // Password hashing is slow on purpose, and a shared CI machine slower still.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
