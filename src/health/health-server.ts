import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { JobsService } from '../jobs/jobs.service.js';
import type { Metrics } from '../observability/metrics.js';
import type { AppConfig } from '../config/app-config.js';
import { METRICS_REFUSAL, activityAccess, withoutActivity } from './activity-access.js';
import { prometheusText, readiness } from './readiness.js';

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * GET /health and GET /metrics of a process without an API (the worker), on a port of its own.
 * Only these two: the worker's feature modules may hold controllers, which must not be served
 * without the API's guards. The activity counts follow the API port's rule (activityAccess).
 */
export async function startHealthServer(options: {
  port: number;
  host: string;
  dataSource: DataSource;
  jobs: JobsService;
  metrics: Metrics;
  config: Pick<AppConfig, 'nodeEnv' | 'metrics'>;
}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const answer = async (): Promise<void> => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'Only GET and HEAD are served here' } }));
      } else if (path === '/health') {
        const { ok, body } = await readiness(options.dataSource, options.jobs);
        const shown = activityAccess(options.config, request.headers.authorization) === 'granted' ? body : withoutActivity(body);
        response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(shown));
      } else if (path === '/metrics') {
        const access = activityAccess(options.config, request.headers.authorization);
        if (access !== 'granted') {
          const refusal = METRICS_REFUSAL[access];
          response.writeHead(refusal.status, refusal.headers).end(refusal.body);
          return;
        }
        const text = await prometheusText(options.metrics, options.jobs);
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
      } else {
        response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Only GET /health and GET /metrics are served here' } }));
      }
    };
    answer().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
