// Jest runs in native ESM mode (NestJS 12 is ESM-only); @swc/jest compiles TypeScript with the
// decorator metadata NestJS and TypeORM need.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

/**
 * Three tiers (run one with `--selectProjects unit|medium|e2e`, or `npm run test:<tier>`):
 * - unit: pure code next to it, no database, no Nest;
 * - medium: Nest and a real database, no HTTP;
 * - e2e: whatever crosses HTTP or WebSocket, or drives a browser or a CLI process.
 * Every file of the last two gets a database of its own, copied from a template that their global
 * setup migrates once per run (test/support/database-template.ts), so files run in parallel workers.
 */
const withDatabase = {
  ...shared,
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
};

export default {
  testTimeout: 60000,
  testSequencer: '<rootDir>/test/support/slow-first-sequencer.mjs',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...withDatabase, displayName: 'medium', testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'] },
    // All of test/, not only test/e2e/: an e2e file added at the old place still runs.
    { ...withDatabase, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
