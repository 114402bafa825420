import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';
import { openDatabaseConnection, type DatabaseConnection } from '../database/database-connection.js';
import type { EmbeddedOpenOptions } from '../database/embedded-postgres.js';
import { ChangeChannel, CREDENTIAL_CHANGES_CHANNEL } from '../database/change-channel.js';
import { createDataSource, runMigrations } from '../database/data-source.js';
import { DatabaseOutage } from '../database/database-outage.js';
import { openQueueBackend, type QueueBackend } from '../jobs/queue-backend.js';
import { JsonLogger } from '../observability/json-logger.js';
import { Metrics } from '../observability/metrics.js';
import { ENTITIES } from './entities.js';

/** Arbitrary but fixed: serialises migrations between processes started at the same time. */
const MIGRATION_LOCK = 7_337_001;

/**
 * The connections a process holds, opened before Nest starts so that migrations have run by the
 * time any module touches the database. Closed last, after Nest has finished its shutdown.
 */
export interface PlatformRuntime {
  config: AppConfig;
  logger: JsonLogger;
  metrics: Metrics;
  connection: DatabaseConnection;
  dataSource: DataSource;
  queue: QueueBackend;
  /** Whether the database is down right now; logs an outage once at its start and once at its end. */
  outage: DatabaseOutage;
  /** Changes to what credentials stand for, heard from the database; null where nothing may be cached (embedded, or switched off). */
  credentialChanges: ChangeChannel | null;
  appliedMigrations: string[];
  close(): Promise<void>;
}

/** The data source of this application: its entities, its migrations. */
export function appDataSource(connection: DatabaseConnection, poolSize: number): DataSource {
  return createDataSource({ connection, poolSize }, ENTITIES, MIGRATIONS);
}

export async function applyMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await runMigrations(dataSource);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** This version's migrations that the database has not run: all of them on a new database. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  // Read, never created: TypeORM's own check makes the table, which a read-only role cannot.
  const [{ exists }] = (await dataSource.query("SELECT to_regclass('public.migrations') IS NOT NULL AS exists")) as { exists: boolean }[];
  const run = exists ? new Set(((await dataSource.query('SELECT name FROM migrations')) as { name: string }[]).map((row) => row.name)) : new Set<string>();
  // Named as TypeORM names them when it runs them.
  return dataSource.migrations.map((migration) => migration.name || migration.constructor.name).filter((name) => !run.has(name));
}

/** `embedded`: how this process shares an embedded DATA_DIR (by default, as a command). */
export async function openRuntime(config: AppConfig, logger = new JsonLogger(config.log.level), embedded?: EmbeddedOpenOptions): Promise<PlatformRuntime> {
  const connection = await openDatabaseConnection(config, { command: 'windward', role: 'command', ...embedded, logger: embedded?.logger ?? logger });
  const dataSource = appDataSource(connection, config.database.poolSize);
  try {
    await dataSource.initialize();
    const appliedMigrations = await applyMigrations(dataSource);
    for (const name of appliedMigrations) logger.event('info', 'migration applied', { migration: name });
    const queue = await openQueueBackend({ redisUrl: config.redis.url, redisPrefix: config.redis.prefix, pg: connection.pg });
    // PGlite has one session, so the advisory locks that keep two processes' migrations apart do
    // not: others wait until this process has applied them (ours and BullMQ's), then find none.
    connection.embedded?.admitClients();
    const outage = new DatabaseOutage(logger, () => dataSource.query('SELECT 1'));
    // Embedded PGlite has one session for every connection: nothing would be saved by caching, and
    // a LISTEN there is the session's, not a connection's.
    const credentialChanges = connection.kind === 'postgres' && config.database.credentialCache === 'on'
      ? new ChangeChannel({
          channel: CREDENTIAL_CHANGES_CHANNEL,
          connection: connection.pg,
          notify: (channel, payload) => dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]),
          logger,
        })
      : null;
    return {
      config,
      logger,
      metrics: new Metrics(),
      connection,
      dataSource,
      queue,
      outage,
      credentialChanges,
      appliedMigrations,
      close: async () => {
        outage.close();
        await credentialChanges?.close();
        await queue.close();
        if (dataSource.isInitialized) await dataSource.destroy();
        await connection.close();
      },
    };
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await connection.close();
    throw error;
  }
}
