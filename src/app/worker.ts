import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { startHealthServer } from '../health/health-server.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { JsonLogger } from '../observability/json-logger.js';
import { openRuntime, type PlatformRuntime } from './platform-runtime.js';
import { WorkerModule } from './worker.module.js';

export interface RunningWorker {
  app: INestApplicationContext;
  runtime: PlatformRuntime;
  /** Where GET /health (database and queue readiness) and GET /metrics answer. */
  healthUrl: string;
  /** Lets the jobs in progress finish, then closes the health port and every connection. */
  close(): Promise<void>;
}

/**
 * `windward worker`: runs the jobs of WorkerModule's features, and answers GET /health and
 * /metrics on WORKER_HEALTH_PORT so that an orchestrator can tell a worker that lost its database
 * or queue from a healthy one.
 */
export async function startWorker(config: AppConfig, logger: JsonLogger, options: { onDatabaseHostLost?: (error: Error) => void } = {}): Promise<RunningWorker> {
  const runtime = await openRuntime(config, logger, {
    command: 'windward worker',
    role: 'worker',
    clientWaitMs: Math.floor(config.server.shutdownTimeoutMs / 3),
    onHostLost: options.onDatabaseHostLost,
  });
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(runtime), { logger: runtime.logger, abortOnError: false });
    const jobs = app.get(JobsService);
    const health = await startHealthServer({ port: config.jobs.workerHealthPort, host: config.server.host, dataSource: app.get(DataSource), jobs, metrics: runtime.metrics, config });
    // Jobs start only once the health port is ours: a worker that cannot start runs no jobs.
    jobs.startWorker();
    const healthUrl = `http://localhost:${health.port}/health`;
    logger.event('info', 'windward worker started', { health: healthUrl, database: runtime.connection.kind, queue: runtime.queue.kind });
    const started = app;
    let closing: Promise<void> | undefined;
    return {
      app: started,
      runtime,
      healthUrl,
      close: () => {
        closing ??= (async () => {
          await started.close();
          await health.close();
          await runtime.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    throw error;
  }
}
