import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { jest } from '@jest/globals';
import WebSocket from 'ws';
import { ApiKeysService } from '../../src/auth/api-keys.service.js';
import { AuthenticationService } from '../../src/auth/authentication.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { requireBuiltCli, runCli } from '../support/cli.js';
import { startServeProcess } from '../support/serve-process.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Revocation ends live connections: a revoked key, a user moved to another agency or given other
 * roles, closes the user's WebSocket within a second, in this process and in others (the access
 * change travels on the same bus as report events); closing an operation re-authorises its
 * participants' subscriptions at once.
 */
const SUBSCRIBE = 'subscription { seizureReported { id } }';
/*
 * Nothing re-checks a connection on a timer: without the access-change message it would stay open
 * until the next report event. So any bound proves the push; 5 s leaves room for a stalled CI
 * machine. The delays themselves are measured (REPORT_LATENCY=1; 15–40 ms, the README's figure).
 */
const LIMIT_MS = 5000;
const SLOW = 180_000;

interface Live {
  client: Client;
  closed?: { code: number; at: number };
  acked: boolean;
  completed: boolean;
}

describe('revocation ends live connections', () => {
  let platform: TestPlatform;
  const clients: Client[] = [];
  /** Measured delays, printed with REPORT_LATENCY=1 (for the README's figures). */
  const latencies: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await platform?.stop();
    if (process.env.REPORT_LATENCY) process.stderr.write(`revocation to close (${platform?.database.kind}): ${latencies.join(', ')}\n`);
  });

  /** A live seizureReported subscription on `baseUrl`; resolves once the server has it running. */
  async function live(baseUrl: string, key: string): Promise<Live> {
    const state: Live = { acked: false, completed: false } as Live;
    state.client = createClient({
      url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${key}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: {
        connected: () => (state.acked = true),
        closed: (event) => (state.closed ??= { code: (event as { code: number }).code, at: Date.now() }),
      },
    });
    clients.push(state.client);
    state.client.subscribe({ query: SUBSCRIBE }, { next: () => undefined, error: () => undefined, complete: () => (state.completed = true) });
    await waitFor('the connection to be acknowledged', () => state.acked);
    // The subscription is registered right after the ack; give the server a moment to run it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return state;
  }

  async function closedWithin(state: Live, since: number): Promise<number> {
    const closed = await waitFor('the connection to close', () => state.closed, 10_000);
    expect(closed.code).toBe(4403);
    latencies.push(`${expect.getState().currentTestName?.slice(-60)}: ${closed.at - since} ms`);
    return closed.at - since;
  }

  it('closes a subscription within a second of its API key being revoked', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const key = await platform.server.app.get(ApiKeysService).create(user.email);
    const state = await live(platform.server.url, key.key);
    // The user's connection with their other key closes too (their access changed); it may reconnect.
    const other = await live(platform.server.url, user.key);
    const started = Date.now();
    await platform.server.app.get(ApiKeysService).revoke(key.id);
    expect(await closedWithin(state, started)).toBeLessThan(LIMIT_MS);
    // A reconnect with the revoked key is refused; with the other key, it is authorised afresh.
    expect((await waitFor('the other connection to close', () => other.closed)).code).toBe(4403);
    const again = await live(platform.server.url, user.key);
    expect(again.closed).toBeUndefined();
  }, SLOW);

  it('closes a subscription when its API key expires, as when it is revoked', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    // A one-minute key made 57 seconds ago: it expires 3 seconds from now.
    const key = await platform.server.app.get(ApiKeysService).create(user.email, { ttl: '1m', now: new Date(Date.now() - 57_000) });
    const state = await live(platform.server.url, key.key);
    expect(state.closed).toBeUndefined();
    const closed = await waitFor('the connection to close', () => state.closed, 10_000);
    expect(closed.code).toBe(4403);
    expect(closed.at - key.expiresAt!.getTime()).toBeLessThan(LIMIT_MS);
  }, SLOW);

  it("closes a subscription within a second of its user's agency or roles changing", async () => {
    const users = platform.server.app.get(UsersService);
    const mover = await platform.userWithKey('JM', ['ELO']);
    const state = await live(platform.server.url, mover.key);
    let started = Date.now();
    await users.update(mover.email, { agencyCode: 'KY' });
    expect(await closedWithin(state, started)).toBeLessThan(LIMIT_MS);

    const demoted = await platform.userWithKey('JM', ['ANALYST']);
    const second = await live(platform.server.url, demoted.key);
    started = Date.now();
    await users.update(demoted.email, { roles: ['ELO'] });
    expect(await closedWithin(second, started)).toBeLessThan(LIMIT_MS);
  }, SLOW);

  it('closes the connections of keys an administrator issued when the administrator’s roles change: the keys carry them', async () => {
    const users = platform.server.app.get(UsersService);
    const admin = await platform.userWithKey('JM', ['AGENCY_ADMIN']);
    const holder = await platform.userWithKey('JM', ['ELO', 'AGENCY_ADMIN']);
    const issued = await platform.server.app.get(ApiKeysService).create(holder.email, { issuedBy: admin.userId });
    const state = await live(platform.server.url, issued.key);
    const started = Date.now();
    await users.update(admin.email, { roles: ['ELO'] }); // the issued key no longer carries AGENCY_ADMIN
    expect(await closedWithin(state, started)).toBeLessThan(LIMIT_MS);
  }, SLOW);

  it('closes a subscription within a second of `windward apikey revoke` run in another process', async () => {
    requireBuiltCli();
    const user = await platform.userWithKey('JM', ['ELO']);
    const key = await platform.server.app.get(ApiKeysService).create(user.email);
    const state = await live(platform.server.url, key.key);
    const result = await runCli(['apikey', 'revoke', '--id', key.id], platform.database.env);
    const exited = Date.now();
    expect(result.code).toBe(0);
    // The revocation was committed and published before the command exited.
    const closed = await waitFor('the connection to close', () => state.closed, 10_000);
    expect(closed.code).toBe(4403);
    expect(closed.at - exited).toBeLessThan(LIMIT_MS);
  }, SLOW);

  it("re-authorises the participants' subscriptions at once when an operation closes", async () => {
    const jio = await platform.userWithKey('JIO', ['ANALYST']);
    const ky = await platform.userWithKey('KY', ['ELO']);
    const created = await platform.gql<{ createOperation: { id: string } }>(jio.key,
      'mutation($i: OperationInput!) { createOperation(input: $i) { id } }',
      { i: { codeName: `Op ${randomBytes(3).toString('hex')}`, focus: 'Revocation test', tlp: 'AMBER', startsAt: '2026-08-01T00:00:00Z', endsAt: '2026-09-12T00:00:00Z', participants: ['KY'] } });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createOperation.id;
    const status = (s: string) => platform.gql(jio.key, 'mutation($id: ID!, $s: OperationStatus!) { setOperationStatus(operationId: $id, status: $s) { status } }', { id, s });
    expect((await status('ACTIVE')).errors).toBeUndefined();
    const state = await live(platform.server.url, ky.key);

    const authentication = platform.server.app.get(AuthenticationService);
    const checked: number[] = [];
    const original = authentication.authenticate.bind(authentication);
    const spy = jest.spyOn(authentication, 'authenticate').mockImplementation(async (authorization) => {
      const principal = await original(authorization);
      if (principal.userId === ky.userId) checked.push(Date.now());
      return principal;
    });
    try {
      const started = Date.now();
      expect((await status('CLOSED')).errors).toBeUndefined();
      const at = await waitFor('the KY subscription to be re-authorised', () => checked[0], 10_000);
      expect(at - started).toBeLessThan(LIMIT_MS);
      expect(state.closed).toBeUndefined(); // still entitled to a connection: re-authorised, not closed
    } finally {
      spy.mockRestore();
    }
  }, SLOW);

  describe('across two server processes on one database', () => {
    let child: ChildProcess | undefined;
    let childUrl = '';

    beforeAll(async () => {
      if (platform.database.kind !== 'postgres') return;
      requireBuiltCli();
      // The child picks its own port (PORT=0) and says which: a port found free here could be taken
      // by a parallel test file before the child binds it.
      const started = await startServeProcess({ ...platform.database.env, REDIS_PREFIX: platform.config.redis.prefix }, ['--no-worker']);
      child = started.child;
      childUrl = started.url;
      await waitForHealth(childUrl);
    }, SLOW);
    afterAll(async () => {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    });

    // Embedded PGlite is one process's database (others borrow its socket, as the CLI test above
    // does); a second server process needs a real PostgreSQL.
    const onPostgres = process.env.DATABASE_URL ? it : it.skip;

    onPostgres('closes a subscription held by the other process within a second of a revocation here', async () => {
      const user = await platform.userWithKey('JM', ['ELO']);
      const key = await platform.server.app.get(ApiKeysService).create(user.email);
      const state = await live(childUrl, key.key);
      const started = Date.now();
      await platform.server.app.get(ApiKeysService).revoke(key.id);
      expect(await closedWithin(state, started)).toBeLessThan(LIMIT_MS);
    }, SLOW);

    onPostgres("closes a subscription held by the other process within a second of its user's agency changing here", async () => {
      const user = await platform.userWithKey('JM', ['ELO']);
      const state = await live(childUrl, user.key);
      const started = Date.now();
      await platform.server.app.get(UsersService).update(user.email, { agencyCode: 'TT' });
      expect(await closedWithin(state, started)).toBeLessThan(LIMIT_MS);
    }, SLOW);
  });
});

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the second server at ${url} did not start`);
}
