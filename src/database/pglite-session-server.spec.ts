import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PGliteSessionServer } from './pglite-session-server.js';

describe('PGliteSessionServer', () => {
  let dir: string;
  let db: PGlite;
  let server: PGliteSessionServer;
  let pool: pg.Pool;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'windward-pglite-'));
    db = await PGlite.create();
    server = new PGliteSessionServer(db, path.join(dir, '.s.PGSQL.5432'), 32);
    await server.start();
    pool = new pg.Pool({ host: dir, port: 5432, user: 'postgres', database: 'postgres', max: 10 });
    await pool.query('CREATE TABLE counters (id int PRIMARY KEY, value int NOT NULL)');
  });
  afterAll(async () => {
    await pool.end();
    await server.stop();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps concurrent parameterised queries of many connections apart', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => pool.query<{ n: number; s: string }>('SELECT $1::int * 2 AS n, $2::text AS s', [i, `q${i}`])));
    results.forEach((result, i) => expect(result.rows[0]).toEqual({ n: i * 2, s: `q${i}` }));
  });

  it('keeps a transaction to its connection while others query', async () => {
    await pool.query('INSERT INTO counters VALUES (1, 0)');
    const increments = Array.from({ length: 25 }, async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ value: number }>('SELECT value FROM counters WHERE id = $1', [1]);
        await client.query('UPDATE counters SET value = $1 WHERE id = $2', [rows[0].value + 1, 1]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
    const readers = Array.from({ length: 50 }, () => pool.query('SELECT value FROM counters WHERE id = $1', [1]));
    await Promise.all([...increments, ...readers]);
    const { rows } = await pool.query<{ value: number }>('SELECT value FROM counters WHERE id = 1');
    expect(rows[0].value).toBe(25); // no lost update: each read-modify-write ran alone
  });

  it('carries a NOTIFY to the connections that LISTEN on its channel, and to no other', async () => {
    const listener = await pool.connect();
    const other = await pool.connect();
    const notifier = await pool.connect();
    try {
      const heard: string[] = [];
      const strays: string[] = [];
      listener.on('notification', (n) => heard.push(`${n.channel}:${n.payload}`));
      other.on('notification', (n) => strays.push(`other ${n.channel}`));
      notifier.on('notification', (n) => strays.push(`notifier ${n.channel}`));
      await listener.query('LISTEN jobs');
      await notifier.query('SELECT pg_notify($1, $2)', ['jobs', 'outside a transaction']);
      await notifier.query('BEGIN');
      await notifier.query("NOTIFY jobs, 'at commit'");
      await notifier.query('COMMIT');
      await notifier.query('BEGIN');
      await notifier.query("NOTIFY jobs, 'rolled back'");
      await notifier.query('ROLLBACK');
      // Another connection's UNLISTEN acts on the shared session: the listener must still hear.
      await other.query('UNLISTEN jobs');
      await notifier.query("NOTIFY jobs, 'after an UNLISTEN elsewhere'");
      await notifier.query("NOTIFY elsewhere, 'no listener'");
      await listener.query('SELECT 1'); // a round trip after the last NOTIFY
      expect(heard).toEqual(['jobs:outside a transaction', 'jobs:at commit', 'jobs:after an UNLISTEN elsewhere']);
      expect(strays).toEqual([]);
    } finally {
      await listener.query('UNLISTEN *');
      listener.release();
      other.release();
      notifier.release();
    }
  });

  it('routes a LISTEN made in a transaction only once it commits, and one sent with the extended protocol', async () => {
    const [a, b, notifier] = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      const heard: string[] = [];
      a.on('notification', (n) => heard.push(`a ${n.channel}:${n.payload}`));
      b.on('notification', (n) => heard.push(`b ${n.channel}:${n.payload}`));
      await b.query('LISTEN shared'); // the session listens on "shared" from here on
      await a.query('BEGIN');
      await a.query('LISTEN shared');
      await a.query('ROLLBACK');
      await notifier.query("NOTIFY shared, 'after a rolled-back LISTEN'");
      // (No other connection runs while a's transaction is open: the one session is a's until it ends.)
      await a.query('BEGIN');
      await a.query('LISTEN shared');
      await a.query('COMMIT');
      await notifier.query("NOTIFY shared, 'after the COMMIT'");
      // pg's option for Parse/Bind/Execute without parameters (missing from its type declarations).
      await a.query({ text: 'LISTEN extended', queryMode: 'extended' } as pg.QueryConfig);
      await notifier.query("NOTIFY extended, 'via Parse'");
      await Promise.all([a.query('SELECT 1'), b.query('SELECT 1')]);
      expect(heard.sort()).toEqual([
        'a extended:via Parse',
        'a shared:after the COMMIT',
        'b shared:after a rolled-back LISTEN',
        'b shared:after the COMMIT',
      ]);
    } finally {
      await Promise.all([a.query('UNLISTEN *'), b.query('UNLISTEN *')]);
      a.release();
      b.release();
      notifier.release();
    }
  });

  it('survives a failing query without stalling the others', async () => {
    const outcomes = await Promise.allSettled([pool.query('SELECT * FROM missing_table WHERE id = $1', [1]), pool.query('SELECT $1::int AS n', [7])]);
    expect(outcomes[0].status).toBe('rejected');
    expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 7 }] } });
  });
});
