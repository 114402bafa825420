/**
 * Entry of a crypto worker thread (see crypto-pool.ts): runs one task at a time as the pool sends
 * them and answers each with its output or its error. The platform key material arrives in
 * workerData and is never logged or sent back.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { CryptoTaskRunner, serializeError, type CryptoTaskName, type PlatformKeyMaterial } from './crypto-tasks.js';
import type { TaskReply, TaskRequest } from './crypto-pool.js';

const port = parentPort;
if (!port) throw new Error('crypto-worker runs only as a worker thread');

/** How much lower the crypto threads run than the process (nice 0 → 10; 19 is the lowest). */
const CRYPTO_THREAD_NICE_STEP = 10;

/**
 * Bulk cryptography yields to interactive work: a burst of sealed submissions must not stall the
 * event loop's searches when both want the cores. On Linux a thread has a nice value of its own;
 * elsewhere (or if refused) the thread keeps the process's priority.
 */
function lowerThreadPriority(step: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, getPriority(tid) + step));
  } catch {
    // not Linux: same priority as the rest of the process
  }
}
lowerThreadPriority(CRYPTO_THREAD_NICE_STEP);

const runner = new CryptoTaskRunner((workerData as { platformKey: PlatformKeyMaterial | null }).platformKey);

/** Byte arrays of the output, moved to the main thread rather than copied. */
function transferables(value: unknown, found: ArrayBuffer[] = []): ArrayBuffer[] {
  if (value instanceof Uint8Array) {
    if (value.byteOffset === 0 && value.byteLength === value.buffer.byteLength && value.buffer instanceof ArrayBuffer && !found.includes(value.buffer)) found.push(value.buffer);
  } else if (Array.isArray(value)) {
    for (const item of value) transferables(item, found);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const item of Object.values(value)) transferables(item, found);
  }
  return found;
}

port.on('message', (request: TaskRequest) => {
  runner.run(request.task as CryptoTaskName, request.input as never).then(
    (output) => port.postMessage({ id: request.id, ok: true, output } satisfies TaskReply, transferables(output)),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, error: serializeError(error) } satisfies TaskReply),
  );
});
