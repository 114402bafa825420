import { SharedTokenBuckets } from '../../src/database/token-buckets.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Partner token buckets in the database: SharedTokenBuckets over one data source stand for API
 * replicas. Time passes by moving a bucket's last touch back (the buckets read the database's
 * clock, as every replica does). Rates are slow (a token every 100 s), so that the test's own
 * running time refills nothing that changes a whole second of the answers.
 */
describe('partner rate buckets shared by replicas', () => {
  let platform: TestApp;
  let bucketNo = 0;
  const bucket = () => `test:${process.pid}:${(bucketNo += 1)}`;
  const EVERY_100_S = 0.6; // tokens a minute

  beforeAll(async () => {
    platform = await startTestApp();
  });
  afterAll(() => platform.stop());

  const query = <T>(sql: string, values: unknown[]) => platform.server.runtime.dataSource.query(sql, values) as Promise<T>;
  const elapse = (key: string, seconds: number) => query('UPDATE partner_rate_buckets SET touched_at = touched_at - make_interval(secs => $2) WHERE bucket = $1', [key, seconds]);
  const replica = (perMinute = EVERY_100_S, burst = 2, now: () => number = Date.now) => new SharedTokenBuckets(platform.server.runtime.dataSource, perMinute, burst, now);

  /** A wait in whole seconds, rounded up: up to a second of the test's own time may have refilled already. */
  const expectWait = (actual: number, seconds: number) => expect([seconds - 1, seconds]).toContain(actual);

  it('admits a burst shared by the replicas, then one request per refill interval, and says how long to wait', async () => {
    const [a, b] = [replica(), replica()];
    const key = bucket();
    expect([await a.take(key), await b.take(key)]).toEqual([0, 0]);
    expectWait(await a.take(key), 100); // B spent the second token
    await elapse(key, 40);
    expectWait(await b.take(key), 60);
    await elapse(key, 60);
    // A and B remember their refusals (next test); a third replica asks the database.
    const c = replica();
    expect(await c.take(key)).toBe(0);
    expectWait(await c.take(key), 100);
  });

  it('keeps buckets apart and never holds more than the burst', async () => {
    const buckets = replica(EVERY_100_S, 3);
    const [one, two] = [bucket(), bucket()];
    for (let i = 0; i < 3; i += 1) expect(await buckets.take(one)).toBe(0);
    expect(await buckets.take(one)).toBeGreaterThan(0);
    expect(await buckets.take(two)).toBe(0);
    await elapse(one, 36_000);
    const later = replica(EVERY_100_S, 3); // `buckets` remembers its refusal
    for (let i = 0; i < 3; i += 1) expect(await later.take(one)).toBe(0);
    expect(await later.take(one)).toBeGreaterThan(0);
  });

  it('never spends a token twice, however many requests arrive at once', async () => {
    const replicas = [replica(1, 5), replica(1, 5), replica(1, 5)];
    const key = bucket();
    const waits = await Promise.all(Array.from({ length: 24 }, (_, i) => replicas[i % 3].take(key)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
    expect(waits.filter((wait) => wait > 0)).toHaveLength(19);
  });

  it('answers a refusal from memory until the bucket can hold a token again', async () => {
    let now = Date.UTC(2026, 11, 7, 9);
    const buckets = replica(EVERY_100_S, 1, () => now);
    const key = bucket();
    expect(await buckets.take(key)).toBe(0);
    expect(await buckets.take(key)).toBe(100);
    await elapse(key, 100); // the database would admit now, but this process has not looked yet
    now += 99_000;
    expect(await buckets.take(key)).toBe(1);
    now += 1000;
    expect(await buckets.take(key)).toBe(0);
  });

  it('refills nothing for a touch ahead of the clock, and a clock set back stops the refill for one request only', async () => {
    const buckets = replica(EVERY_100_S, 1);
    const key = bucket();
    expect(await buckets.take(key)).toBe(0);
    // A statement that waited for the lock behind a newer touch: no refill, and the touch stays.
    await query("UPDATE partner_rate_buckets SET touched_at = statement_timestamp() + interval '30 seconds' WHERE bucket = $1", [key]);
    expect(await replica(EVERY_100_S, 1).take(key)).toBe(100);
    const [{ ahead }] = await query<{ ahead: boolean }[]>("SELECT touched_at > statement_timestamp() + interval '20 seconds' AS ahead FROM partner_rate_buckets WHERE bucket = $1", [key]);
    expect(ahead).toBe(true);
    // The database's clock set back an hour: the touch is an hour ahead; it comes back to now.
    await query("UPDATE partner_rate_buckets SET touched_at = statement_timestamp() + interval '1 hour' WHERE bucket = $1", [key]);
    expect(await replica(EVERY_100_S, 1).take(key)).toBe(100);
    await elapse(key, 100);
    expect(await replica(EVERY_100_S, 1).take(key)).toBe(0);
  });
});
