import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus registry and the instruments the platform records into. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'windward_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'windward_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'windward_graphql_operations_total',
    help: 'GraphQL operations by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobs = new Gauge({
    name: 'windward_jobs',
    help: 'Background jobs by state, read from the queue at scrape time',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly jobsProcessed = new Counter({
    name: 'windward_jobs_processed_total',
    help: 'Jobs processed by this process, by job name and outcome',
    labelNames: ['name', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'windward_' });
  }
}
