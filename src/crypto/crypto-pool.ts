import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { deserializeError, type CryptoTaskName, type CryptoTasks, type PlatformKeyMaterial, type SerializedError } from './crypto-tasks.js';
import type { RecipientEncryption } from './recipient-encryption.js';
import type { OpenedEnvelope } from './sealed-envelope.js';

/** What the pool sends a worker, and what the worker answers. */
export interface TaskRequest {
  id: number;
  task: string;
  input: unknown;
}
export type TaskReply = { id: number; ok: true; output: unknown } | { id: number; ok: false; error: SerializedError };

/** Refused when a task's worker stops before answering (a crash, or the pool closing). */
export class CryptoWorkerStoppedError extends Error {
  constructor(message = 'The crypto worker stopped before finishing the task') {
    super(message);
    this.name = 'CryptoWorkerStoppedError';
  }
}

interface Pending {
  request: TaskRequest;
  transfer: ArrayBuffer[];
  resolve(output: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

export interface WorkerPoolOptions {
  /** Threads to run; default: the cores this process may use. */
  size?: number;
  /** The worker script; default: crypto-worker (compiled), or its TypeScript source through a loader. */
  entry?: { url: URL; workerData?: Record<string, unknown> };
  /** Given to every worker (e.g. key material); never logged. */
  workerData?: Record<string, unknown>;
}

/**
 * The script a crypto worker runs. From dist/ it is the compiled crypto-worker.js beside this
 * file; from TypeScript sources (Jest with @swc/jest, where no .js exists here) a plain .mjs
 * bootstrap compiles the sources with @swc/core as it loads them.
 */
export function cryptoWorkerEntry(): { url: URL; workerData?: Record<string, unknown> } {
  const compiled = new URL('./crypto-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return { url: compiled };
  return {
    url: new URL('./ts-source-worker.mjs', import.meta.url),
    workerData: { tsEntry: new URL('./crypto-worker.ts', import.meta.url).href },
  };
}

/**
 * The process's node flags minus those about its own entry script (`node --input-type=module -e`),
 * which a worker inherits by default and then fails to start with.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    const flag = execArgv[i];
    if (['-e', '--eval', '-p', '--print'].includes(flag)) i += 1; // and its script
    else if (!/^--(?:input-type|eval|print)(?:=|$)/.test(flag)) kept.push(flag);
  }
  return kept;
}

/**
 * A fixed set of worker threads running CPU-heavy tasks off the event loop, one task per worker
 * at a time, the rest queued in order. Threads start on the first task. A worker that dies fails
 * its task with CryptoWorkerStoppedError (never leaves it hanging) and is replaced.
 */
export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly entry: { url: URL; workerData?: Record<string, unknown> };
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.trunc(options.size ?? os.availableParallelism()));
    this.entry = options.entry ?? cryptoWorkerEntry();
  }

  /** Runs `task` on the next free worker; `transfer` lists buffers moved (not copied) to it. */
  run(task: string, input: unknown, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.closed) return Promise.reject(new CryptoWorkerStoppedError('The crypto worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, task, input }, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Tasks waiting for a worker, and tasks running. */
  get load(): { queued: number; running: number; threads: number } {
    return { queued: this.queue.length, running: this.slots.filter((s) => s.busy).length, threads: this.slots.length };
  }

  /** Stops every worker; running and queued tasks fail with CryptoWorkerStoppedError. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new CryptoWorkerStoppedError('The crypto worker pool is closed'));
    await Promise.all(this.slots.splice(0).map((slot) => {
      slot.busy?.reject(new CryptoWorkerStoppedError('The crypto worker pool is closed'));
      slot.busy = null;
      return slot.worker.terminate();
    }));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.busy = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.request, pending.transfer);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry.url, {
      workerData: { ...this.options.workerData, ...this.entry.workerData },
      execArgv: workerExecArgv(process.execArgv),
      // Its own name in thread listings (top -H, /proc/.../task/*/comm), e.g. for CPU accounting.
      name: 'crypto-worker',
    });
    const slot: Slot = { worker, busy: null };
    worker.unref();
    worker.on('message', (reply: TaskReply) => {
      const pending = slot.busy;
      if (!pending || pending.request.id !== reply.id) return;
      slot.busy = null;
      worker.unref();
      if (reply.ok) pending.resolve(reply.output);
      else pending.reject(deserializeError(reply.error));
      this.dispatch();
    });
    // An uncaught error ends the thread; 'exit' follows, where the slot is replaced. Its message
    // goes into the (internal, never shown to clients) error of the task that was running.
    let crash: string | null = null;
    worker.on('error', (error) => (crash = error.message));
    worker.on('exit', (code) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return; // closed
      this.slots.splice(index, 1);
      const pending = slot.busy;
      slot.busy = null;
      pending?.reject(new CryptoWorkerStoppedError(`The crypto worker stopped before finishing the task (exit code ${code}${crash ? `: ${crash}` : ''})`));
      this.dispatch();
    });
    this.slots.push(slot);
    return slot;
  }
}

/** The OpenPGP work of sealed submissions on worker threads, each holding the platform key. */
export class CryptoPool {
  private readonly pool: WorkerPool;

  constructor(options: { platformKey: PlatformKeyMaterial | null; size?: number }) {
    this.pool = new WorkerPool({ size: options.size, workerData: { platformKey: options.platformKey } });
  }

  get size(): number {
    return this.pool.size;
  }

  /** openSealedEnvelope (sealed-envelope.ts) with the platform key and the sender's armored keys. */
  async openSealedEnvelope(input: { armored: string; senderKeys: string[] }): Promise<OpenedEnvelope> {
    const { signedAtMs, ...opened } = await this.run('openSealedEnvelope', input);
    return { ...opened, signedAt: new Date(signedAtMs) };
  }

  /** encryptForRecipients (recipient-encryption.ts) to recipients given by armored public keys. */
  encryptForRecipients(plaintext: Uint8Array, recipients: { recipientId: string; armoredPublicKey: string }[]): Promise<RecipientEncryption> {
    return this.run('encryptForRecipients', { plaintext, recipients });
  }

  private run<N extends CryptoTaskName>(name: N, input: CryptoTasks[N]['input'], transfer: ArrayBuffer[] = []): Promise<CryptoTasks[N]['output']> {
    return this.pool.run(name, input, transfer) as Promise<CryptoTasks[N]['output']>;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
