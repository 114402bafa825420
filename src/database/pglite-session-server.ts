import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

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
 */
export class PGliteSessionQueue {
  private readonly queue: Pending[] = [];
  private draining = false;
  /** The connection whose exchange or transaction is unfinished: only its messages run. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      if (this.queue[i].handlerId === handlerId) this.queue.splice(i, 1)[0].reject(new Error('Connection closed'));
    }
  }

  /** A connection went away mid-exchange or mid-transaction: roll back and free the session. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
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
        try {
          const current = item;
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          this.owner = this.db.isInTransaction() ? item.handlerId : null;
          item.reject(error);
          continue;
        }
        const exchangeOpen = EXTENDED_PROTOCOL.has(item.message[0]);
        this.owner = exchangeOpen || this.db.isInTransaction() ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.draining = false;
    }
  }
}

/** Serves a PGlite database to ordinary `pg` clients on a Unix socket, one session at a time. */
export class PGliteSessionServer {
  private readonly queue: PGliteSessionQueue;
  private readonly handlers = new Set<PGLiteSocketHandler>();
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
      const forget = () => this.handlers.delete(handler);
      handler.addEventListener('close', forget);
      handler.addEventListener('error', forget);
      handler.attach(socket).catch(() => {
        forget();
        socket.destroy();
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const handler of this.handlers) await handler.detach(true);
    this.handlers.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
