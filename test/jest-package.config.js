/**
 * The package as adopters get it (`npm run test:package`): test/package.spec.ts packs the library and installs it
 * into the consumer apps of test/consumers/, and test/readme-adoption.spec.ts holds the README to those apps. Kept
 * out of the end-to-end suite, which `npm test` runs once per database and HTTP adapter.
 */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testRegex: 'test/(package|readme-adoption)\\.spec\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testEnvironment: 'node',
};
