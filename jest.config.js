// `npm test -- <path>` runs a subset of the suite: the engine's coverage floor is for the whole of it.
const subset = process.argv.slice(2).some((arg) => !arg.startsWith('-'));

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  setupFiles: ['<rootDir>/test/support/setup.ts'],
  testTimeout: 20000,
  collectCoverageFrom: ['src/**/*.ts'],
  // Here, not on the command line: `npm test -- <path>` would otherwise be read as one more reporter.
  coverageReporters: ['text-summary'],
  ...(subset ? {} : { coverageThreshold: { './src/engine/': { lines: 90 } } }),
};
