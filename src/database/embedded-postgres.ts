import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock, DataDirInUseError } from './data-dir-lock.js';
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

export interface EmbeddedOpenOptions {
  /** Names this process in the lock, so that a refused process can say who holds the directory. */
  command: string;
  /**
   * A server must run the database itself: a second server on the same directory is refused
   * (naming the first) instead of sharing the first one's database and running a second worker.
   */
  exclusive: boolean;
}

/**
 * Opens the embedded database under `dataDir`. PGlite allows one process per data directory, so
 * the process that opens it holds `windward.lock` and serves it on a Unix socket in that
 * directory; a CLI command started while another process holds it connects to that socket.
 */
export async function openEmbeddedPostgres(dataDir: string, options: EmbeddedOpenOptions = { command: 'windward', exclusive: false }): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = socketPath(dataDir);
  let lock;
  try {
    lock = acquireDataDirLock(dataDir, options.command);
  } catch (error) {
    if (!(error instanceof DataDirInUseError) || options.exclusive) throw error;
    // The holder may still be starting: give its socket a moment to appear.
    for (let i = 0; i < 100; i += 1) {
      if (existsSync(file) && (await canConnect(file))) {
        return { socketDir: dataDir, port: SOCKET_PORT, owner: false, close: async () => undefined };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw error;
  }
  try {
    if (existsSync(file)) unlinkSync(file); // left behind by a process that died
    const db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
    const server = new PGliteSessionServer(db, file, MAX_CONNECTIONS);
    await server.start();
    return {
      socketDir: dataDir,
      port: SOCKET_PORT,
      owner: true,
      close: async () => {
        try {
          await server.stop();
          await db.close();
          if (existsSync(file)) unlinkSync(file);
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
