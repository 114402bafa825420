import { existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { listenOnPath } from './listen-on-path.js';

/*
 * The process that runs an embedded database (its host) serves it to other Windward processes on
 * a PostgreSQL socket. Their `pg` pools open and close connections as they please, so the host
 * cannot tell from those whether anyone still needs it. Each such process therefore holds one
 * lease for as long as it uses the database: a connection to a second socket, on which the host
 * answers whether it takes the process on. The host stops only once every lease has ended (or,
 * for a server shutting down, once its shutdown time is up: it then tells the holders first).
 *
 * Lines on the lease socket: the client sends its name (`{"pid":…,"command":…}`); the host answers
 * `ok <its own name>` or `wait` (starting, or stopping: try again, or take over the directory), and
 * later perhaps `stopping` (the host is about to stop although this lease is still held). The client
 * ends a lease with `bye`, which the host answers with `bye`: a lease that closes without the answer
 * means the host died, even if the client had not noticed before it let go.
 */

/** A process as a lease names it. */
export interface ProcessName {
  pid: number;
  command: string;
}

/** Longer lines are not ours: the connection is dropped. */
const LINE_LIMIT = 4096;
/** A host that neither answers nor refuses a lease in this time is treated as not serving. */
const ANSWER_MS = 10_000;
/** How long the holders of leases a stopping host tells `stopping` get to go before it cuts them off. */
const STOPPING_GRACE_MS = 1_000;
/** A host busy in a long query answers `bye` late: past this, the client lets go without the answer. */
const BYE_MS = 5_000;

function onLines(socket: net.Socket, handle: (line: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      handle(line);
    }
    if (buffered.length > LINE_LIMIT) socket.destroy();
  });
}

function parseName(text: string): ProcessName | null {
  try {
    const value = JSON.parse(text) as Partial<ProcessName> | null;
    return value && Number.isInteger(value.pid) && typeof value.command === 'string' ? { pid: value.pid!, command: value.command } : null;
  } catch {
    return null;
  }
}

/** Resolves when `until` resolves or after `ms` (never, for an infinite `ms`); true if it was `until`. */
async function within(until: Promise<void>, ms: number): Promise<boolean> {
  if (!Number.isFinite(ms)) {
    await until;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([until.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LeaseServerOptions {
  /**
   * A command that hosts keeps taking new clients while it waits for its current ones (they would
   * otherwise wait for it to stop and start the database again); a server shutting down takes
   * none, so that they wait and one of them runs the database once it has gone.
   */
  admitWhileClosing: boolean;
  onClient?: (client: ProcessName) => void;
}

/** The host's side: who holds a lease, and stopping only once nobody does. */
export class LeaseServer {
  /** Each lease's connection, with the name its holder gave (null until it has). */
  private readonly leases = new Map<net.Socket, ProcessName | null>();
  private server?: net.Server;
  private admitting = false;
  private closing = false;
  private emptied?: () => void;

  constructor(
    private readonly path: string,
    private readonly host: ProcessName,
    private readonly options: LeaseServerOptions,
  ) {}

  /** Listens, answering `wait` until `admit()`. The caller holds the data directory's lock. */
  start(): Promise<void> {
    if (existsSync(this.path)) unlinkSync(this.path); // left behind by a host that died
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return listenOnPath(server, this.path);
  }

  /** From now on other processes may use the database (its migrations have been applied). */
  admit(): void {
    if (!this.closing || this.options.admitWhileClosing) this.admitting = true;
  }

  /** The processes holding a lease now (those that have said who they are). */
  get clients(): ProcessName[] {
    return [...this.leases.values()].filter((name): name is ProcessName => name !== null);
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined); // a holder that dies resets its lease: 'close' follows
    if (!this.admitting) {
      socket.resume(); // read (and drop) its name, or this side never sees it hang up
      socket.end('wait\n');
      return;
    }
    this.leases.set(socket, null);
    socket.once('close', () => {
      this.leases.delete(socket);
      this.checkEmptied();
    });
    onLines(socket, (line) => {
      if (this.leases.get(socket) !== null) {
        if (line === 'bye') socket.end('bye\n');
        return;
      }
      const name = parseName(line);
      if (!name) return void socket.destroy();
      this.leases.set(socket, name);
      this.options.onClient?.(name);
    });
    socket.write(`ok ${JSON.stringify(this.host)}\n`);
  }

  /** Decided in the same tick as the last lease's end, so no lease is granted after it. */
  private checkEmptied(): void {
    if (!this.closing || this.leases.size > 0) return;
    this.admitting = false;
    this.emptied?.();
  }

  /**
   * Waits until no lease is held, at most `waitMs` (`onWaiting` hears once, after `noticeMs`, who is
   * still being waited for), then stops listening. Holders still there are told `stopping` and,
   * after a short grace, cut off.
   */
  async close(waitMs: number, onWaiting?: (clients: ProcessName[]) => void, noticeMs = 3000): Promise<void> {
    this.closing = true;
    if (!this.options.admitWhileClosing) this.admitting = false;
    const emptied = new Promise<void>((resolve) => (this.emptied = resolve));
    this.checkEmptied();
    const notice = setTimeout(() => onWaiting?.(this.clients), noticeMs);
    const allGone = await within(emptied, waitMs);
    clearTimeout(notice);
    this.admitting = false;
    if (!allGone) {
      for (const socket of this.leases.keys()) socket.write('stopping\n');
      await within(emptied, STOPPING_GRACE_MS);
      for (const socket of this.leases.keys()) socket.destroy();
    }
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (existsSync(this.path)) unlinkSync(this.path);
  }
}

/** A client's side: held until `release()`. */
export interface Lease {
  /** The process that runs the database. */
  host: ProcessName;
  /** Ends the lease once the host has acknowledged it (reporting the host lost if it cannot). */
  release(): Promise<void>;
}

/**
 * Asks the host listening on `path` to take this process on. Resolves with the lease, or null when
 * there is no host taking clients (none listening yet or any more, or it answered `wait`).
 * `onLost` is called once if the host goes away while the lease is held: `stopping` when it says
 * it is about to (a server whose shutdown time ran out), which is before it cuts this process's
 * connections; otherwise when the lease breaks (the host died).
 */
export function takeLease(path: string, me: ProcessName, onLost: (host: ProcessName, stopping: boolean) => void): Promise<Lease | null> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    // A lease alone must not keep a process alive that has nothing else to do.
    socket.unref();
    let host: ProcessName | null = null;
    let ended = false;
    let lost = false;
    let closed = false;
    let released: (() => void) | undefined;
    let byeTimer: NodeJS.Timeout | undefined;
    const lose = (stopping: boolean) => {
      if (ended || lost || !host) return;
      lost = true;
      onLost(host, stopping);
    };
    const timer = setTimeout(() => socket.destroy(), ANSWER_MS);
    socket.on('error', () => undefined); // ENOENT, ECONNREFUSED, a reset: 'close' follows
    socket.on('connect', () => socket.write(`${JSON.stringify(me)}\n`));
    onLines(socket, (line) => {
      if (host) {
        if (line === 'bye') {
          ended = true;
          clearTimeout(byeTimer);
          socket.end();
          released?.();
        } else if (line === 'stopping') {
          lose(true); // told before the host cuts this process's connections: it can stop cleanly first
        }
        return;
      }
      clearTimeout(timer);
      host = line.startsWith('ok ') ? parseName(line.slice(3)) : null;
      if (!host) return void socket.destroy();
      resolve({
        host,
        release: () =>
          new Promise<void>((done) => {
            if (closed) return done();
            released = done;
            // Waited for: a process that exited meanwhile would miss the news of a dead host.
            socket.ref();
            // Destroyed by an error (the host died) but its 'close', which reports it, still to come.
            if (socket.destroyed) return;
            socket.write('bye\n');
            byeTimer = setTimeout(() => {
              ended = true;
              socket.destroy();
            }, BYE_MS);
          }),
      });
    });
    socket.once('close', () => {
      closed = true;
      clearTimeout(timer);
      clearTimeout(byeTimer);
      if (!host) resolve(null);
      else lose(false);
      released?.();
    });
  });
}
