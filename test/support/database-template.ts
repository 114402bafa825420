import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openRuntime } from '../../src/app/platform-runtime.js';
import { seedReferenceData } from '../../src/app/reference-data.js';
import { loadConfig } from '../../src/config/app-config.js';

/**
 * The template every test database of a run is copied from: migrated, BullMQ's tables made and the
 * reference agencies loaded, exactly as a platform's first start does. Built once per run by
 * global-setup.mjs; its name is unique, since several runs may share one PostgreSQL server.
 * Returns a database name on PostgreSQL (`base` is DATABASE_URL), a directory for PGlite.
 */
export async function buildTemplate(base: string | undefined): Promise<string> {
  if (!base) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'windward-template-'));
    await migrate({ DATA_DIR: dir });
    // The development passphrase file belongs to each copy, not to the template.
    rmSync(path.join(dir, 'platform-key.passphrase'), { force: true });
    return dir;
  }
  const name = `windward_template_${randomBytes(5).toString('hex')}`;
  await withAdmin(base, (admin) => admin.query(`CREATE DATABASE ${name}`));
  await migrate({ DATABASE_URL: databaseUrl(base, name) });
  return name;
}

export async function dropTemplate(base: string | undefined, template: string): Promise<void> {
  if (!base) rmSync(template, { recursive: true, force: true });
  else await withAdmin(base, (admin) => admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
}

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(base: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function migrate(env: Record<string, string>): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'error', DATABASE_URL: '', ...env });
  const runtime = await openRuntime(config);
  try {
    await seedReferenceData(runtime);
  } finally {
    await runtime.close();
  }
}
