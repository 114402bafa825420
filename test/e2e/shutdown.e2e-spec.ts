import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openQueueBackend, type QueueBackend } from '../../src/jobs/queue-backend.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Starts `windward serve` in a child process and resolves with its URL once it listens. */
function startServe(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve'], {
      env: { ...process.env, ...env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output.slice(-2000)}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"windward started","url":"(http:\/\/localhost:\d+)\/graphql"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output.slice(-2000)}`)));
  });
}

describe('graceful shutdown of windward serve', () => {
  let database: TestDatabase;
  let queue: QueueBackend;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await queue?.close();
    await database.drop();
  });

  it('finishes the job in progress on SIGTERM, then exits 0 and stops answering', async () => {
    const { child, url } = await startServe(database.env);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // With the embedded database, the running server serves it on a socket in DATA_DIR.
    const pgConfig: pg.PoolConfig = database.env.DATABASE_URL ? { connectionString: database.env.DATABASE_URL } : { host: database.env.DATA_DIR, port: 5432, user: 'postgres', database: 'postgres' };
    queue = await openQueueBackend({ pg: pgConfig });
    const jobs = queue.createQueue();
    const job = await jobs.add('system.probe', { token: randomUUID(), sleepMs: 3000 }, { jobId: `shutdown-${randomUUID()}` });
    for (let i = 0; i < 200 && (await job.getState()) !== 'active'; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(await job.getState()).toBe('active');

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    if (database.env.DATABASE_URL) {
      // The worker finished the job before the process went away.
      expect(await (await jobs.getJob(job.id!))?.getState()).toBe('completed');
    }
    await jobs.close();
  }, 180_000); // a child process starts (its helper allows 120 s on a busy machine), then stops
});
