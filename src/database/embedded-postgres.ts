import { existsSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { JsonLogger } from '../observability/json-logger.js';
import { ConfigError } from '../config/config-error.js';
import { dataDirExistsOrThrow, ensureDataDirOrThrow } from './data-dir.js';
import { acquireDataDirLock, announceWaitingServer, DataDirInUseError, serverIsWaiting, type DataDirLock, type HolderRole } from './data-dir-lock.js';
import { LeaseServer, takeLease, type Lease, type ProcessName } from './embedded-leases.js';
import { PGliteSessionServer } from './pglite-session-server.js';

/** The port number only names the socket file (`.s.PGSQL.<port>`), as with a real PostgreSQL. */
const SOCKET_PORT = 5432;
const MAX_CONNECTIONS = 64;
const LEASE_SOCKET = 'windward.sock';
/** Between looks at a data directory whose holder is starting, stopping or finishing its work. */
const POLL_MS = 100;
/**
 * How long a command waits for a holder that neither serves it nor lets go of the directory: a
 * host still starting, or a server shutting down (at most a third of its SHUTDOWN_TIMEOUT_MS).
 */
const COMMAND_WAIT_MS = 120_000;
/** A command that has waited this long says for whom (a first start's migrations take about 10 s). */
const WAIT_NOTICE_MS = 15_000;

export interface EmbeddedPostgres {
  /** Directory holding the Unix socket; `pg` treats a host starting with `/` as one. */
  socketDir: string;
  port: number;
  /** True when this process runs PGlite; false when it uses another process's. */
  owner: boolean;
  /**
   * The database is ready for others (its migrations have run): from now on other processes that
   * want it use this one's. Until then they wait. Nothing for a process that does not run it.
   */
  admitClients(): void;
  /** Runs PGlite: waits for the processes using it to finish first (see `clientWaitMs`). */
  close(): Promise<void>;
}

/** The process that served this one the database stopped while this one was using it. */
export class EmbeddedHostLostError extends Error {
  constructor(
    readonly dataDir: string,
    readonly host: ProcessName,
  ) {
    super(
      `the embedded database in ${dataDir} went away: \`${host.command}\` (pid ${host.pid}), which ran it, stopped before this command finished ` +
        '(what was not committed is rolled back); run the command again',
    );
  }
}

/** A command that works on an existing database found none in DATA_DIR (and made none). */
export class NoEmbeddedDatabaseError extends ConfigError {
  constructor(readonly dataDir: string) {
    super(`there is no database in DATA_DIR ${dataDir}: create one with \`windward migrate\` (or start \`windward serve\`), or set DATA_DIR to the directory that holds yours`);
  }
}

/** PostgreSQL's mark of an initialised data directory. */
function holdsDatabase(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'));
}

export interface EmbeddedOpenOptions {
  /** Names this process in the lock and to the host whose database it uses: `windward user create`. */
  command: string;
  /**
   * PGlite allows one process per data directory; the others use that one's database.
   * - `server` (`windward serve`) runs it itself: it is refused while another server or a worker
   *   runs it (naming it), and waits while a command does.
   * - `worker` uses a server's or another worker's, or runs it; it waits while a command runs it,
   *   which would otherwise have to stay up as long as the worker.
   * - `command` uses whichever process runs it, or runs it.
   */
  role: HolderRole;
  /**
   * False for a command that works on an existing database (`audit verify`, `apikey revoke`): with
   * none in DATA_DIR it fails (NoEmbeddedDatabaseError) and writes nothing there, rather than make
   * an empty one. By default the database is made when missing (`serve`, `migrate`, `user create`).
   */
  create?: boolean;
  /**
   * How long `close()` waits for the other processes using this one's database: unbounded for a
   * command (they are commands that end), bounded for servers and workers by their shutdown time.
   * Those still there then hear that it stops, and fail in one line.
   */
  clientWaitMs?: number;
  logger?: JsonLogger;
  /** This process used another's database, and that process stopped before this one was done. */
  onHostLost?: (error: EmbeddedHostLostError) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process with `role` uses the database run by one with `holder` rather than run its own. */
function usesHostOf(role: HolderRole, holder: HolderRole): boolean {
  if (role === 'command') return true;
  return role === 'worker' && holder !== 'command';
}

/**
 * Opens the embedded database under `dataDir`. PGlite allows one process per data directory, so
 * the process that opens it holds `windward.lock`, serves it on a Unix socket in that directory and
 * keeps it open until the processes using it are done; another process started meanwhile uses
 * that socket, or (see `role`) waits for the holder to finish and then runs it itself.
 */
export async function openEmbeddedPostgres(dataDir: string, options: EmbeddedOpenOptions = { command: 'windward', role: 'command' }): Promise<EmbeddedPostgres> {
  if (options.create === false && !dataDirExistsOrThrow(dataDir)) throw new NoEmbeddedDatabaseError(dataDir);
  ensureDataDirOrThrow(dataDir);
  const me: ProcessName = { pid: process.pid, command: options.command };
  const started = Date.now();
  let noticed: number | undefined;
  // A waiting server's announcement (see serverIsWaiting), withdrawn however this ends.
  let announced: { release(): void } | undefined;
  try {
    for (;;) {
      // A server waits for the same command: it runs the database, this worker will use it.
      if (options.role === 'worker' && serverIsWaiting(dataDir)) {
        await sleep(POLL_MS);
        continue;
      }
      let lock: DataDirLock;
      try {
        lock = acquireDataDirLock(dataDir, { command: options.command, role: options.role });
      } catch (error) {
        if (!(error instanceof DataDirInUseError)) throw error;
        const { holder } = error;
        const holderRole = holder.role ?? 'server';
        if (options.role === 'server' && holderRole !== 'command') throw error;
        if (usesHostOf(options.role, holderRole)) {
          const client = await useHost(dataDir, me, options);
          if (client) return client;
          // The holder is starting, or stopping: soon it serves, or the directory is free.
          if (Date.now() - started > COMMAND_WAIT_MS) throw error;
          if (noticed === undefined && Date.now() - started > WAIT_NOTICE_MS) {
            noticed = holder.pid;
            options.logger?.event('warn', `waiting for \`${holder.command}\` (pid ${holder.pid}), which runs the embedded database, to finish starting or stopping`, { dataDir, pid: holder.pid, command: holder.command });
          }
        } else if (noticed !== holder.pid) {
          // A server or worker waits for a command to finish, however long it takes: it says so once
          // per holder, since a command may start (and hold the directory) while it waits.
          noticed = holder.pid;
          if (options.role === 'server') announced ??= announceWaitingServer(dataDir, options.command);
          options.logger?.event('info', `waiting for \`${holder.command}\` (pid ${holder.pid}) to finish with DATA_DIR`, { dataDir, pid: holder.pid, command: holder.command });
        }
        await sleep(POLL_MS);
        continue;
      }
      try {
        // Only the holder of the lock makes the database, so only then is its absence certain.
        if (options.create === false && !holdsDatabase(dataDir)) throw new NoEmbeddedDatabaseError(dataDir);
        return await host(dataDir, me, lock, options);
      } catch (error) {
        lock.release();
        throw error;
      }
    }
  } finally {
    announced?.release();
  }
}

/** Uses the database of the process that holds the lock, if it takes this one on now. */
async function useHost(dataDir: string, me: ProcessName, options: EmbeddedOpenOptions): Promise<EmbeddedPostgres | null> {
  const lease: Lease | null = await takeLease(path.join(dataDir, LEASE_SOCKET), me, (host) => options.onHostLost?.(new EmbeddedHostLostError(dataDir, host)));
  if (!lease) return null;
  return {
    socketDir: dataDir,
    port: SOCKET_PORT,
    owner: false,
    admitClients: () => undefined,
    // Called once this process's connections are closed: the host may stop once every lease is.
    close: () => lease.release(),
  };
}

/** Runs PGlite for this process and, once admitted, for the others. The caller holds the lock. */
async function host(dataDir: string, me: ProcessName, lock: DataDirLock, options: EmbeddedOpenOptions): Promise<EmbeddedPostgres> {
  const file = path.join(dataDir, `.s.PGSQL.${SOCKET_PORT}`);
  if (existsSync(file)) unlinkSync(file); // left behind by a process that died
  const db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
  const server = new PGliteSessionServer(db, file, MAX_CONNECTIONS);
  const leases = new LeaseServer(path.join(dataDir, LEASE_SOCKET), me, {
    admitWhileClosing: options.role === 'command',
    onClient: (client) => options.logger?.event('info', 'another Windward process uses the embedded database', { pid: client.pid, command: client.command }),
  });
  const stop = async () => {
    await server.stop();
    await db.close();
    if (existsSync(file)) unlinkSync(file);
  };
  try {
    await server.start();
    await leases.start();
  } catch (error) {
    await leases.close(0).catch(() => undefined);
    await stop().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    socketDir: dataDir,
    port: SOCKET_PORT,
    owner: true,
    admitClients: () => leases.admit(),
    close: () =>
      (closing ??= (async () => {
        try {
          await leases.close(options.clientWaitMs ?? Number.POSITIVE_INFINITY, (clients) =>
            options.logger?.event('warn', 'waiting for the other Windward processes using the embedded database to finish', { dataDir, processes: clients }),
          );
          await stop();
        } finally {
          lock.release();
        }
      })()),
  };
}
