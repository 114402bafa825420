import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { requestScope } from '../observability/request-scope.js';
import { AppModule } from './app.module.js';
import { openRuntime, type PlatformRuntime } from './platform-runtime.js';
import { seedReferenceData } from './reference-data.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface RunningServer {
  app: NestFastifyApplication;
  runtime: PlatformRuntime;
  url: string;
  /** Stops taking requests, lets in-flight requests and jobs finish, then closes connections. */
  close(): Promise<void>;
}

export interface ServerOptions {
  worker: boolean;
  /** Runs after migrations and reference data, before the port opens (demo data, test fixtures). */
  beforeListen?: (runtime: PlatformRuntime) => Promise<void>;
  workerOptions?: Parameters<JobsService['startWorker']>[0];
}

export async function startServer(config: AppConfig, options: ServerOptions): Promise<RunningServer> {
  const runtime = await openRuntime(config);
  const { logger, metrics } = runtime;
  try {
    await seedReferenceData(runtime);
    await options.beforeListen?.(runtime);
    const adapter = new FastifyAdapter({
      bodyLimit: 5 * 1024 * 1024,
      genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
        const given = request.headers['x-request-id'];
        return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      },
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forServer(runtime), adapter, { logger, abortOnError: false });
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('onRequest', async (request, reply) => {
      requestScope.enterWith({ requestId: request.id });
      void reply.header('x-request-id', request.id);
    });
    fastify.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const seconds = reply.elapsedTime / 1000;
      metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
      metrics.httpDuration.observe({ method: request.method, route }, seconds);
      logger.event('info', 'request', { requestId: request.id, method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) });
    });
    if (options.worker) app.get(JobsService).startWorker(options.workerOptions);
    await app.listen(config.server.port, config.server.host);
    const address = fastify.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const url = `http://localhost:${port}`;
    logger.event('info', 'windward started', { url: `${url}/graphql`, database: runtime.connection.kind, queue: runtime.queue.kind, worker: options.worker });
    let closing: Promise<void> | undefined;
    return {
      app,
      runtime,
      url,
      close: () => {
        closing ??= (async () => {
          await app.close();
          await runtime.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
