import type { PoolConfig } from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { openEmbeddedPostgres, type EmbeddedOpenOptions, type EmbeddedPostgres } from './embedded-postgres.js';

/** Where the database is: one `pg` configuration whether it is a real server or embedded PGlite. */
export interface DatabaseConnection {
  pg: PoolConfig;
  kind: 'postgres' | 'embedded';
  embedded?: EmbeddedPostgres;
  close(): Promise<void>;
}

/** `embedded` says how this process uses an embedded DATA_DIR (servers hold it alone). */
export async function openDatabaseConnection(config: AppConfig, embedded?: EmbeddedOpenOptions): Promise<DatabaseConnection> {
  if (config.database.url) {
    return { kind: 'postgres', pg: { connectionString: config.database.url }, close: async () => undefined };
  }
  const database = await openEmbeddedPostgres(config.database.dataDir, embedded);
  return {
    kind: 'embedded',
    pg: { host: database.socketDir, port: database.port, user: 'postgres', database: 'postgres' },
    embedded: database,
    close: () => database.close(),
  };
}
