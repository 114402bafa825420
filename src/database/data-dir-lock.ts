import { closeSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What kind of process runs a data directory's database, which decides how others share it:
 * `server` (`windward serve`) and `worker` run for long; a `command` runs until its work, and that
 * of the processes using its database, is done.
 */
export type HolderRole = 'server' | 'worker' | 'command';

/** Who holds a data directory: written into the lock file by the holder. */
export interface LockHolder {
  pid: number;
  /** The holder's start time as the kernel counts it (clock ticks since boot), to tell pid reuse apart. */
  startTicks: string | null;
  /** The whole command line's verb, e.g. `windward user create`, so that a refusal can name it. */
  command: string;
  /** Missing in a lock written before roles existed: read as `server`, which nothing waits for. */
  role?: HolderRole;
  host: string;
  since: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another Windward process (pid ${holder.pid}, \`${holder.command}\`, since ${holder.since}); ` +
        'stop it first, or give this one another DATA_DIR',
    );
  }
}

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'windward.lock';

/** Field 22 of /proc/<pid>/stat: when the process started. Null where there is no /proc. */
function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; count after its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true; // another machine's process: cannot check, assume it runs
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The pid is taken; by the same process only if it started when the holder did.
  const ticks = processStartTicks(holder.pid);
  return holder.startTicks === null || ticks === null || ticks === holder.startTicks;
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(parsed.pid) ? parsed : null;
  } catch {
    return null; // missing, or half-written by a process killed while taking the lock
  }
}

/**
 * Takes `<dataDir>/windward.lock` for this process: the one process that runs the embedded
 * database of a data directory (PGlite allows one). A lock left by a process that is gone (killed,
 * or its pid now used by another program) is taken over; a live holder is named in the error.
 */
export function acquireDataDirLock(dataDir: string, taker: { command: string; role: HolderRole }): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    command: taker.command,
    role: taker.role,
    host: os.hostname(),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
      // Stale (or unreadable because its writer died mid-write): remove it and try again. Two
      // processes racing here both unlink, and only one of them then wins the exclusive create.
      try {
        unlinkSync(file);
      } catch {
        // another process removed it first
      }
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        // Only our own lock: never remove one another process took over.
        if (readHolder(file)?.pid === process.pid) unlinkSync(file);
      },
    };
  }
  const holder = readHolder(file);
  if (holder) throw new DataDirInUseError(dataDir, holder);
  throw new Error(`Cannot take the lock ${file}`);
}

const WAITING_SERVER_FILE = 'windward.server-waiting';

/**
 * Says that a server waits for the command holding `dataDir` to finish, until `release()`: a worker
 * waiting for the same command then lets the server take the directory first (`serverIsWaiting`).
 * A server must run the database itself and is refused where a worker does, while a worker can use
 * a server's; without this, whichever polled first after the command took the lock, and a worker
 * that won left the server refused.
 */
export function announceWaitingServer(dataDir: string, command: string): { release(): void } {
  const file = path.join(dataDir, WAITING_SERVER_FILE);
  const me: LockHolder = { pid: process.pid, startTicks: processStartTicks(process.pid), command, role: 'server', host: os.hostname(), since: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(me), { mode: 0o600 });
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      // Only our own: another server may have announced itself since.
      if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}

/** Whether a live server other than this process is waiting for `dataDir` (announceWaitingServer). */
export function serverIsWaiting(dataDir: string): boolean {
  const waiting = readHolder(path.join(dataDir, WAITING_SERVER_FILE));
  return waiting !== null && waiting.pid !== process.pid && isAlive(waiting);
}
