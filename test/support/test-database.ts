import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openRuntime } from '../../src/app/platform-runtime.js';
import { seedReferenceData } from '../../src/app/reference-data.js';
import { loadConfig } from '../../src/config/app-config.js';

/**
 * A database of its own for one test file: a fresh database on the PostgreSQL server named by
 * DATABASE_URL, or, when it is unset, a fresh embedded PGlite directory.
 *
 * Under Jest, each is a copy of a template that the first file of the run migrates (and loads
 * the reference agencies into) once: `CREATE DATABASE … TEMPLATE` on PostgreSQL, a copied data
 * directory for PGlite. The platform still runs its migration check at start, as in production;
 * on a copy it finds nothing to do. The template's name comes from global-setup.mjs, which also
 * drops it at the end; without it (a script outside Jest), every database is migrated at start.
 */
export interface TestDatabase {
  env: Record<string, string>;
  kind: 'postgres' | 'embedded';
  drop(): Promise<void>;
}

const TEMPLATE = process.env.WINDWARD_TEST_TEMPLATE;

/** `empty`: no template, for a test of what the first start or `windward migrate` does to a new database. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  const template = options.empty ? undefined : TEMPLATE;
  // In both cases the directory holds only what a data directory holds besides the database
  // (the development platform-key passphrase): one per database, so files never share one.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-test-'));
  if (!base) {
    if (template) {
      await ensureEmbeddedTemplate(template);
      cpSync(templateDataDir(template), dataDir, { recursive: true });
    }
    return { kind: 'embedded', env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `windward_test_${randomBytes(6).toString('hex')}`;
  if (template) await ensurePostgresTemplate(base, template);
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

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(base: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Migrates a database the way the platform does at start, and loads the reference agencies. */
async function migrate(env: Record<string, string>): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'error', DATABASE_URL: '', ...env });
  const runtime = await openRuntime(config);
  try {
    await seedReferenceData(runtime);
  } finally {
    await runtime.close();
  }
}

/**
 * The first caller builds the template under a session lock of the server; the others wait for
 * it. It is built under a second name and renamed when complete, so that it exists only whole.
 */
async function ensurePostgresTemplate(base: string, template: string): Promise<void> {
  await withAdmin(base, async (admin) => {
    const exists = async () => ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount ?? 0) > 0;
    if (await exists()) return;
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      if (await exists()) return;
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building}`);
      await migrate({ DATABASE_URL: databaseUrl(base, building) });
      // WITH (FORCE) does not apply to RENAME: the closed pool's sessions may linger a moment.
      for (let attempt = 0; ; attempt += 1) {
        try {
          await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
}

function templateDataDir(template: string): string {
  return path.join(template, 'data');
}

/**
 * PGlite: `<template>/data` is migrated once and copied per file. The first caller takes
 * `<template>/building` (mkdir is atomic) and writes `<template>/ready` when the copy source is
 * complete and closed; the others wait for that.
 */
async function ensureEmbeddedTemplate(template: string): Promise<void> {
  const ready = path.join(template, 'ready');
  if (existsSync(ready)) return;
  mkdirSync(template, { recursive: true });
  let builder = false;
  try {
    mkdirSync(path.join(template, 'building'));
    builder = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (builder) {
    await migrate({ DATA_DIR: templateDataDir(template) });
    // The development passphrase belongs to each copy, not the template.
    rmSync(path.join(templateDataDir(template), 'platform-key.passphrase'), { force: true });
    writeFileSync(ready, '');
    return;
  }
  const until = Date.now() + 180_000;
  while (!existsSync(ready)) {
    if (Date.now() > until) throw new Error(`The PGlite template ${template} was not ready in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
