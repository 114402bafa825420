import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseUrl, withAdmin } from './database-template.js';

/**
 * A database of its own for one test file: a fresh database on the PostgreSQL server named by
 * DATABASE_URL, or, when it is unset, a fresh embedded PGlite directory.
 *
 * Under Jest it is a copy of the run's template (database-template.ts, built by global-setup.mjs):
 * `CREATE DATABASE … TEMPLATE` on PostgreSQL (a fraction of a second), a copied data directory for
 * PGlite. The platform still runs its migration check at start, as in production, and finds
 * nothing to do. Without a template (outside Jest, or `empty`), the platform migrates it at start.
 */
export interface TestDatabase {
  env: Record<string, string>;
  kind: 'postgres' | 'embedded';
  drop(): Promise<void>;
}

/** `empty`: no template, for a test of what the first start or `windward migrate` does to a new database. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  const template = options.empty ? undefined : process.env.WINDWARD_TEST_TEMPLATE;
  // On PostgreSQL too, a DATA_DIR of its own: it holds the development platform-key passphrase,
  // which parallel files must not race to create in one shared place.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-test-'));
  if (!base) {
    if (template) cpSync(template, dataDir, { recursive: true });
    return { kind: 'embedded', env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `windward_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(base, (admin) => admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`));
  return {
    kind: 'postgres',
    env: { DATABASE_URL: databaseUrl(base, name), DATA_DIR: dataDir },
    drop: async () => {
      await withAdmin(base, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
