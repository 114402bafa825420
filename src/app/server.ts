import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { AppModule } from './app.module.js';
import { clientErrorHandler, frameworkErrors } from './http-edge-errors.js';
import { openRuntime, type PlatformRuntime } from './platform-runtime.js';
import { seedReferenceData } from './reference-data.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface RunningServer {
  app: NestFastifyApplication;
  runtime: PlatformRuntime;
  url: string;
  /**
   * Stops taking requests, lets in-flight requests and jobs finish, then closes connections. For
   * `drainMs` first, the listener stays open: every response says `Connection: close` and new
   * requests get 503, so a keep-alive client is answered rather than reset.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

export interface ServerOptions {
  worker: boolean;
  /** Runs after migrations and reference data, before the port opens (demo data, test fixtures). */
  beforeListen?: (runtime: PlatformRuntime) => Promise<void>;
  workerOptions?: Parameters<JobsService['startWorker']>[0];
  /**
   * `windward serve`: run the embedded DATA_DIR's database itself (a second server, or a worker
   * running it, is refused and named; a command running it is waited for).
   */
  exclusiveDataDir?: boolean;
}

/** Waits until `done()` holds or `ms` have passed. */
async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
}

export async function startServer(config: AppConfig, options: ServerOptions): Promise<RunningServer> {
  const runtime = await openRuntime(config, undefined, {
    command: 'windward serve',
    role: options.exclusiveDataDir ? 'server' : 'command',
    // CLI commands using its embedded database get a third of the shutdown time to finish (the
    // HTTP drain takes at most another third), then are told it stops and fail in one line.
    clientWaitMs: Math.floor(config.server.shutdownTimeoutMs / 3),
  });
  const { logger, metrics } = runtime;
  let app: NestFastifyApplication | undefined;
  try {
    await seedReferenceData(runtime);
    await options.beforeListen?.(runtime);
    const adapter = new FastifyAdapter({
      bodyLimit: 5 * 1024 * 1024,
      // request.ip is the client's only through proxies named here (per-client limits count by it).
      trustProxy: config.server.trustedProxies.length ? config.server.trustedProxies : false,
      frameworkErrors,
      clientErrorHandler,
      genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
        const given = request.headers['x-request-id'];
        return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      },
    });
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forServer(runtime), adapter, { logger, abortOnError: false });
    const fastify = app.getHttpAdapter().getInstance();
    let draining = false;
    let inFlight = 0;
    const connections = new Set<object>();
    fastify.server.on('connection', (socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
    });
    fastify.addHook('onRequest', async (request, reply) => {
      void reply.header('x-request-id', request.id);
      if (draining) {
        // Shutting down: answered, not reset, so the client knows nothing was done.
        return reply.code(503).header('connection', 'close').header('retry-after', '5')
          .send({ error: { code: 'SERVICE_UNAVAILABLE', message: 'The server is shutting down; nothing was done. Try again shortly' } });
      }
      inFlight += 1;
      (request as { counted?: boolean }).counted = true;
    });
    fastify.addHook('onSend', async (_request, reply, payload) => {
      // A keep-alive connection's next response after SIGTERM is its last.
      if (draining) void reply.header('connection', 'close');
      return payload;
    });
    const finished = (request: object) => {
      const counted = request as { counted?: boolean };
      if (counted.counted) {
        counted.counted = false;
        inFlight -= 1;
      }
    };
    fastify.addHook('onResponse', async (request, reply) => {
      finished(request);
      const route = request.routeOptions.url ?? 'unmatched';
      const seconds = reply.elapsedTime / 1000;
      metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
      metrics.httpDuration.observe({ method: request.method, route }, seconds);
      logger.event('info', 'request', { requestId: request.id, method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) });
    });
    fastify.addHook('onRequestAbort', async (request) => finished(request));
    // Listening through Fastify rather than `app.listen`: Nest would log a failed bind itself, and
    // the caller's one line is all a failed start should print.
    await app.init();
    await fastify.listen({ port: config.server.port, host: config.server.host });
    // The worker starts only once the port is ours: a server that cannot start runs no jobs.
    if (options.worker) app.get(JobsService).startWorker(options.workerOptions);
    const address = fastify.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const url = `http://localhost:${port}`;
    logger.event('info', 'windward started', { url: `${url}/graphql`, database: runtime.connection.kind, queue: runtime.queue.kind, worker: options.worker });
    let closing: Promise<void> | undefined;
    const started = app;
    return {
      app: started,
      runtime,
      url,
      close: (closeOptions = {}) => {
        closing ??= (async () => {
          draining = true;
          const drainMs = closeOptions.drainMs ?? 0;
          if (drainMs > 0) {
            // In-flight requests finish and keep-alive connections hear `Connection: close`. A
            // short quiet floor answers (503) clients that connect just after the signal; later
            // ones find the port closed (refused: they know nothing was sent) rather than reset.
            const floor = Date.now() + Math.min(drainMs, 1000);
            await waitUntil(() => Date.now() >= floor && inFlight === 0 && connections.size === 0, drainMs);
          }
          await started.close();
          await runtime.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    // Whatever was started is stopped, so that the process can exit: no worker polls a closed pool.
    // Bounded: a connection that never comes back must not keep a failed start from reporting.
    const cleanup = (async () => {
      await app?.close().catch(() => undefined);
      await runtime.close().catch(() => undefined);
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([cleanup, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    throw error;
  }
}

