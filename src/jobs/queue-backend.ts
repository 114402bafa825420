import { Queue, Worker, createPostgresBackend, runMigrations, withBackend, type Processor, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { GuardedClient } from '../database/pg-client.js';

export const QUEUE_NAME = 'windward';
export const BULLMQ_SCHEMA = 'bullmq';

export type QueueBackendKind = 'postgres' | 'redis';

/** The queue and worker constructors bound to one backend, and how to release its connections. */
export interface QueueBackend {
  kind: QueueBackendKind;
  createQueue(): Queue;
  createWorker(processor: Processor, options: Omit<WorkerOptions, 'connection'>): Worker;
  close(): Promise<void>;
}

/**
 * BullMQ on PostgreSQL (the default: one database is all an install needs) or on Redis when
 * REDIS_URL is set. The PostgreSQL pool pins `search_path` on each connection with a SET because
 * pglite-socket ignores start-up options; BullMQ's migrations run once, under its advisory lock.
 */
export async function openQueueBackend(options: { redisUrl?: string; redisPrefix?: string; pg: pg.PoolConfig }): Promise<QueueBackend> {
  const backend = await openBackend(options);
  let closed: Promise<void> | undefined;
  // Both the jobs service and the runtime close the backend; the first call does the work.
  return { ...backend, close: () => (closed ??= backend.close()) };
}

async function openBackend(options: { redisUrl?: string; redisPrefix?: string; pg: pg.PoolConfig }): Promise<QueueBackend> {
  if (options.redisUrl) {
    const url = options.redisUrl;
    const connections: Redis[] = [];
    const connect = () => {
      const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
      connections.push(redis);
      return redis;
    };
    return {
      kind: 'redis',
      createQueue: () => new Queue(QUEUE_NAME, { connection: connect(), prefix: options.redisPrefix }),
      createWorker: (processor, workerOptions) => new Worker(QUEUE_NAME, processor, { ...workerOptions, connection: connect(), prefix: options.redisPrefix }),
      close: async () => {
        await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      },
    };
  }
  const pool = new pg.Pool({
    ...options.pg,
    Client: GuardedClient, // BullMQ checks clients out without an 'error' listener
    max: 8,
    application_name: 'windward-queue',
    // Awaited by the pool before it hands the connection out: a SET sent from the 'connect' event
    // was still running when the first query arrived (pg's "already executing a query" warning).
    onConnect: async (client) => {
      await client.query(`SET search_path TO ${BULLMQ_SCHEMA}, public`);
    },
  });
  // A dropped idle connection must not crash the process nor print the client (it holds the
  // backend's cancel key): the pool replaces it, and /health reports the database's state.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  try {
    await runMigrations(client, BULLMQ_SCHEMA);
  } finally {
    client.release();
  }
  const postgres = withBackend(createPostgresBackend);
  return {
    kind: 'postgres',
    createQueue: () => new postgres.Queue(QUEUE_NAME, { connection: pool }) as unknown as Queue,
    createWorker: (processor, workerOptions) =>
      new postgres.Worker(QUEUE_NAME, processor, { ...workerOptions, connection: pool }) as unknown as Worker,
    close: () => pool.end(),
  };
}
