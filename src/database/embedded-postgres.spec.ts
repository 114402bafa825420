import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DataDirInUseError } from './data-dir-lock.js';
import { NoEmbeddedDatabaseError, openEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

/*
 * Several openers in one process stand for several processes: the lock names this process, which
 * is alive, so a second opener finds the directory held just as another process would.
 */
const pending = Symbol('pending');
async function peek<T>(promise: Promise<T>, ms = 300): Promise<T | typeof pending> {
  return Promise.race([promise, new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), ms))]);
}

// Each case boots PGlite (WebAssembly) two or three times: about 5 s each on a quiet machine, but
// several times that while other suites share the two cores (one case took over 60 s so in CI).
const BOOTS = 180_000;

describe('the embedded database shared by several Windward processes', () => {
  let dir: string;
  /** Closed after each test, pools first, the last opened first: a failing test must not leave PGlite running. */
  let pools: pg.Pool[] = [];
  let databases: EmbeddedPostgres[] = [];
  const open = async (...args: Parameters<typeof openEmbeddedPostgres>) => {
    const database = await openEmbeddedPostgres(...args);
    databases.unshift(database);
    return database;
  };
  const poolFor = (database: EmbeddedPostgres) => {
    const pool = new pg.Pool({ host: database.socketDir, port: database.port, user: 'postgres', database: 'postgres', max: 2 });
    pools.push(pool);
    return pool;
  };
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'windward-embedded-'))));
  afterEach(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    for (const database of databases) await database.close();
    pools = [];
    databases = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('a command that runs it keeps serving the commands using it until they are done', async () => {
    const host = await open(dir, { command: 'windward user create', role: 'command' });
    expect(host.owner).toBe(true);
    host.admitClients();
    const lost: Error[] = [];
    const other = await open(dir, { command: 'windward apikey create', role: 'command', onHostLost: (error) => lost.push(error) });
    expect(other.owner).toBe(false);
    const pool = poolFor(other);
    await pool.query('CREATE TABLE done (n int)');

    // The host's own work is over; the other command's is not.
    const hostClosed = host.close();
    expect(await peek(hostClosed)).toBe(pending);
    await pool.query('INSERT INTO done VALUES (1)');
    expect((await pool.query<{ n: number }>('SELECT n FROM done')).rows).toEqual([{ n: 1 }]);
    await pool.end();
    pools = [];
    await other.close();
    await hostClosed;
    expect(lost).toEqual([]);

    // The next opener finds the directory free and runs the database: what was written is there.
    const next = await open(dir, { command: 'windward audit verify', role: 'command' });
    expect(next.owner).toBe(true);
    expect((await poolFor(next).query<{ n: number }>('SELECT n FROM done')).rows).toEqual([{ n: 1 }]);
  }, BOOTS);

  it('a server waits while a command runs it, then runs it; a second server is refused with the first named', async () => {
    const command = await open(dir, { command: 'windward demo', role: 'command' });
    expect(JSON.parse(readFileSync(path.join(dir, 'windward.lock'), 'utf8'))).toMatchObject({ command: 'windward demo', role: 'command' });
    const serverOpening = open(dir, { command: 'windward serve', role: 'server' });
    expect(await peek(serverOpening)).toBe(pending);
    await command.close();
    const server = await serverOpening;
    expect(server.owner).toBe(true);

    const second = open(dir, { command: 'windward serve', role: 'server' });
    await expect(second).rejects.toThrow(DataDirInUseError);
    await expect(second).rejects.toThrow(`(pid ${process.pid}, \`windward serve\`, since `);
    expect(server.owner).toBe(true);
  }, BOOTS);

  it('a command that works on an existing database fails where there is none, and writes nothing there', async () => {
    const missing = path.join(dir, 'nowhere');
    const onMissing = open(missing, { command: 'windward audit verify', role: 'command', create: false });
    await expect(onMissing).rejects.toThrow(NoEmbeddedDatabaseError);
    await expect(onMissing).rejects.toThrow(`there is no database in DATA_DIR ${missing}: create one with \`windward migrate\``);
    expect(existsSync(missing)).toBe(false);

    // An empty directory holds no database either; the lock it took to be sure is gone.
    await expect(open(dir, { command: 'windward apikey revoke', role: 'command', create: false })).rejects.toThrow(NoEmbeddedDatabaseError);
    expect(readdirSync(dir)).toEqual([]);

    // Once a command that sets up has made it, it is used.
    await (await open(dir, { command: 'windward migrate', role: 'command' })).close();
    databases = [];
    const existing = await open(dir, { command: 'windward audit verify', role: 'command', create: false });
    expect(existing.owner).toBe(true);
  }, BOOTS);
});
