import type { PoolConfig } from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { openEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

/** Where the database is: one `pg` configuration whether it is a real server or embedded PGlite. */
export interface DatabaseConnection {
  pg: PoolConfig;
  kind: 'postgres' | 'embedded';
  embedded?: EmbeddedPostgres;
  close(): Promise<void>;
}

export async function openDatabaseConnection(config: AppConfig): Promise<DatabaseConnection> {
  if (config.database.url) {
    return { kind: 'postgres', pg: { connectionString: config.database.url }, close: async () => undefined };
  }
  const embedded = await openEmbeddedPostgres(config.database.dataDir);
  return {
    kind: 'embedded',
    pg: { host: embedded.socketDir, port: embedded.port, user: 'postgres', database: 'postgres' },
    embedded,
    close: () => embedded.close(),
  };
}
