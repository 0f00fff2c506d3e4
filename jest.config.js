/**
 * Jest runs TypeScript tests as native ES modules through ts-jest (transpile only; `npm run
 * build` type-checks). Native ESM in jest needs Node's --experimental-vm-modules, which the npm
 * scripts pass. Unit tests import src/ directly; end-to-end tests run the built CLI (bin/run.js).
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  // plugins/<name>/test: the example plugins' own tests.
  roots: ['<rootDir>/test', '<rootDir>/plugins'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: {
    '^llm-host$': '<rootDir>/src/index.ts',
    '^llm-host/command$': '<rootDir>/src/command.ts',
    '^llm-host/experiments$': '<rootDir>/default-plugins/experiments/library.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  // Removes the stdout listener oclif adds at load, once per test file (see the file).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/stdout-error-listeners.ts'],
  // A guard against hangs, not a measure of speed: a loaded 2-core machine runs some e2e tests slowly.
  testTimeout: 120_000,
  // A test that fails part way (an npm install that times out) can leave a child process or a
  // loopback server behind; jest would then wait for it forever after reporting. The failure is
  // already reported: exit with it rather than hang CI until its time limit.
  forceExit: true,
};
