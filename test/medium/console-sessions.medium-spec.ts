import { ConsoleSessions, SESSION_IDLE_MS, SESSION_MAX_MS, SESSION_TOUCH_MS, SESSIONS_PER_USER } from '../../src/auth/console-sessions.js';
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

  beforeAll(async () => {
    platform = await startTestApp();
    replicaA = new ConsoleSessions(platform.server.runtime.dataSource, clock);
    replicaB = new ConsoleSessions(platform.server.runtime.dataSource, clock);
  });
  afterAll(() => platform.stop());

  const rowsOf = (userId: string) =>
    platform.server.runtime.dataSource.query('SELECT id_hash, credential, last_seen_at FROM console_sessions WHERE user_id = $1', [userId]) as Promise<{ id_hash: string; credential: Buffer; last_seen_at: Date }[]>;

  it('opens a session under a random id that every replica finds, with the same CSRF token', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const a = await replicaA.open(`Bearer ${user.key}`, user.userId);
    const b = await replicaA.open(`Bearer ${user.key}`, user.userId);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(replicaB.lookup(a.id)).resolves.toMatchObject({ authorization: `Bearer ${user.key}`, csrfToken: a.csrfToken, userId: user.userId });
    await expect(replicaB.lookup('not-an-id')).resolves.toBeNull();
    await expect(replicaB.lookup(undefined)).resolves.toBeNull();
    await expect(replicaB.lookup('x'.repeat(500))).resolves.toBeNull();
    await expect(replicaB.lookup(`${a.id.slice(0, -1)}${a.id.endsWith('A') ? 'B' : 'A'}`)).resolves.toBeNull();
  });

  it('stores neither the cookie nor the API key: a copy of the table opens no session', async () => {
    const user = await platform.userWithKey('KY', ['ELO']);
    const session = await replicaA.open(`Bearer ${user.key}`, user.userId);
    const [row] = await rowsOf(user.userId);
    const stored = JSON.stringify(row) + row.credential.toString('latin1');
    expect(stored).not.toContain(session.id);
    expect(stored).not.toContain(user.key);
    expect(stored).not.toContain(session.csrfToken);
  });

  it('ends a session after the idle time; activity keeps it alive until the absolute limit', async () => {
    const user = await platform.userWithKey('JM', ['ANALYST']);
    const idle = await replicaA.open('Bearer k', user.userId);
    now += SESSION_IDLE_MS;
    await expect(replicaB.lookup(idle.id)).resolves.toBeNull();

    const busy = await replicaA.open('Bearer k', user.userId);
    const start = now;
    for (let turn = 0; now - start < SESSION_MAX_MS - SESSION_IDLE_MS / 2; turn += 1) {
      now += SESSION_IDLE_MS / 2;
      // Replicas take turns: each one's activity counts for the other.
      await expect((turn % 2 ? replicaA : replicaB).lookup(busy.id)).resolves.not.toBeNull();
    }
    now = start + SESSION_MAX_MS;
    await expect(replicaA.lookup(busy.id)).resolves.toBeNull();
  });

  it('writes its activity at most once a minute', async () => {
    const user = await platform.userWithKey('BB', ['ELO']);
    const session = await replicaA.open('Bearer k', user.userId);
    const opened = (await rowsOf(user.userId))[0].last_seen_at.getTime();
    now += SESSION_TOUCH_MS - 1;
    await replicaA.lookup(session.id);
    expect((await rowsOf(user.userId))[0].last_seen_at.getTime()).toBe(opened);
    now += 1;
    await replicaA.lookup(session.id);
    expect((await rowsOf(user.userId))[0].last_seen_at.getTime()).toBe(now);
  });

  it('never outlives the credential it stands for (an OIDC token expiry)', async () => {
    const user = await platform.userWithKey('LC', ['ELO']);
    const session = await replicaA.open('Bearer jwt', user.userId, new Date(now + 60_000));
    expect(session.expiresAt.getTime()).toBe(now + 60_000);
    now += 60_000;
    await expect(replicaB.lookup(session.id)).resolves.toBeNull();
  });

  it('closes one session on every replica and leaves the others', async () => {
    const user = await platform.userWithKey('TT', ['ELO']);
    const a = await replicaA.open('Bearer a', user.userId);
    const b = await replicaA.open('Bearer a', user.userId);
    await expect(replicaB.close(a.id)).resolves.toBe(true);
    await expect(replicaA.close(a.id)).resolves.toBe(false);
    await expect(replicaA.lookup(a.id)).resolves.toBeNull();
    await expect(replicaA.lookup(b.id)).resolves.not.toBeNull();
    expect(await rowsOf(user.userId)).toHaveLength(1);
  });

  it(`keeps at most ${SESSIONS_PER_USER} sessions a user: a new one ends the least recently used`, async () => {
    const user = await platform.userWithKey('BS', ['ELO']);
    const opened = [];
    for (let i = 0; i < SESSIONS_PER_USER; i += 1) {
      opened.push(await replicaA.open('Bearer k', user.userId));
      now += 1000;
    }
    now += SESSION_TOUCH_MS;
    await replicaA.lookup(opened[0].id); // the oldest, used again: now the most recent
    now += 1000;
    await replicaA.open('Bearer k', user.userId);
    expect(await rowsOf(user.userId)).toHaveLength(SESSIONS_PER_USER);
    await expect(replicaA.lookup(opened[0].id)).resolves.not.toBeNull();
    await expect(replicaA.lookup(opened[1].id)).resolves.toBeNull();
  });
});
