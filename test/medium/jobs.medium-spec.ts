import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { indexHandlers, type NamedJobHandler } from '../../src/jobs/job-registry.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitForJobs } from '../support/wait-for.js';

const backendName = process.env.REDIS_URL ? 'redis' : 'postgres';

describe(`jobs on the ${backendName} backend`, () => {
  let platform: TestApp;
  let jobs: JobsService;

  beforeAll(async () => {
    platform = await startTestApp({ worker: false });
    jobs = platform.server.app.get(JobsService);
  });
  afterAll(() => platform.stop());

  it('uses the backend the configuration asks for', () => {
    expect(jobs.backendKind).toBe(backendName);
  });

  it('refuses a registry with a missing, doubled or unknown handler', () => {
    const probe: NamedJobHandler = { jobName: 'system.probe', handle: async () => undefined };
    expect(() => indexHandlers(['system.probe'], [])).toThrow('Jobs without a handler: system.probe');
    expect(() => indexHandlers(['system.probe'], [probe, probe])).toThrow('more than one handler');
    expect(() => indexHandlers(['system.probe'], [probe, { ...probe, jobName: 'nope' as never }])).toThrow('unknown job "nope"');
    expect(() => indexHandlers(['system.probe', 'system.probe'], [probe])).toThrow('declared more than once: system.probe');
  });

  it('queues a job in the caller\'s transaction: gone when it rolls back, else stored as enqueue stores it', async () => {
    const dataSource = platform.server.runtime.dataSource;
    const token = randomUUID();
    if (backendName === 'redis') {
      // Redis is not in the transaction: the caller is told to enqueue after its commit.
      await dataSource.transaction(async (manager) => expect(await jobs.enqueueWithin(manager, 'system.probe', { token })).toBeNull());
      return;
    }
    const rolledBack = `within-rolled-back-${token}`;
    await expect(dataSource.transaction(async (manager) => {
      expect(await jobs.enqueueWithin(manager, 'system.probe', { token }, { jobId: rolledBack })).toBe(rolledBack);
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await jobs.jobState(rolledBack)).toBeNull();

    const within = `within-${token}`;
    const outside = `outside-${token}`;
    await dataSource.transaction((manager) => jobs.enqueueWithin(manager, 'system.probe', { token }, { jobId: within }));
    await jobs.enqueue('system.probe', { token }, { jobId: outside });
    expect((await jobs.jobState(within))?.state).toBe('waiting');
    const rows = (await dataSource.query(
      'SELECT id, queue, name, state, data, opts, priority, delay_ms, max_attempts FROM bullmq.job WHERE id = ANY($1) ORDER BY id DESC',
      [[within, outside]],
    )) as { id: string; opts: Record<string, unknown> }[];
    expect(rows.map((row) => row.id)).toEqual([within, outside]);
    const comparable = ({ id: _id, opts: { jobId, ...opts }, ...row }: { id: string; opts: Record<string, unknown> }) => ({ ...row, opts, jobId: typeof jobId });
    expect(comparable(rows[0])).toEqual(comparable(rows[1]));
    // Removed, so that the worker of the next test takes its own job, not these.
    const queue = platform.server.runtime.queue.createQueue();
    try {
      await Promise.all([queue.remove(within), queue.remove(outside)]);
    } finally {
      await queue.close();
    }
    expect(await jobs.jobState(within)).toBeNull();
  });

  it('retries a job whose worker crashed in the middle of it', async () => {
    const token = randomUUID();
    const jobId = await jobs.enqueue('system.probe', { token });
    const options = { redisUrl: platform.config.redis.url, redisPrefix: platform.config.redis.prefix, pg: platform.server.runtime.connection.pg };
    const child = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const process_ = execFile(process.execPath, [path.resolve('test/support/crash-worker.mjs')], {
        env: { ...process.env, CRASH_WORKER_OPTIONS: JSON.stringify(options) },
        timeout: 30000,
      }, (_error, stdout) => resolve({ code: process_.exitCode, stdout }));
    });
    expect(child.stdout).toContain('took job');
    expect(child.code).toBe(1);
    expect((await jobs.jobState(jobId))?.state).toBe('active'); // held by a worker that no longer exists

    jobs.startWorker({ lockDurationMs: 2000, stalledIntervalMs: 1000 });
    const [done] = await waitForJobs(jobs, [jobId], 'completed', 30_000);
    expect(done.result).toEqual({ token, attempt: expect.any(Number) });
  });

  it('runs a job round trip and keeps an id idempotent', async () => {
    jobs.startWorker();
    const token = randomUUID();
    const jobId = `probe-${token}`;
    expect(await jobs.enqueue('system.probe', { token }, { jobId })).toBe(jobId);
    expect(await jobs.enqueue('system.probe', { token: 'other' }, { jobId })).toBe(jobId);
    const [done] = await waitForJobs(jobs, [jobId], 'completed', 30_000);
    expect(done.result).toEqual({ token, attempt: 1 });
    const counts = await jobs.counts();
    expect(counts.completed).toBeGreaterThanOrEqual(2);
  });

  it('takes a job due now while another waits an hour in the delayed set', async () => {
    jobs.startWorker();
    const token = randomUUID();
    const later = await jobs.enqueue('system.probe', { token }, { jobId: `later-${token}`, delayMs: 3_600_000 });
    try {
      // Long enough for the idle worker to go back to waiting, now until the delayed job is due.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const now = await jobs.enqueue('system.probe', { token }, { jobId: `now-${token}` });
      const [done] = await waitForJobs(jobs, [now], 'completed', 15_000);
      expect(done.result).toEqual({ token, attempt: 1 });
      expect((await jobs.jobState(later))?.state).toBe('delayed');
    } finally {
      const queue = platform.server.runtime.queue.createQueue();
      try {
        await queue.remove(later);
      } finally {
        await queue.close();
      }
    }
  }, 40_000);
});
