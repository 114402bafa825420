import pg from 'pg';
import { SEIZURE_EVENT_BUS, type SeizureEventBus } from '../../src/alerts/seizure-event-bus.js';
import { AuthenticationService } from '../../src/auth/authentication.service.js';
import { poolOf } from '../../src/database/read-statements.js';
import { UsersService } from '../../src/users/users.service.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

const ME = '{ me { email roles } }';

/** How many key lookups the server sends while `run` runs (they go straight to the pool, past TypeORM's logger). */
async function keyLookupsDuring(platform: TestPlatform, run: () => Promise<unknown>): Promise<number> {
  const pool = poolOf(platform.server.runtime.dataSource);
  const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  let lookups = 0;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    const config = args[0] as { text?: string } | string;
    const text = typeof config === 'string' ? config : (config.text ?? '');
    if (/FROM api_keys k\b/.test(text)) lookups += 1;
    return original(...args);
  };
  try {
    await run();
  } finally {
    (pool as { query: unknown }).query = original;
  }
  return lookups;
}

/**
 * What an API key stands for is cached between requests (src/auth/credential-cache.ts) on a
 * PostgreSQL server, and dropped on every change the database announces: from this process at
 * once, from another (a second API instance, the command line, psql) as soon as the database's
 * notification arrives.
 */
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('credential cache', () => {
  let platform: TestPlatform;
  /** Another process's connection: changes made here reach the server only through the database. */
  let elsewhere: pg.Client;

  beforeAll(async () => {
    platform = await startTestPlatform();
    elsewhere = new pg.Client({ connectionString: platform.config.database.url });
    await elsewhere.connect();
    await waitFor('the change channel', async () => platform.server.runtime.credentialChanges!.trusted(), { timeoutMs: 5_000, intervalMs: 5 });
  });
  afterAll(async () => {
    await elsewhere?.end();
    await platform?.stop();
  });

  async function refused(key: string): Promise<boolean> {
    const response = await platform.gql(key, ME);
    return response.errors?.[0]?.extensions.code === 'UNAUTHENTICATED';
  }

  it('authenticates a known key from memory, without a statement', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    expect((await platform.gql(user.key, ME)).errors).toBeUndefined();
    const lookups = await keyLookupsDuring(platform, async () => {
      for (let i = 0; i < 3; i += 1) expect((await platform.gql(user.key, ME)).data).toEqual({ me: { email: user.email, roles: ['ELO'] } });
    });
    expect(lookups).toBe(0);
  });

  it('still reads an unknown key from the database every time (nothing is kept for it)', async () => {
    const unknown = `wwk_${'B'.repeat(43)}`;
    const lookups = await keyLookupsDuring(platform, async () => {
      expect(await refused(unknown)).toBe(true);
      expect(await refused(unknown)).toBe(true);
    });
    expect(lookups).toBe(2);
  });

  it('refuses a key revoked by another process as soon as the database says so', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    expect(await refused(user.key)).toBe(false);
    expect(await refused(user.key)).toBe(false); // cached now
    await elsewhere.query('UPDATE api_keys SET revoked_at = now() WHERE user_id = $1', [user.userId]);
    await waitFor('the revoked key to be refused', () => refused(user.key), { timeoutMs: 2_000, intervalMs: 5 });
    expect(await refused(user.key)).toBe(true);
  });

  it("follows a user disabled, or given other roles, elsewhere", async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    expect((await platform.gql<{ me: { roles: string[] } }>(user.key, ME)).data!.me.roles).toEqual(['ELO']);
    await elsewhere.query("UPDATE users SET roles = '{ELO,ANALYST}' WHERE id = $1", [user.userId]);
    await waitFor('the new roles', async () => (await platform.gql<{ me: { roles: string[] } }>(user.key, ME)).data?.me.roles.length === 2, { timeoutMs: 2_000, intervalMs: 5 });
    await elsewhere.query("UPDATE users SET status = 'DISABLED' WHERE id = $1", [user.userId]);
    await waitFor('the disabled user to be refused', () => refused(user.key), { timeoutMs: 2_000, intervalMs: 5 });
  });

  it('refuses a key revoked through this server on its very next request', async () => {
    const admin = await platform.userWithKey('JM', ['AGENCY_ADMIN']);
    const user = await platform.userWithKey('JM', ['ELO']);
    const users = await platform.gql<{ agencyUsers: { id: string; apiKeys: { id: string }[] }[] }>(admin.key, '{ agencyUsers { id apiKeys { id } } }');
    const [key] = users.data!.agencyUsers.find((agencyUser) => agencyUser.id === user.userId)!.apiKeys;
    expect(await refused(user.key)).toBe(false);
    expect(await refused(user.key)).toBe(false); // cached now
    // The database's notification must not be what does it here: the channel stops hearing (it
    // stays trusted until its next ping fails to come back, seconds from now).
    const channel = platform.server.runtime.credentialChanges!;
    await (channel as unknown as { client: pg.Client }).client.query('UNLISTEN *');
    expect(channel.trusted()).toBe(true);
    const revoked = await platform.gql(admin.key, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id });
    expect(revoked.errors).toBeUndefined();
    expect(await refused(user.key)).toBe(true);
    // Back to a channel that hears, without waiting for the deaf one's pings to time out.
    await elsewhere.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE $1 AND pid <> pg_backend_pid()',
      ['UNLISTEN %'],
    );
    await waitFor('the deaf channel to lose trust', async () => !channel.trusted(), { timeoutMs: 2_000, intervalMs: 5 });
    await waitFor('the channel to be trusted again', async () => channel.trusted(), { timeoutMs: 5_000, intervalMs: 5 });
  });

  /**
   * Makes the channel deaf while it stays trusted (until its next ping fails to come back, seconds
   * later), runs `check`, and gives back a channel that hears. What `check` sees cannot come from the
   * database's notifications.
   */
  async function withDeafChannel(check: () => Promise<void>): Promise<void> {
    const channel = platform.server.runtime.credentialChanges!;
    await (channel as unknown as { client: pg.Client }).client.query('UNLISTEN *');
    try {
      await check();
    } finally {
      await elsewhere.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE $1 AND pid <> pg_backend_pid()',
        ['UNLISTEN %'],
      );
      await waitFor('the deaf channel to lose trust', async () => !channel.trusted(), { timeoutMs: 2_000, intervalMs: 5 });
      await waitFor('the channel to be trusted again', async () => channel.trusted(), { timeoutMs: 5_000, intervalMs: 5 });
    }
  }

  const openOperationsOf = async (key: string) => (await platform.server.app.get(AuthenticationService).authenticate(`Bearer ${key}`)).openOperations ?? [];
  const OPERATION = { focus: 'Credential cache', tlp: 'AMBER', startsAt: '2026-08-01T00:00:00Z', endsAt: '2026-09-12T00:00:00Z' };

  it("follows a user's roles changed by this process (as `windward user update` does) on the next request", async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    expect((await platform.gql<{ me: { roles: string[] } }>(user.key, ME)).data!.me.roles).toEqual(['ELO']);
    await withDeafChannel(async () => {
      await platform.server.app.get(UsersService).update(user.email, { roles: ['ELO', 'ANALYST'] });
      expect((await platform.gql<{ me: { roles: string[] } }>(user.key, ME)).data!.me.roles).toEqual(['ELO', 'ANALYST']);
    });
  });

  it("follows an operation set up and closed through this server in its participants' next request", async () => {
    const lead = await platform.userWithKey('JIO', ['ANALYST']);
    const participant = await platform.userWithKey('KY', ['ELO']);
    await withDeafChannel(async () => {
      expect(await openOperationsOf(participant.key)).toEqual([]);
      const created = await platform.gql<{ createOperation: { id: string } }>(lead.key, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', {
        i: { ...OPERATION, codeName: 'CACHE OPENED', participants: ['KY'] },
      });
      const id = created.data!.createOperation.id;
      expect(await openOperationsOf(participant.key)).toEqual([id]);
      const closed = await platform.gql(lead.key, 'mutation($id: ID!) { setOperationStatus(operationId: $id, status: CLOSED) { status } }', { id });
      expect(closed.errors).toBeUndefined();
      expect(await openOperationsOf(participant.key)).toEqual([]);
    });
  });

  it('drops the cache on an access change another process announces, before anything re-checks with it', async () => {
    const lead = await platform.userWithKey('JIO', ['ANALYST']);
    const participant = await platform.userWithKey('BB', ['ELO']);
    const created = await platform.gql<{ createOperation: { id: string } }>(lead.key, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', {
      i: { ...OPERATION, codeName: 'CACHE ELSEWHERE', participants: ['BB'] },
    });
    const id = created.data!.createOperation.id;
    await platform.server.runtime.credentialChanges!.caughtUp();
    expect(await openOperationsOf(participant.key)).toEqual([id]); // cached now
    const bus = platform.server.app.get<SeizureEventBus>(SEIZURE_EVENT_BUS);
    const received: string[] = [];
    const stop = await bus.subscribeAccessChanges((change) => received.push(change.reason));
    try {
      await withDeafChannel(async () => {
        // Another process closes it: its commit, then its message on the bus (not this process's publisher).
        await elsewhere.query("UPDATE operations SET status = 'CLOSED' WHERE id = $1", [id]);
        await bus.publishAccessChange({ agencies: ['BB'], reason: 'closed elsewhere' });
        await waitFor('the access change', async () => received.includes('closed elsewhere'), { timeoutMs: 3_000, intervalMs: 5 });
        expect(await openOperationsOf(participant.key)).toEqual([]);
      });
    } finally {
      stop();
    }
  });

  it('reads the database on every request when the channel stops hearing, and uses memory again once it hears', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    await platform.gql(user.key, ME);
    const channel = platform.server.runtime.credentialChanges!;
    // Kill the channel's connection, as a failover or a network fault would.
    await elsewhere.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE $1 AND pid <> pg_backend_pid()',
      ['LISTEN %'],
    );
    await waitFor('the channel to lose trust', async () => !channel.trusted(), { timeoutMs: 2_000, intervalMs: 5 });
    expect(await keyLookupsDuring(platform, () => platform.gql(user.key, ME))).toBe(1);
    // While it reconnects, a key revoked now is refused at once: nothing is read from memory.
    await waitFor('the channel to be trusted again', async () => channel.trusted(), { timeoutMs: 5_000, intervalMs: 5 });
    await platform.gql(user.key, ME);
    expect(await keyLookupsDuring(platform, () => platform.gql(user.key, ME))).toBe(0);
  });
});

onPostgres('credential cache switched off', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ env: { DATABASE_CREDENTIAL_CACHE: 'off' } });
  });
  afterAll(() => platform?.stop());

  it('reads the key on every request', async () => {
    expect(platform.server.runtime.credentialChanges).toBeNull();
    const user = await platform.userWithKey('JM', ['ELO']);
    await platform.gql(user.key, ME);
    expect(await keyLookupsDuring(platform, async () => {
      await platform.gql(user.key, ME);
      await platform.gql(user.key, ME);
    })).toBe(2);
  });
});
