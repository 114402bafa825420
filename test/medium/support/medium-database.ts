import type { DataSource, QueryRunner } from 'typeorm';
import { createDataSource, runMigrations } from '../../../src/database/data-source.js';
import type { DatabaseConnection } from '../../../src/database/database-connection.js';
import { openEmbeddedPostgres } from '../../../src/database/embedded-postgres.js';
import { ENTITIES } from '../../../src/app/entities.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { createTestDatabase } from '../../support/test-database.js';

/** A TypeORM data source on a fresh database of its own, without Nest or HTTP. */
export interface MediumDatabase {
  dataSource: DataSource;
  kind: DatabaseConnection['kind'];
  close(): Promise<void>;
}

/**
 * A fresh database as the test platform makes one (a database on the server named by DATABASE_URL,
 * or, when it is unset, an embedded PGlite directory), opened with the application's own data
 * source; `migrate` applies the migrations, as a server does at start.
 */
export async function openMediumDatabase(options: { poolSize?: number; migrate?: boolean } = {}): Promise<MediumDatabase> {
  const database = await createTestDatabase();
  let connection: DatabaseConnection;
  if (database.kind === 'postgres') {
    connection = { kind: 'postgres', pg: { connectionString: database.env.DATABASE_URL }, close: async () => undefined };
  } else {
    const embedded = await openEmbeddedPostgres(database.env.DATA_DIR, { command: 'test', role: 'server' });
    connection = { kind: 'embedded', pg: { host: embedded.socketDir, port: embedded.port, user: 'postgres', database: 'postgres' }, embedded, close: () => embedded.close() };
  }
  const dataSource = createDataSource({ connection, poolSize: options.poolSize ?? 4 }, ENTITIES, MIGRATIONS);
  await dataSource.initialize();
  if (options.migrate) await runMigrations(dataSource);
  return {
    dataSource,
    kind: connection.kind,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await connection.close();
      await database.drop();
    },
  };
}

/** Runs migration steps (`up`, `down`) on one query runner inside a transaction, as the migrator runs them: all or nothing. */
export async function inTransaction(db: MediumDatabase, steps: (runner: QueryRunner) => Promise<void>): Promise<void> {
  const runner = db.dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await steps(runner);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}
