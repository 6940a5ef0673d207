/** Unit specs: `*.spec.ts` beside the code they test. */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps'],
  testRegex: '\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@nest-oauth/server$': '<rootDir>/libs/oauth/src',
    '^@nest-oauth/server/(.*)$': '<rootDir>/libs/oauth/src/$1',
  },
  testEnvironment: 'node',
};
