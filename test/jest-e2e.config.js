/** End-to-end specs: the real app over real HTTP, one scenario per file. */
const unit = require('../jest.config');

module.exports = {
  ...unit,
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testRegex: '\\.e2e-spec\\.ts$',
  // The consumer apps are separate projects with their own installs; test/package.e2e-spec.ts runs them.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
  globalSetup: '<rootDir>/test/global-setup.js',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@nest-oauth/server$': '<rootDir>/libs/oauth/src',
    '^@nest-oauth/server/(.*)$': '<rootDir>/libs/oauth/src/$1',
  },
};
