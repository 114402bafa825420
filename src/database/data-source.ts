import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { DatabaseConnection } from './database-connection.js';
import { ENTITIES } from '../app/entities.js';

/** The TypeORM data source over either database; the schema comes only from migrations. */
export function createDataSource(connection: DatabaseConnection, poolSize: number): DataSource {
  const { pg } = connection;
  return new DataSource({
    type: 'postgres',
    ...(pg.connectionString ? { url: pg.connectionString } : { host: pg.host, port: pg.port, username: pg.user, database: pg.database }),
    schema: 'public',
    uuidExtension: 'pgcrypto', // gen_random_uuid() is built in; uuid-ossp is missing from PGlite
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
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
