import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Allow, PUBLIC } from '../access/allow.decorator.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { JobsService } from '../jobs/jobs.service.js';
import { Metrics } from '../observability/metrics.js';
import { METRICS_REFUSAL, activityAccess, withoutActivity } from './activity-access.js';
import { prometheusText, readiness } from './readiness.js';

@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Liveness and readiness: 200 when the database and the queue answer, 503 otherwise. The queue's
   * job counts only to those who may read the activity counts (activityAccess).
   */
  @Allow(PUBLIC)
  @Get('health')
  async health(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const { ok, body } = await readiness(this.dataSource, this.jobs);
    void reply.status(ok ? 200 : 503).send(activityAccess(this.config, authorization) === 'granted' ? body : withoutActivity(body));
  }

  @Allow(PUBLIC)
  @Get('metrics')
  async prometheus(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const access = activityAccess(this.config, authorization);
    if (access !== 'granted') {
      const refusal = METRICS_REFUSAL[access];
      void reply.status(refusal.status).headers(refusal.headers).send(refusal.body);
      return;
    }
    void reply.status(200).header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(await prometheusText(this.metrics, this.jobs));
  }
}
