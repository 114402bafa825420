import { hashApiKey } from '../../src/auth/api-keys.service.js';
import { AuthenticationService } from '../../src/auth/authentication.service.js';
import {
  ConsoleSessions, SESSION_IDLE_MS, SESSION_MAX_MS, SESSION_TOUCH_MS, SESSIONS_PER_USER, type SessionCredential,
} from '../../src/auth/console-sessions.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Console sessions live in the database: two ConsoleSessions over the same data source stand for
 * two API replicas behind a load balancer, and a clock of the test's own moves time.
 */
describe('console sessions in the database', () => {
  let platform: TestApp;
  let now = Date.UTC(2026, 11, 7, 9, 0, 0);
  const clock = () => now;
  let replicaA: ConsoleSessions;
  let replicaB: ConsoleSessions;
  const credential = (key: string): SessionCredential => ({ kind: 'api-key', keyHash: hashApiKey(key) });
  const anyCredential: SessionCredential = { kind: 'api-key', keyHash: 'a'.repeat(64) };

  beforeAll(async () => {
    platform = await startTestApp();
    replicaA = new ConsoleSessions(platform.server.runtime.dataSource, clock);
    replicaB = new ConsoleSessions(platform.server.runtime.dataSource, clock);
  });
  afterAll(() => platform.stop());

  const query = <T>(sql: string, values: unknown[]) => platform.server.runtime.dataSource.query(sql, values) as Promise<T>;
  const rowsOf = (userId: string) =>
    query<{ id_hash: string; user_id: string; credential: Buffer; last_seen_at: Date; expires_at: Date }[]>('SELECT * FROM console_sessions WHERE user_id = $1 ORDER BY created_at', [userId]);

  it('opens a session under a random id that every replica finds, with the same CSRF token', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const a = await replicaA.open(credential(user.key), user.userId);
    const b = await replicaA.open(credential(user.key), user.userId);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(replicaB.lookup(a.id)).resolves.toMatchObject({ credential: credential(user.key), csrfToken: a.csrfToken, userId: user.userId });
    await expect(replicaB.lookup('not-an-id')).resolves.toBeNull();
    await expect(replicaB.lookup(undefined)).resolves.toBeNull();
    await expect(replicaB.lookup('x'.repeat(500))).resolves.toBeNull();
    await expect(replicaB.lookup(`${a.id.slice(0, -1)}${a.id.endsWith('A') ? 'B' : 'A'}`)).resolves.toBeNull();
  });

  it('authenticates by what it stored, as the key itself would, and stops when the key is revoked', async () => {
    const user = await platform.userWithKey('JM', ['ANALYST']);
    const session = await replicaA.open(credential(user.key), user.userId);
    const authentication = platform.server.app.get(AuthenticationService);
    const view = (await replicaB.lookup(session.id))!;
    await expect(authentication.authenticateSession(view.credential, user.userId)).resolves.toMatchObject({ userId: user.userId, authMethod: 'api-key' });
    // A credential that stands for someone else than the session's user ends it.
    const other = await platform.userWithKey('JM', ['ELO']);
    await expect(authentication.authenticateSession(view.credential, other.userId)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await query('UPDATE api_keys SET revoked_at = now() WHERE user_id = $1', [user.userId]);
    await platform.server.runtime.credentialChanges?.caughtUp(); // a change by hand reaches the credential cache by notification
    await expect(authentication.authenticateSession(view.credential, user.userId)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authentication.authenticateSession({ kind: 'api-key', keyHash: 'not a hash' }, user.userId)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('stores neither the cookie, the CSRF token nor what the session stands for in clear: a copy of the table opens no session', async () => {
    const user = await platform.userWithKey('KY', ['ELO']);
    const token = 'eyJhbGciOiJFUzI1NiJ9.an-oidc-token-body.its-signature';
    const sessions = [await replicaA.open(credential(user.key), user.userId), await replicaA.open({ kind: 'oidc', token }, user.userId)];
    const rows = await rowsOf(user.userId);
    const stored = JSON.stringify(rows) + rows.map((row) => row.credential.toString('latin1')).join('');
    for (const secret of [...sessions.flatMap((s) => [s.id, s.csrfToken]), hashApiKey(user.key), token, 'an-oidc-token-body', 'api-key', 'oidc']) {
      expect(stored).not.toContain(secret);
    }
  });

  it('forgets a row whose seal does not open: moved to another user, or given a later end', async () => {
    const user = await platform.userWithKey('KY', ['ANALYST']);
    const other = await platform.userWithKey('KY', ['ELO']);
    const moved = await replicaA.open(anyCredential, user.userId);
    const extended = await replicaA.open(anyCredential, user.userId);
    const [movedRow, extendedRow] = await rowsOf(user.userId);
    await query('UPDATE console_sessions SET user_id = $2 WHERE id_hash = $1', [movedRow.id_hash, other.userId]);
    await query("UPDATE console_sessions SET expires_at = expires_at + interval '1 day' WHERE id_hash = $1", [extendedRow.id_hash]);
    await expect(replicaB.lookup(moved.id)).resolves.toBeNull();
    await expect(replicaB.lookup(extended.id)).resolves.toBeNull();
    expect(await rowsOf(user.userId)).toHaveLength(0);
    expect(await rowsOf(other.userId)).toHaveLength(0);
  });

  it('ends a session after the idle time; activity keeps it alive until the absolute limit', async () => {
    const user = await platform.userWithKey('JM', ['ANALYST']);
    const idle = await replicaA.open(anyCredential, user.userId);
    now += SESSION_IDLE_MS;
    await expect(replicaB.lookup(idle.id)).resolves.toBeNull();

    const busy = await replicaA.open(anyCredential, user.userId);
    const start = now;
    for (let turn = 0; now - start < SESSION_MAX_MS - SESSION_IDLE_MS / 2; turn += 1) {
      now += SESSION_IDLE_MS / 2;
      // Replicas take turns: each one's activity counts for the other.
      await expect((turn % 2 ? replicaA : replicaB).lookup(busy.id)).resolves.not.toBeNull();
    }
    now = start + SESSION_MAX_MS;
    await expect(replicaA.lookup(busy.id)).resolves.toBeNull();
  });

  it('writes its activity at most once a minute, and ends 30 minutes after the activity written last', async () => {
    const user = await platform.userWithKey('BB', ['ELO']);
    const session = await replicaA.open(anyCredential, user.userId);
    const opened = now;
    now += SESSION_TOUCH_MS - 1;
    // Not written: the session says it ends 30 minutes after it was opened, and it does.
    await expect(replicaA.lookup(session.id)).resolves.toMatchObject({ expiresAt: new Date(opened + SESSION_IDLE_MS) });
    expect((await rowsOf(user.userId))[0].last_seen_at.getTime()).toBe(opened);
    now = opened + SESSION_IDLE_MS;
    await expect(replicaA.lookup(session.id)).resolves.toBeNull();

    const again = await replicaA.open(anyCredential, user.userId);
    now += SESSION_TOUCH_MS;
    await expect(replicaA.lookup(again.id)).resolves.toMatchObject({ expiresAt: new Date(now + SESSION_IDLE_MS) });
    expect((await rowsOf(user.userId))[0].last_seen_at.getTime()).toBe(now);
  });

  it('never outlives the credential it stands for (an OIDC token expiry)', async () => {
    const user = await platform.userWithKey('LC', ['ELO']);
    const session = await replicaA.open({ kind: 'oidc', token: 'a.b.c' }, user.userId, new Date(now + 60_000));
    expect(session.expiresAt.getTime()).toBe(now + 60_000);
    await expect(replicaB.lookup(session.id)).resolves.toMatchObject({ credential: { kind: 'oidc', token: 'a.b.c' } });
    now += 60_000;
    await expect(replicaB.lookup(session.id)).resolves.toBeNull();
  });

  it('closes one session on every replica and leaves the others', async () => {
    const user = await platform.userWithKey('TT', ['ELO']);
    const a = await replicaA.open(anyCredential, user.userId);
    const b = await replicaA.open(anyCredential, user.userId);
    await expect(replicaB.close(a.id)).resolves.toBe(true);
    await expect(replicaA.close(a.id)).resolves.toBe(false);
    await expect(replicaA.close('not-an-id')).resolves.toBe(false);
    await expect(replicaA.lookup(a.id)).resolves.toBeNull();
    await expect(replicaA.lookup(b.id)).resolves.not.toBeNull();
    expect(await rowsOf(user.userId)).toHaveLength(1);
  });

  it('removes sessions that ended when another opens, whoever they belonged to', async () => {
    const user = await platform.userWithKey('TT', ['ANALYST']);
    const other = await platform.userWithKey('TT', ['ELO']);
    await replicaA.open(anyCredential, user.userId, new Date(now + 1000));
    await replicaA.open(anyCredential, user.userId);
    now += 1000;
    await replicaB.open(anyCredential, other.userId);
    expect(await rowsOf(user.userId)).toHaveLength(1); // the one that reached its end is gone
    now += SESSION_IDLE_MS;
    await replicaB.open(anyCredential, other.userId);
    expect(await rowsOf(user.userId)).toHaveLength(0); // and the idle one
  });

  it(`keeps at most ${SESSIONS_PER_USER} sessions a user: a new one ends the least recently used, never itself`, async () => {
    const user = await platform.userWithKey('BS', ['ELO']);
    const opened = [];
    for (let i = 0; i < SESSIONS_PER_USER; i += 1) {
      opened.push(await replicaA.open(anyCredential, user.userId));
      now += 1000;
    }
    now += SESSION_TOUCH_MS;
    await replicaA.lookup(opened[0].id); // the oldest, used again: now the most recent
    now += 1000;
    const newest = await replicaA.open(anyCredential, user.userId);
    expect(await rowsOf(user.userId)).toHaveLength(SESSIONS_PER_USER);
    await expect(replicaA.lookup(opened[0].id)).resolves.not.toBeNull();
    await expect(replicaA.lookup(opened[1].id)).resolves.toBeNull();
    // Opened at the very time of the others' last activity (or behind another replica's clock), it still stays.
    await query('UPDATE console_sessions SET last_seen_at = last_seen_at + interval \'1 hour\' WHERE user_id = $1', [user.userId]);
    const behind = await replicaA.open(anyCredential, user.userId);
    await expect(replicaA.lookup(behind.id)).resolves.not.toBeNull();
    void newest;
  });

  // A lock wait needs two sessions of the database: PGlite has one.
  (process.env.DATABASE_URL ? it : it.skip)('opens nothing for a sign-in that races the user being disabled', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const disabling = platform.server.runtime.dataSource.createQueryRunner();
    await disabling.connect();
    await disabling.startTransaction();
    try {
      // What `user update --status DISABLED` does, held open: the user's row is locked, its sessions deleted.
      await disabling.query("UPDATE users SET status = 'DISABLED' WHERE id = $1", [user.userId]);
      await disabling.query('DELETE FROM console_sessions WHERE user_id = $1', [user.userId]);
      const signingIn = replicaA.open(credential(user.key), user.userId);
      signingIn.catch(() => undefined); // settled below
      await new Promise((resolve) => setTimeout(resolve, 300)); // the sign-in now waits for the user's row
      await disabling.commitTransaction();
      await expect(signingIn).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await rowsOf(user.userId)).toEqual([]);
    } finally {
      if (disabling.isTransactionActive) await disabling.rollbackTransaction();
      await disabling.release();
    }
  });
});
