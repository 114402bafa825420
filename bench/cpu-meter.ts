/**
 * CPU time spent by the parts of a benchmark run, read from Linux's /proc: this process's main
 * thread (the server under test), its other threads (load generator, GC and libuv helpers), and
 * every PostgreSQL process on the machine. On a 2-core machine they compete for the same cores, so
 * "requests/s" alone does not say who used the time. Elsewhere than Linux it reads nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface CpuSnapshot {
  mainThreadMs: number;
  processMs: number;
  postgresMs: number;
  /** CPU time of each live thread of this process, by thread id, with its name. */
  threads: Map<string, { comm: string; ms: number }>;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * utime + stime of a /proc/.../stat line, in milliseconds, and with `children` also cutime + cstime
 * (the time of exited children it reaped: PostgreSQL backends of closed connections end up in the
 * postmaster's); its name (comm) alongside.
 */
function readStat(path: string, children = false): { comm: string; ms: number } | null {
  try {
    const text = readFileSync(path, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After "(comm) ": state is field 0, utime 11, stime 12, cutime 13, cstime 14.
    const own = Number(fields[11]) + Number(fields[12]);
    const reaped = children ? Number(fields[13]) + Number(fields[14]) : 0;
    return { comm, ms: (own + reaped) * TICK_MS };
  } catch {
    return null;
  }
}

/** Every PostgreSQL process on this machine (postmaster and backends) with its CPU time, reaped children included. */
function postgresProcesses(): { pid: number; ms: number }[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: { pid: number; ms: number }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(`/proc/${entry}/stat`, true);
    if (stat?.comm.startsWith('postgres')) found.push({ pid: Number(entry), ms: stat.ms });
  }
  return found;
}

export function postgresPids(): number[] {
  return postgresProcesses().map((p) => p.pid);
}

function liveThreads(): Map<string, { comm: string; ms: number }> {
  const threads = new Map<string, { comm: string; ms: number }>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return threads;
  }
  for (const tid of tids) {
    const stat = readStat(`/proc/self/task/${tid}/stat`);
    if (stat) threads.set(tid, stat);
  }
  return threads;
}

export function cpuSnapshot(): CpuSnapshot {
  return {
    mainThreadMs: readStat(`/proc/self/task/${process.pid}/stat`)?.ms ?? 0,
    processMs: readStat('/proc/self/stat')?.ms ?? 0,
    postgresMs: postgresProcesses().reduce((sum, p) => sum + p.ms, 0),
    threads: liveThreads(),
  };
}

/**
 * The "other threads" share split by thread name (V8's GC helpers are "V8 DefaultWorke", libuv's
 * pool "libuv-worker"); threads that started and ended between the snapshots (the load generator's
 * worker) are counted as "exited".
 */
function otherThreadsByName(before: CpuSnapshot, after: CpuSnapshot, requests: number): string {
  const byName = new Map<string, number>();
  let live = 0;
  for (const [tid, now] of after.threads) {
    if (tid === String(process.pid)) continue;
    const ms = now.ms - (before.threads.get(tid)?.ms ?? 0);
    live += ms;
    byName.set(now.comm, (byName.get(now.comm) ?? 0) + ms);
  }
  const main = after.mainThreadMs - before.mainThreadMs;
  byName.set('exited', after.processMs - before.processMs - main - live);
  return [...byName]
    .filter(([, ms]) => ms / requests >= 0.01)
    .map(([name, ms]) => `${name.trim()} ${(ms / requests).toFixed(2)}`)
    .join(', ');
}

/** CPU milliseconds per request between two snapshots: "main 2.10 + other 0.40 + postgres 0.90 ms". */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): string {
  if (requests <= 0 || after.processMs === 0) return 'cpu n/a';
  const main = (after.mainThreadMs - before.mainThreadMs) / requests;
  const other = (after.processMs - before.processMs) / requests - main;
  const postgres = (after.postgresMs - before.postgresMs) / requests;
  return (
    `cpu/request: main ${main.toFixed(2)} + other threads ${other.toFixed(2)} + postgres ${postgres.toFixed(2)} ms` +
    ` (other threads: ${otherThreadsByName(before, after, requests) || 'none'})`
  );
}
