/**
 * Pins the parts of a benchmark run to CPUs (Linux, `taskset`), so that the server under test has a
 * core of its own while PostgreSQL and the load generator share the other: the shape of a
 * deployment whose database runs on other cores or another machine. Without it, on a 2-core
 * machine, the server, PostgreSQL and the load generator all compete for the same two cores and
 * a request's database work is paid out of the server's core.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { postgresPids } from './cpu-meter.js';

function taskset(args: string[]): void {
  execFileSync('taskset', args, { stdio: 'ignore' });
}

/** The kernel's id of the calling thread (a worker thread's own, not the process's). */
export function currentThreadId(): number {
  return Number(readlinkSync('/proc/thread-self').split('/').pop());
}

/** Pins one thread (by its kernel id) to one CPU. */
export function pinThread(tid: number, cpu: number): void {
  taskset(['-p', '-c', String(cpu), String(tid)]);
}

export interface Pinning {
  serverCpu: number;
  otherCpu: number;
  /** Gives every pinned process and thread all CPUs back. */
  release(): void;
}

/**
 * The server's main thread (this process's, where Windward and the framework floor run) on CPU 0;
 * every PostgreSQL process, and every backend it starts later (they inherit the postmaster's
 * affinity), on CPU 1. Load generators pin themselves to CPU 1 (`pinThread` in the worker).
 */
export function pinForBenchmark(): Pinning {
  const cpus = os.cpus().length;
  if (cpus < 2) throw new Error('--pin needs at least 2 CPUs');
  const all = `0-${cpus - 1}`;
  const postgres = postgresPids();
  if (postgres.length === 0) throw new Error('--pin: no PostgreSQL process found on this machine (it pins only a local server)');
  pinThread(process.pid, 0);
  for (const pid of postgres) taskset(['-a', '-p', '-c', '1', String(pid)]);
  return {
    serverCpu: 0,
    otherCpu: 1,
    release() {
      taskset(['-p', '-c', all, String(process.pid)]);
      for (const pid of postgresPids()) {
        try {
          taskset(['-a', '-p', '-c', all, String(pid)]);
        } catch {
          // a backend that ended meanwhile
        }
      }
    },
  };
}
