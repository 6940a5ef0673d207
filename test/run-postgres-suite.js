#!/usr/bin/env node
// Runs the end-to-end suite on PostgreSQL when TEST_POSTGRES_URL points at one; says so plainly when it does not.
const { spawnSync } = require('node:child_process');

if (!process.env.TEST_POSTGRES_URL) {
  console.log('PostgreSQL end-to-end specs SKIPPED: set TEST_POSTGRES_URL=postgres://USER@HOST:5432/DATABASE to run them.');
  process.exit(0);
}
const jestBin = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jestBin, '--config', 'test/jest-e2e.config.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TEST_DATABASE: 'postgres' },
});
process.exit(result.status ?? 1);
