import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGliteSessionServer } from './pglite-session-server.js';

/** The port number only names the socket file (`.s.PGSQL.<port>`), as with a real PostgreSQL. */
const SOCKET_PORT = 5432;
const MAX_CONNECTIONS = 64;

export interface EmbeddedPostgres {
  /** Directory holding the Unix socket; `pg` treats a host starting with `/` as one. */
  socketDir: string;
  port: number;
  /** True when this process runs PGlite; false when it borrowed another process's socket. */
  owner: boolean;
  close(): Promise<void>;
}

function socketPath(dataDir: string): string {
  return path.join(dataDir, `.s.PGSQL.${SOCKET_PORT}`);
}

function canConnect(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Opens the embedded database under `dataDir`. PGlite allows one process per data directory, so
 * the process that opens it also serves it on a Unix socket in that directory; a CLI command
 * started while a server is running connects to that socket instead of opening PGlite itself.
 */
export async function openEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = socketPath(dataDir);
  if (existsSync(file)) {
    if (await canConnect(file)) {
      return { socketDir: dataDir, port: SOCKET_PORT, owner: false, close: async () => undefined };
    }
    unlinkSync(file); // left behind by a process that died
  }
  const db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
  const server = new PGliteSessionServer(db, file, MAX_CONNECTIONS);
  await server.start();
  return {
    socketDir: dataDir,
    port: SOCKET_PORT,
    owner: true,
    close: async () => {
      await server.stop();
      await db.close();
      if (existsSync(file)) unlinkSync(file);
    },
  };
}
