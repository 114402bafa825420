import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';
import { ListenTracker, NotificationRoutes, NotificationSplitter } from './pglite-notifications.js';
import { listenOnPath } from './listen-on-path.js';

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/** Extended-protocol messages (Parse, Bind, Describe, Execute, Close, Flush): a Sync ends the exchange. */
const EXTENDED_PROTOCOL = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * PGlite has one session; every client connection shares it. pglite-socket's own queue keeps a
 * transaction to the connection that opened it, but interleaves the messages of two connections'
 * extended-protocol exchanges (Parse/Bind/Execute … Sync), which makes concurrent parameterised
 * queries fail ("unnamed prepared statement does not exist"). This queue gives the session to one
 * connection from its first message until its Sync, and for the whole of a transaction.
 *
 * It also carries notifications as a server would (pglite-notifications.ts): a NOTIFY's message
 * leaves the reply of the connection that committed it and goes to the connections that LISTEN
 * on its channel, once that reply is complete. Without this a queue worker waiting on LISTEN
 * would only wake on its timeout, and sleep until its next delayed job when it has one.
 */
export class PGliteSessionQueue {
  private readonly queue: Pending[] = [];
  private draining = false;
  /** The connection whose exchange or transaction is unfinished: only its messages run. */
  private owner: number | null = null;
  private readonly notifications = new NotificationRoutes();
  private readonly listens = new ListenTracker();
  /** Channels to LISTEN on again once no transaction is open (another connection's UNLISTEN dropped them). */
  private readonly relisten = new Set<string>();
  private readonly clearing = new Map<number, Promise<void>>();

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    this.notifications.writerFor(handlerId, onData);
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.notifications.forget(handlerId);
    this.listens.forget(handlerId);
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      if (this.queue[i].handlerId === handlerId) this.queue.splice(i, 1)[0].reject(new Error('Connection closed'));
    }
  }

  /**
   * A connection went away mid-exchange or mid-transaction: roll back and free the session. The
   * socket handler calls this without awaiting it, and may call it twice for one connection (its
   * close, then the server's stop): both get the one rollback, and it never rejects.
   */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    let clearing = this.clearing.get(handlerId);
    if (!clearing) {
      clearing = this.rollBack(handlerId).finally(() => this.clearing.delete(handlerId));
      this.clearing.set(handlerId, clearing);
    }
    return clearing;
  }

  private async rollBack(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    try {
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } catch {
      // The database is closing: its transaction ends with it.
    }
    this.owner = null;
    void this.drain();
  }

  private next(): Pending | undefined {
    if (this.owner === null) return this.queue.shift();
    const index = this.queue.findIndex((item) => item.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        let bytes = 0;
        const current = item;
        const reply = new NotificationSplitter((data) => {
          bytes += data.length;
          current.onData(data);
        });
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(current.message, { onRawData: (data) => reply.push(data) }));
          reply.finish();
        } catch (error) {
          this.owner = this.db.isInTransaction() ? item.handlerId : null;
          item.reject(error);
          this.notifications.deliver(reply.notifications); // committed before the failure: still due to their listeners
          continue;
        }
        const exchangeOpen = EXTENDED_PROTOCOL.has(item.message[0]);
        this.owner = exchangeOpen || this.db.isInTransaction() ? item.handlerId : null;
        const commands = this.listens.settle(item.handlerId, item.message, reply, this.db.isInTransaction());
        if (commands.length) for (const channel of this.notifications.apply(item.handlerId, commands)) this.relisten.add(channel);
        item.resolve(bytes);
        this.notifications.deliver(reply.notifications);
        if (this.relisten.size && this.owner === null && !this.db.isInTransaction()) await this.listenAgain();
      }
    } finally {
      this.draining = false;
    }
  }

  private async listenAgain(): Promise<void> {
    const channels = [...this.relisten];
    this.relisten.clear();
    const quoted = channels.map((channel) => `LISTEN "${channel.replaceAll('"', '""')}";`).join(' ');
    await this.db.exec(quoted).catch(() => undefined);
  }
}

/** Serves a PGlite database to ordinary `pg` clients on a Unix socket, one session at a time. */
export class PGliteSessionServer {
  private readonly queue: PGliteSessionQueue;
  private readonly handlers = new Set<PGLiteSocketHandler>();
  /** Connections whose client left, until their transaction is rolled back: stop() waits for them. */
  private readonly leaving = new Set<Promise<unknown>>();
  private server?: net.Server;

  constructor(
    db: PGlite,
    private readonly path: string,
    private readonly maxConnections: number,
  ) {
    this.queue = new PGliteSessionQueue(db);
  }

  start(): Promise<void> {
    const server = net.createServer((socket) => {
      if (this.handlers.size >= this.maxConnections) {
        socket.end();
        return;
      }
      // The handler only needs the queue's enqueue/clear methods; its declared type is internal.
      const handler = new PGLiteSocketHandler({ queryQueue: this.queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'], closeOnDetach: true });
      this.handlers.add(handler);
      const forget = () => {
        if (!this.handlers.delete(handler)) return;
        // The handler detaches itself too, without waiting; this one is the same rollback, awaited.
        // Closing (its default): after a socket error the handler's own detach may find nothing left to close.
        const detached = handler.detach().catch(() => undefined);
        this.leaving.add(detached);
        void detached.finally(() => this.leaving.delete(detached));
      };
      handler.addEventListener('close', forget);
      handler.addEventListener('error', forget);
      handler.attach(socket).catch(() => {
        forget();
        socket.destroy();
      });
    });
    this.server = server;
    return listenOnPath(server, this.path);
  }

  /** Stops listening, ends every connection and waits for their transactions to be rolled back. */
  async stop(): Promise<void> {
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const handler of this.handlers) await handler.detach(true);
    this.handlers.clear();
    await Promise.all(this.leaving);
    await closed;
  }
}
