import type { DataSource } from 'typeorm';
import type { JobsService } from '../jobs/jobs.service.js';
import type { Metrics } from '../observability/metrics.js';

type Check = { ok: boolean; detail?: string } & Record<string, unknown>;

async function check(run: () => Promise<Record<string, unknown>>): Promise<Check> {
  try {
    return { ok: true, ...(await run()) };
  } catch {
    return { ok: false, detail: 'unreachable' }; // no error text: it may name hosts or credentials
  }
}

export interface Readiness {
  ok: boolean;
  body: { status: 'ok' | 'unavailable'; database: Check; queue: Check };
}

/** Liveness and readiness of a process (the API's or a worker's): ok when the database and the queue answer. */
export async function readiness(dataSource: DataSource, jobs: JobsService): Promise<Readiness> {
  const [database, queue] = await Promise.all([
    check(async () => {
      await dataSource.query('SELECT 1');
      return {};
    }),
    check(async () => ({ backend: jobs.backendKind, worker: jobs.workerRunning, jobs: await jobs.counts() })),
  ]);
  const ok = database.ok && queue.ok;
  return { ok, body: { status: ok ? 'ok' : 'unavailable', database, queue } };
}

/** The Prometheus text, with the queue's current counts (left as they were when the queue is down: /health shows that). */
export async function prometheusText(metrics: Metrics, jobs: JobsService): Promise<string> {
  try {
    const counts = await jobs.counts();
    for (const [state, count] of Object.entries(counts)) metrics.jobs.set({ state }, count);
  } catch {
    // the queue being down shows in /health; metrics still answer
  }
  return metrics.registry.metrics();
}
