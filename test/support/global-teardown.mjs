import { rmSync } from 'node:fs';
import pg from 'pg';

/** Drops this run's template (global-setup.mjs), whichever database it was made on. */
export default async function globalTeardown() {
  const template = process.env.WINDWARD_TEST_TEMPLATE;
  if (!template) return;
  if (!process.env.DATABASE_URL) {
    rmSync(template, { recursive: true, force: true });
    return;
  }
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    for (const name of [template, `${template}_building`]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
