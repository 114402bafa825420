import { DataSource, type MigrationInterface } from 'typeorm';
import type { DatabaseConnection } from './database-connection.js';
import { GuardedClient } from './pg-client.js';

export interface DataSourceOptions {
  connection: DatabaseConnection;
  poolSize: number;
}

/** An entity class; which ones exist is the composition root's list (app/entities.ts). */
export type EntityClass = abstract new (...args: never[]) => object;
export type MigrationClass = new () => MigrationInterface;

/**
 * The TypeORM data source over either database; the schema comes only from migrations. The
 * entities and migrations are handed in by the caller (app/, cli/): the database layer knows none.
 */
export function createDataSource(options: DataSourceOptions, entities: readonly EntityClass[], migrations: readonly MigrationClass[]): DataSource {
  const { connection, poolSize } = options;
  const { pg } = connection;
  return new DataSource({
    type: 'postgres',
    ...(pg.connectionString ? { url: pg.connectionString } : { host: pg.host, port: pg.port, username: pg.user, database: pg.database }),
    schema: 'public',
    uuidExtension: 'pgcrypto', // gen_random_uuid() is built in; uuid-ossp is missing from PGlite
    entities: [...entities],
    migrations: [...migrations],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      Client: GuardedClient,
      max: poolSize,
      application_name: 'windward',
      // Named statements (ReadStatements) are planned for their values on every execution, as
      // unnamed ones are: a generic plan could serve a selective filter from the wrong index.
      ...(connection.kind === 'postgres' ? { options: '-c plan_cache_mode=force_custom_plan' } : {}),
    },
  });
}

/** Applies pending migrations, each in its own transaction; returns the names applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
