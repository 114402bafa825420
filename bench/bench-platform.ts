import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startServer, type RunningServer } from '../src/app/server.js';
import { ApiKeysService } from '../src/auth/api-keys.service.js';
import { loadConfig } from '../src/config/app-config.js';
import { UsersService } from '../src/users/users.service.js';

export interface GraphqlReply<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A Windward server on a throwaway database, for benchmarks; `close()` removes everything it made (the database stays with `keepDatabase`). */
export interface BenchPlatform {
  server: RunningServer;
  databaseKind: 'postgres' | 'embedded';
  /** The database created on DATABASE_URL's server; null when embedded. */
  databaseName: string | null;
  gql<T>(token: string, query: string, variables?: Record<string, unknown>): Promise<GraphqlReply<T>>;
  apiKeyFor(agencyCode: string, roles: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * A fresh database on the server DATABASE_URL names (dropped afterwards), or embedded PGlite in a
 * temporary directory when it is unset. DATA_DIR is always temporary, so nothing is left behind.
 */
export async function startBenchPlatform(
  options: { keepDatabase?: boolean; randomPageCost?: number; nodeEnv?: 'test' | 'production' } = {},
): Promise<BenchPlatform> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-bench-'));
  const base = process.env.DATABASE_URL;
  let databaseUrl = '';
  let dropDatabase = async (): Promise<void> => undefined;
  let databaseName: string | null = null;
  if (base) {
    const name = `windward_bench_${randomBytes(6).toString('hex')}`;
    databaseName = name;
    await adminQuery(base, `CREATE DATABASE ${name}`);
    // A planner setting of the database, as a DBA sets it for data on SSD or in memory (the default
    // of 4 models spinning disks); set before Windward's first connection, so every session has it.
    if (options.randomPageCost !== undefined) await adminQuery(base, `ALTER DATABASE ${name} SET random_page_cost = ${Number(options.randomPageCost)}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  const nodeEnv = options.nodeEnv ?? 'test';
  const config = loadConfig({
    ...process.env,
    NODE_ENV: nodeEnv,
    // Production refuses to start without one; a throwaway for the throwaway platform key.
    ...(nodeEnv === 'production' && !process.env.PLATFORM_KEY_PASSPHRASE ? { PLATFORM_KEY_PASSPHRASE: randomBytes(16).toString('hex') } : {}),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `windward-bench-${randomBytes(4).toString('hex')}`,
  });
  let server: RunningServer;
  try {
    server = await startServer(config, { worker: false });
  } catch (error) {
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  let counter = 0;
  return {
    server,
    databaseKind: base ? 'postgres' : 'embedded',
    databaseName,
    async gql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlReply<T>> {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphqlReply<T>;
    },
    async apiKeyFor(agencyCode: string, roles: string[]): Promise<string> {
      const email = `bench-${++counter}-${randomBytes(3).toString('hex')}@${agencyCode.toLowerCase()}.bench`;
      await server.app.get(UsersService).createOrGet({ agencyCode, email, roles });
      return (await server.app.get(ApiKeysService).create(email)).key;
    },
    async close() {
      await server.close();
      if (!options.keepDatabase) await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
