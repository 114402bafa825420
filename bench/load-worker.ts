/**
 * Load generator for the benchmarks, run in a worker thread so that the client's work does not
 * share an event loop with the server under test. One job per worker: `workerData` is a LoadJob,
 * the reply (postMessage) a LoadResult.
 *
 * - http: POSTs the same body to `url` over keep-alive connections (one per client);
 * - sql: runs the same parameterised query on a pg.Pool (extended protocol, unnamed statement,
 *   as TypeORM does).
 *
 * Each client sends its next request when the previous one is answered. After `warmup` requests
 * (not timed), `count` requests are timed; a job stops early after `budgetMs`.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { currentThreadId, pinThread } from './cpu-pinning.js';

export interface LoadSettings {
  concurrency: number;
  warmup: number;
  count: number;
  /** Stop issuing requests after this long (the result says how many were done). */
  budgetMs: number;
  /** Run this load generator's thread on this CPU only (bench --pin). */
  cpu?: number;
}

export type LoadJob =
  | (LoadSettings & {
      kind: 'http';
      url: string;
      body: string;
      headers: Record<string, string>;
      /** Bodies sent in turn instead of `body` (requests that must differ, e.g. one sealed submission each). */
      bodies?: string[];
    })
  | (LoadSettings & { kind: 'sql'; connectionString: string; poolSize: number; sql: string; params: unknown[] });

export interface LoadResult {
  /** Milliseconds per timed request, in completion order. */
  latencies: number[];
  wallMs: number;
  errors: number;
  firstError: string | null;
  /** Size of one response (HTTP body bytes, or rows for SQL). */
  responseSize: number;
}

type Send = () => Promise<number>;

/** Set by a 'stop' message: a load that runs alongside another ends when that one does. */
let stopped = false;

async function run(settings: LoadSettings, send: Send): Promise<LoadResult> {
  let errors = 0;
  let firstError: string | null = null;
  let responseSize = 0;
  const once = async (): Promise<boolean> => {
    try {
      responseSize = await send();
      return true;
    } catch (error) {
      errors += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
      return false;
    }
  };
  const phase = async (count: number, timed: number[] | null): Promise<number> => {
    let issued = 0;
    const started = performance.now();
    const client = async () => {
      while (!stopped && issued < count && performance.now() - started < settings.budgetMs) {
        issued += 1;
        const t = performance.now();
        const ok = await once();
        if (ok && timed) timed.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: settings.concurrency }, client));
    return performance.now() - started;
  };
  await phase(settings.warmup, null);
  const latencies: number[] = [];
  const wallMs = await phase(settings.count, latencies);
  return { latencies, wallMs, errors, firstError, responseSize };
}

async function runHttp(job: Extract<LoadJob, { kind: 'http' }>): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
  const url = new URL(job.url);
  const bodies = (job.bodies ?? [job.body]).map((text) => Buffer.from(text));
  let sent = 0;
  const send: Send = () =>
    new Promise<number>((resolve, reject) => {
      const body = bodies[sent++ % bodies.length];
      const headers = { ...job.headers, 'content-length': String(body.length) };
      const request = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`));
            else if (!text.startsWith('{"data":') || text.includes('"errors":')) reject(new Error(`GraphQL error: ${text.slice(0, 300)}`));
            else resolve(Buffer.byteLength(text));
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  try {
    return await run(job, send);
  } finally {
    agent.destroy();
  }
}

async function runSql(job: Extract<LoadJob, { kind: 'sql' }>): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: job.connectionString, max: job.poolSize });
  // Open the pool's connections before timing anything.
  const opened = await Promise.all(Array.from({ length: Math.min(job.poolSize, job.concurrency) }, () => pool.connect()));
  opened.forEach((client) => client.release());
  try {
    return await run(job, async () => (await pool.query(job.sql, job.params)).rowCount ?? 0);
  } finally {
    await pool.end();
  }
}

if (parentPort) {
  const job = workerData as LoadJob;
  if (job.cpu !== undefined) pinThread(currentThreadId(), job.cpu);
  parentPort.on('message', (message) => {
    if (message === 'stop') stopped = true;
  });
  parentPort.unref();
  const result = await (job.kind === 'http' ? runHttp(job) : runSql(job));
  parentPort.postMessage(result);
}
