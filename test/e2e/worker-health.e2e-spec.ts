import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openQueueBackend } from '../../src/jobs/queue-backend.js';
import { requireBuiltCli, CLI } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Starts `windward worker` in a child process and resolves with its health URL once it runs jobs. */
function startWorker(env: Record<string, string>, redisPrefix: string): Promise<{ child: ChildProcess; healthUrl: string }> {
  const { NODE_OPTIONS: _jestOptions, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'worker'], {
      env: { ...inherited, ...env, NODE_ENV: 'test', HOST: '127.0.0.1', WORKER_HEALTH_PORT: '0', LOG_LEVEL: 'info', REDIS_PREFIX: redisPrefix },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output.slice(-2000)}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"windward worker started","health":"(http:\/\/localhost:\d+\/health)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, healthUrl: match[1] });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${output.slice(-2000)}`)));
  });
}

describe('windward worker', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    requireBuiltCli();
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('runs jobs, answers GET /health and /metrics on its own port and nothing else, and stops on SIGTERM', async () => {
    const redisPrefix = `windward-worker-${randomUUID().slice(0, 8)}`;
    const metricsToken = `metrics-${randomUUID()}`;
    const { child, healthUrl } = await startWorker({ ...database.env, METRICS_TOKEN: metricsToken }, redisPrefix);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const withToken = { headers: { authorization: `Bearer ${metricsToken}` } };
    try {
      const health = await fetch(healthUrl, withToken);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: { ok: true }, queue: { ok: true, worker: true } });
      expect(await (await fetch(healthUrl.replace(/\/health$/, '/metrics'), withToken)).text()).toContain('windward_');
      // The activity counts need the token here as on the API port; the status does not.
      expect((await fetch(healthUrl.replace(/\/health$/, '/metrics'))).status).toBe(401);
      expect(await (await fetch(healthUrl)).json()).toEqual({ status: 'ok', database: { ok: true }, queue: { ok: true } });
      // The job features' controllers (a report download, say) are the API's, behind its guards.
      expect((await fetch(healthUrl.replace(/\/health$/, '/reports/x.pdf'))).status).toBe(404);
      const posted = await fetch(healthUrl, { method: 'POST' });
      expect([posted.status, posted.headers.get('allow'), await posted.json()]).toEqual([405, 'GET, HEAD', { error: { code: 'BAD_REQUEST', message: expect.any(String) } }]);

      if (database.env.DATABASE_URL) {
        const backend = await openQueueBackend({ redisUrl: process.env.REDIS_URL || undefined, redisPrefix, pg: { connectionString: database.env.DATABASE_URL } });
        const queue = backend.createQueue();
        try {
          const token = randomUUID();
          const job = await queue.add('system.probe', { token }, { jobId: `worker-${token}` });
          for (let i = 0; i < 300 && (await job.getState()) !== 'completed'; i += 1) await new Promise((r) => setTimeout(r, 100));
          expect(await job.getState()).toBe('completed');
        } finally {
          await queue.close();
          await backend.close();
        }
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 180_000); // a child process starts (its helper allows 120 s on a busy machine), then stops
});
