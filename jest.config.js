/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
  testTimeout: 60000,
  setupFilesAfterEnv: ['<rootDir>/test/support/isolate.ts', '<rootDir>/test/support/reap.ts'],
};
