import { SharedTokenBuckets } from '../../src/federation/partner-rate-limiter.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Partner token buckets in the database: two SharedTokenBuckets over one data source stand for two
 * API replicas. Time passes by moving a bucket's last touch back (the buckets read the database's
 * clock, as every replica does).
 */
describe('partner rate buckets shared by replicas', () => {
  let platform: TestApp;
  let bucketNo = 0;
  const bucket = () => `test:${process.pid}:${(bucketNo += 1)}`;

  beforeAll(async () => {
    platform = await startTestApp();
  });
  afterAll(() => platform.stop());

  const elapse = (key: string, seconds: number) =>
    platform.server.runtime.dataSource.query(`UPDATE partner_rate_buckets SET touched_at = touched_at - make_interval(secs => $2) WHERE bucket = $1`, [key, seconds]);

  it('admits a burst, then one request per refill interval, and says how long to wait', async () => {
    const replicaA = new SharedTokenBuckets(platform.server.runtime.dataSource, 6, 2); // one token every 10 s
    const replicaB = new SharedTokenBuckets(platform.server.runtime.dataSource, 6, 2);
    const key = bucket();
    expect([await replicaA.take(key), await replicaB.take(key)]).toEqual([0, 0]);
    expect(await replicaA.take(key)).toBe(10); // the burst is shared: B spent the second token
    await elapse(key, 4);
    expect(await replicaB.take(key)).toBe(6);
    await elapse(key, 6);
    expect(await replicaA.take(key)).toBe(0);
    expect(await replicaB.take(key)).toBe(10);
  });

  it('keeps buckets apart and never holds more than the burst', async () => {
    const buckets = new SharedTokenBuckets(platform.server.runtime.dataSource, 60, 3);
    const [one, two] = [bucket(), bucket()];
    for (let i = 0; i < 3; i += 1) expect(await buckets.take(one)).toBe(0);
    expect(await buckets.take(one)).toBeGreaterThan(0);
    expect(await buckets.take(two)).toBe(0);
    await elapse(one, 3600);
    for (let i = 0; i < 3; i += 1) expect(await buckets.take(one)).toBe(0);
    expect(await buckets.take(one)).toBeGreaterThan(0);
  });

  it('never spends a token twice, however many requests arrive at once', async () => {
    const replicas = [0, 1, 2].map(() => new SharedTokenBuckets(platform.server.runtime.dataSource, 1, 5));
    const key = bucket();
    const waits = await Promise.all(Array.from({ length: 24 }, (_, i) => replicas[i % 3].take(key)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
    expect(waits.filter((wait) => wait > 0)).toHaveLength(19);
  });
});
