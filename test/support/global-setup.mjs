import { register } from 'node:module';

// The same hooks that let the crypto pool's worker threads run from TypeScript sources.
register('../../src/crypto/ts-source-hooks.mjs', import.meta.url);

/**
 * Builds this run's template database once, before any worker starts (test-database.ts copies it
 * for every file), and names it in the environment that the workers inherit. Set on the medium and
 * e2e projects: a unit-only run builds nothing, and a run of both builds it once.
 */
export default async function globalSetup() {
  if (process.env.WINDWARD_TEST_TEMPLATE) return;
  const { buildTemplate } = await import('./database-template.ts');
  const started = Date.now();
  process.env.WINDWARD_TEST_TEMPLATE = await buildTemplate(process.env.DATABASE_URL);
  if (process.env.TEST_TIMINGS) process.stderr.write(`\ntemplate database built in ${Date.now() - started} ms\n`);
}
