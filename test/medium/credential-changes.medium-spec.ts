import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ChangeChannel, CREDENTIAL_CHANGES_CHANNEL } from '../../src/database/change-channel.js';
import { poolOf } from '../../src/database/read-statements.js';
import { JsonLogger } from '../../src/observability/json-logger.js';
import { waitFor } from '../support/wait-for.js';
import { openMediumDatabase, type MediumDatabase } from './support/medium-database.js';

/**
 * The triggers that announce changes to what a credential stands for (migration CredentialChanges),
 * and the channel that hears them and knows whether it still hears (src/database/change-channel.ts).
 * The cache that relies on them is src/auth/credential-cache.ts; it is used on a PostgreSQL server only.
 */
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('credential changes', () => {
  let db: MediumDatabase;
  let listener: pg.Client;
  const heard: string[] = [];

  beforeAll(async () => {
    db = await openMediumDatabase({ migrate: true });
    listener = new pg.Client(poolOf(db.dataSource).options);
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.channel === CREDENTIAL_CHANGES_CHANNEL) heard.push(message.payload ?? '');
    });
    await listener.query(`LISTEN ${CREDENTIAL_CHANGES_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await db?.close();
  });

  /** What the channel heard from running `sql`, after a marker notification sent behind it arrived. */
  async function announced(sql: string, params: unknown[] = [], rows: unknown[] = []): Promise<string[]> {
    heard.length = 0;
    rows.push(...((await db.dataSource.query(sql, params)) as unknown[]));
    // Notifications arrive in commit order: once the marker is here, anything the statement sent is too.
    const marker = `marker:${randomUUID()}`;
    await db.dataSource.query('SELECT pg_notify($1, $2)', [CREDENTIAL_CHANGES_CHANNEL, marker]);
    await waitFor('the marker', () => heard.includes(marker), { timeoutMs: 3_000, intervalMs: 10 });
    return heard.filter((payload) => payload !== marker);
  }

  describe('triggers', () => {
    let userId: string;
    let keyId: string;

    beforeAll(async () => {
      await db.dataSource.query(
        `INSERT INTO agencies (code, name, kind, country, region, communities, legal_basis, status)
         VALUES ('ZZ', 'Test Customs', 'CUSTOMS', 'JM', 'CARIBBEAN', '{CCLEC}', '{}', 'ACTIVE')`,
      );
      [{ id: userId }] = (await db.dataSource.query(
        `INSERT INTO users (email, agency_code, roles, status) VALUES ('officer@zz.example', 'ZZ', '{ELO}', 'ACTIVE') RETURNING id`,
      )) as { id: string }[];
      [{ id: keyId }] = (await db.dataSource.query(
        `INSERT INTO api_keys (user_id, secret_hash, prefix) VALUES ($1, $2, 'wwk_test') RETURNING id`,
        [userId, 'a'.repeat(64)],
      )) as { id: string }[];
    });

    it('announce a key revoked, expiring or deleted, but not its use being recorded', async () => {
      expect(await announced('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [keyId])).toEqual([]);
      expect(await announced('UPDATE api_keys SET expires_at = now() + interval \'1 day\' WHERE id = $1', [keyId])).toEqual(['api_keys']);
      expect(await announced('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [keyId])).toEqual(['api_keys']);
      expect(await announced('UPDATE api_keys SET label = \'x\' WHERE id = $1', [keyId])).toEqual([]);
      expect(await announced('DELETE FROM api_keys WHERE id = $1', [keyId])).toEqual(['api_keys']);
    });

    it("announce a user's or an agency's change", async () => {
      expect(await announced("UPDATE users SET status = 'DISABLED' WHERE id = $1", [userId])).toEqual(['users']);
      expect(await announced("UPDATE users SET roles = '{ELO,ANALYST}' WHERE id = $1", [userId])).toEqual(['users']);
      expect(await announced("UPDATE agencies SET communities = '{}' WHERE code = 'ZZ'")).toEqual(['agencies']);
    });

    it("announce an operation's creation and its membership or status changing, not its other edits", async () => {
      const inserted: { id: string }[] = [];
      const insert = `INSERT INTO operations (code_name, focus, tlp, lead_agency, participants, status, starts_at, ends_at, created_by)
                      VALUES ('TRIGGER TEST', 'f', 'AMBER', 'ZZ', '{ZZ}', 'PLANNING', now(), now() + interval '1 day', $1) RETURNING id`;
      expect(await announced(insert, [userId], inserted)).toEqual(['operations']);
      const [{ id }] = inserted;
      expect(await announced("UPDATE operations SET participants = '{ZZ,JM}' WHERE id = $1", [id])).toEqual(['operations']);
      expect(await announced("UPDATE operations SET status = 'CLOSED' WHERE id = $1", [id])).toEqual(['operations']);
      expect(await announced("UPDATE operations SET focus = 'g' WHERE id = $1", [id])).toEqual([]);
    });

    it('say nothing for a change rolled back, and once for many rows in one transaction', async () => {
      const runner = db.dataSource.createQueryRunner();
      await runner.startTransaction();
      await runner.query("UPDATE users SET status = 'ACTIVE'");
      await runner.rollbackTransaction();
      await runner.release();
      expect(await announced('SELECT 1')).toEqual([]);
      expect(
        await announced(`WITH a AS (UPDATE users SET status = 'ACTIVE' RETURNING 1), b AS (UPDATE agencies SET status = 'ACTIVE' WHERE code = 'ZZ' RETURNING 1) SELECT 1`),
      ).toEqual(expect.arrayContaining(['users', 'agencies']));
    });
  });

  describe('the channel', () => {
    let channel: ChangeChannel;
    let changes = 0;

    beforeEach(() => {
      changes = 0;
      channel = new ChangeChannel({
        channel: CREDENTIAL_CHANGES_CHANNEL,
        connection: poolOf(db.dataSource).options,
        notify: (name, payload) => db.dataSource.query('SELECT pg_notify($1, $2)', [name, payload]),
        logger: new JsonLogger('error'),
        pingIntervalMs: 200,
        pingTimeoutMs: 100,
      });
      channel.onChange(() => (changes += 1));
    });
    afterEach(() => channel.close());

    it('is trusted once its first ping came back, and passes every change on', async () => {
      expect(channel.trusted()).toBe(false); // asking starts it; not trusted before a ping came back
      await waitFor('trust', () => channel.trusted(), { timeoutMs: 3_000, intervalMs: 10 });
      const before = changes;
      await db.dataSource.query("UPDATE agencies SET status = 'ACTIVE' WHERE code = 'ZZ'");
      await waitFor('the change', () => changes > before, { timeoutMs: 3_000, intervalMs: 10 });
      // Its own pings keep it trusted and are no changes.
      const settled = changes;
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(channel.trusted()).toBe(true);
      expect(changes).toBe(settled);
    });

    it('loses trust at once when its connection is killed, and regains it (announcing a change) after reconnecting', async () => {
      await waitFor('trust', () => channel.trusted(), { timeoutMs: 3_000, intervalMs: 10 });
      const before = changes;
      await db.dataSource.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = $1 AND pid <> pg_backend_pid()',
        [`LISTEN "${CREDENTIAL_CHANGES_CHANNEL}"`],
      );
      await waitFor('trust lost', () => !channel.trusted(), { timeoutMs: 3_000, intervalMs: 10 });
      expect(changes).toBeGreaterThan(before);
      const lost = changes;
      await waitFor('trust regained', () => channel.trusted(), { timeoutMs: 5_000, intervalMs: 10 });
      expect(changes).toBeGreaterThan(lost);
    });

    it('loses trust within a ping interval and its timeout when it silently stops hearing', async () => {
      await waitFor('trust', () => channel.trusted(), { timeoutMs: 3_000, intervalMs: 10 });
      // As a pooler that dropped the LISTEN would: the connection is up, nothing arrives.
      const client = (channel as unknown as { client: pg.Client }).client;
      await client.query('UNLISTEN *');
      const at = Date.now();
      await waitFor('trust lost', () => !channel.trusted(), { timeoutMs: 2_000, intervalMs: 10 });
      expect(Date.now() - at).toBeLessThan(200 + 100 + 200);
    });
  });
});
