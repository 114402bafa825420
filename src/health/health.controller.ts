import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Allow, PUBLIC } from '../access/allow.decorator.js';
import { JobsService } from '../jobs/jobs.service.js';
import { Metrics } from '../observability/metrics.js';
import { prometheusText, readiness } from './readiness.js';

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
    const { ok, body } = await readiness(this.dataSource, this.jobs);
    void reply.status(ok ? 200 : 503).send(body);
  }

  @Allow(PUBLIC)
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    return prometheusText(this.metrics, this.jobs);
  }
}
