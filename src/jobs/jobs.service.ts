import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Job, type JobsOptions, type Queue, type Worker } from 'bullmq';
import { APP_CONFIG } from '../config/config.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { DatabaseOutage } from '../database/database-outage.js';
import { JsonLogger } from '../observability/json-logger.js';
import { Metrics } from '../observability/metrics.js';
import { DeclaredJobs, handledJob, indexHandlers, type JobHandler, type JobName, type JobPayloads, type NamedJobHandler } from './job-registry.js';
import { QUEUE_BACKEND } from './jobs.tokens.js';
import { BULLMQ_SCHEMA, QUEUE_NAME, type QueueBackend } from './queue-backend.js';

export interface EnqueueOptions {
  /** Same id, same job: enqueuing twice is a no-op, which makes producers idempotent. */
  jobId?: string;
  delayMs?: number;
}

/** Sends one statement on the caller's connection: a TypeORM EntityManager inside its transaction fits. */
export interface TransactionQuery {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** BullMQ's PostgreSQL add_job, schema-qualified: the caller's connection has its own search_path. */
const ADD_JOB_SQL = `SELECT ${BULLMQ_SCHEMA}.add_job($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) AS id`;

export type JobCounts = Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>;

/** Puts jobs on the queue and, in processes that run workers, processes them. */
@Injectable()
export class JobsService implements OnModuleInit, OnApplicationShutdown {
  private handlers = new Map<JobName, NamedJobHandler>();
  private readonly queue: Queue;
  private worker?: Worker;

  constructor(
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: JsonLogger,
    private readonly metrics: Metrics,
    private readonly outage: DatabaseOutage,
    private readonly discovery: DiscoveryService,
  ) {
    this.queue = backend.createQueue();
    // Without a listener BullMQ prints the error (and with it pg's client) with console.error.
    this.queue.on('error', (error: Error) => {
      if (!this.outage.noteFailure(error)) this.logger.event('error', 'job queue error', { reason: error.message });
    });
  }

  /**
   * Finds the handlers (@JobHandlerFor) and the declared jobs (JobsModule.forFeature) among all the
   * providers of this process, once every provider exists; fails the start on a job with no
   * handler or two, or a handler for a job nobody declared.
   */
  onModuleInit(): void {
    const declared: JobName[] = [];
    const handlers: NamedJobHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof DeclaredJobs) declared.push(...instance.names);
      const jobName = handledJob(wrapper.metatype);
      if (jobName && instance) {
        const handler = instance as JobHandler;
        handlers.push({ jobName, handle: (payload, context) => handler.handle(payload, context) });
      }
    }
    this.handlers = indexHandlers(declared, handlers);
  }

  get backendKind(): QueueBackend['kind'] {
    return this.backend.kind;
  }

  /** Whether jobs live in the application's database, so that `enqueueWithin` can queue in a transaction. */
  get enqueuesInTransactions(): boolean {
    return this.backend.kind === 'postgres';
  }

  private jobOptions(options: EnqueueOptions): JobsOptions {
    return {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: this.config.jobs.attempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 10000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    };
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<string> {
    const job = await this.queue.add(name, payload, this.jobOptions(options));
    return job.id ?? '';
  }

  /**
   * Queues a job in the caller's database transaction, so that it commits or rolls back with the
   * caller's writes (no committed change without its job) and costs no transaction of its own.
   * Only the PostgreSQL backend stores jobs in the same database; with Redis this returns null and
   * the caller enqueues after its commit. The job is stored exactly as `enqueue` would store it
   * (BullMQ's Job normalises the options; the parameters are those of BullMQ's own addJob).
   */
  async enqueueWithin<N extends JobName>(transaction: TransactionQuery, name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<string | null> {
    if (!this.enqueuesInTransactions) return null;
    const opts: JobsOptions = this.jobOptions(options);
    const json = new Job(this.queue, name, payload, opts, opts.jobId).asJSON();
    const stored = json.opts ?? {};
    const rows = (await transaction.query(ADD_JOB_SQL, [
      QUEUE_NAME,
      opts.jobId || json.id || '',
      json.name,
      json.data ?? '{}',
      JSON.stringify(stored),
      stored.priority ?? 0,
      stored.delay ?? 0,
      json.timestamp ?? Date.now(),
      stored.attempts ?? 1,
      null, null, null, // no parent
      json.deduplicationId ?? null,
      null, // no repeat
      stored.lifo ?? false,
    ])) as { id: string }[];
    return rows[0].id;
  }

  async jobState(jobId: string): Promise<{ state: string; failedReason?: string; progress: unknown; result: unknown } | null> {
    const job = await this.queue.getJob(jobId);
    if (!job) return null;
    const state = await job.getState();
    // The job was read before its state: one that finished in between would show its final state
    // without its result or reason. Final states do not change, so a second read is consistent.
    const current = state === 'completed' || state === 'failed' ? ((await this.queue.getJob(jobId)) ?? job) : job;
    return { state, failedReason: current.failedReason, progress: current.progress, result: current.returnvalue };
  }

  async counts(): Promise<JobCounts> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  /** Starts processing; a job whose worker died mid-way is found stalled and run again. */
  startWorker(options: { lockDurationMs?: number; stalledIntervalMs?: number } = {}): void {
    if (this.worker) return;
    this.worker = this.backend.createWorker((job: Job) => this.process(job), {
      concurrency: this.config.jobs.concurrency,
      lockDuration: options.lockDurationMs ?? 30000,
      stalledInterval: options.stalledIntervalMs ?? 30000,
      maxStalledCount: 3,
    });
    // During a database outage every poll fails: DatabaseOutage logs it once, not once per poll.
    this.worker.on('failed', (job, error) => {
      if (this.outage.noteFailure(error)) return;
      this.logger.event('warn', 'job failed', { job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, reason: error.message });
    });
    this.worker.on('error', (error) => {
      if (!this.outage.noteFailure(error)) this.logger.event('error', 'job worker error', { reason: error.message });
    });
    this.logger.event('info', 'job worker started', { backend: this.backend.kind, concurrency: this.config.jobs.concurrency });
  }

  get workerRunning(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Runs a job's handler in this process, now, for one-shot commands that have no worker (seeding
   * the demo). Handlers are idempotent, so the queued copy finds the work done when a worker
   * later picks it up.
   */
  async runHere<N extends JobName>(name: N, payload: JobPayloads[N], jobId: string): Promise<unknown> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler for job ${name}`);
    return handler.handle(payload as never, { jobId, attempt: this.config.jobs.attempts, reportProgress: async () => undefined });
  }

  private async process(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`No handler for job ${job.name}`);
    try {
      const result = await handler.handle(job.data as never, {
        jobId: job.id ?? '',
        attempt: job.attemptsMade + 1,
        reportProgress: (progress) => job.updateProgress(progress),
      });
      this.metrics.jobsProcessed.inc({ name: job.name, outcome: 'completed' });
      return result;
    } catch (error) {
      this.metrics.jobsProcessed.inc({ name: job.name, outcome: 'failed' });
      throw error;
    }
  }

  /** Waits for the jobs in progress to finish (graceful shutdown), then releases connections. */
  async onApplicationShutdown(): Promise<void> {
    if (this.worker) await this.worker.close();
    await this.queue.close();
    await this.backend.close();
  }
}
