/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  setupFiles: ['<rootDir>/test/support/setup.ts'],
  testTimeout: 20000,
  collectCoverageFrom: ['src/**/*.ts'],
  coverageThreshold: { './src/engine/': { lines: 90 } },
};
