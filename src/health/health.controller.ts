import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Allow, PUBLIC } from '../access/allow.decorator.js';
import { JobsService } from '../jobs/jobs.service.js';
import { Metrics } from '../observability/metrics.js';

type Check = { ok: boolean; detail?: string } & Record<string, unknown>;

async function check(run: () => Promise<Record<string, unknown>>): Promise<Check> {
  try {
    return { ok: true, ...(await run()) };
  } catch {
    return { ok: false, detail: 'unreachable' }; // no error text: it may name hosts or credentials
  }
}

@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly metrics: Metrics,
  ) {}

  /** Liveness and readiness: 200 when the database and the queue answer, 503 otherwise. */
  @Allow(PUBLIC)
  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const [database, queue] = await Promise.all([
      check(async () => {
        await this.dataSource.query('SELECT 1');
        return {};
      }),
      check(async () => ({ backend: this.jobs.backendKind, worker: this.jobs.workerRunning, jobs: await this.jobs.counts() })),
    ]);
    const ok = database.ok && queue.ok;
    void reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', database, queue });
  }

  @Allow(PUBLIC)
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    try {
      const counts = await this.jobs.counts();
      for (const [state, count] of Object.entries(counts)) this.metrics.jobs.set({ state }, count);
    } catch {
      // the queue being down shows in /health; metrics still answer
    }
    return this.metrics.registry.metrics();
  }
}
