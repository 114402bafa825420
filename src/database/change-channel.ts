import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { JsonLogger } from '../observability/json-logger.js';

export interface ChangeChannelOptions {
  /** The PostgreSQL channel (a plain identifier). */
  channel: string;
  /** How to reach the server: the same settings as the pool's. */
  connection: pg.ClientConfig;
  /** Sends `pg_notify(channel, payload)` the way changes are written: through the pool. */
  notify(channel: string, payload: string): Promise<unknown>;
  logger: JsonLogger;
  /** A ping goes out this often; trust lasts until one interval plus `pingTimeoutMs` after the last one came back. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

/** What a cache needs of a channel: whether to trust what it holds, and when to drop it. */
export interface ChangeSignal {
  /** True while the channel hears every change: what was cached since the last one can be used. */
  trusted(now?: number): boolean;
  /** Called on every change heard, and whenever trust is lost or regained: drop everything. */
  onChange(listener: () => void): void;
}

/** Nest token of the runtime's credential ChangeChannel (a ChangeSignal), or null. */
export const CREDENTIAL_CHANGES = Symbol('CREDENTIAL_CHANGES');

/** The channel the `credential_changes_notify` triggers notify (migration CredentialChanges). */
export const CREDENTIAL_CHANGES_CHANNEL = 'windward_credential_changes';

const PING_PREFIX = 'ping:';
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One PostgreSQL notification channel, heard over a connection of its own, and whether it can be
 * trusted. It is trusted only while its connection is up, its LISTEN took effect, and a ping sent
 * through the pool (the way every change is written) has come back on it lately. Notifications
 * from all transactions arrive in commit order, so a channel that hears its pings hears the
 * changes committed before them. One that stops hearing them (a lost connection, a pooler that
 * does not carry LISTEN, a server that was switched) loses trust within one ping interval plus the
 * ping timeout, even if nothing says it broke, and reconnects.
 *
 * Started by the first question asked of it, so a process that never asks (a command, the worker)
 * never opens the connection.
 */
export class ChangeChannel implements ChangeSignal {
  private readonly listeners: (() => void)[] = [];
  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private client: pg.Client | null = null;
  private started = false;
  private closed = false;
  private trustedUntil = 0;
  private awaitedPing: string | null = null;
  private pingTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelayMs = 0;
  private outageLogged = false;
  private readonly markers = new Map<string, () => void>();

  constructor(private readonly options: ChangeChannelOptions) {
    if (!CHANNEL_NAME.test(options.channel)) throw new Error(`Not a channel name: ${options.channel}`);
    this.pingIntervalMs = options.pingIntervalMs ?? 5_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
  }

  trusted(now = Date.now()): boolean {
    if (!this.started) this.start();
    return now < this.trustedUntil;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Resolves once every change committed before the call has been heard (a marker sent now has come
   * back: notifications arrive in commit order), or at once when the channel is not trusted, since
   * nothing cached is used then. For code that changed credentials by other means than the
   * services (tests with plain SQL) and must see the change on its next request.
   */
  async caughtUp(timeoutMs = 3_000): Promise<void> {
    if (!this.trusted()) return;
    const marker = PING_PREFIX + randomUUID();
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.markers.set(marker, resolve);
        timer = setTimeout(() => reject(new Error(`the change channel did not hear a marker within ${timeoutMs} ms`)), timeoutMs);
        this.options.notify(this.options.channel, marker).catch(reject);
      });
    } finally {
      clearTimeout(timer);
      this.markers.delete(marker);
    }
  }

  /** Opens the connection now rather than at the first question (tests, and processes that know they will ask). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.connect();
    this.pingTimer = setInterval(() => this.pingOrGiveUp(), this.pingIntervalMs).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pingTimer);
    clearTimeout(this.reconnectTimer);
    this.distrust();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    let client: pg.Client;
    try {
      // Can throw at once (an SSL file named in the URL missing just now): handled like any failure.
      client = new pg.Client(this.options.connection);
    } catch (error) {
      this.unreachable(error);
      return;
    }
    // Every failure of this connection is handled here; an unhandled 'error' would end the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (client === this.client && message.channel === this.options.channel) this.heard(message.payload ?? '');
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    // Trusted from the first ping that comes back, not from the LISTEN: that proves the way round.
    this.ping();
  }

  private heard(payload: string): void {
    if (payload.startsWith(PING_PREFIX)) {
      this.markers.get(payload)?.();
      if (payload !== this.awaitedPing) return; // a marker, or another process's ping
      this.awaitedPing = null;
      // Backing off ends when a ping comes back, not when LISTEN succeeds: behind a pooler that takes
      // LISTEN and never delivers, reconnecting every interval would go on for ever.
      this.reconnectDelayMs = 0;
      const wasTrusted = Date.now() < this.trustedUntil;
      // Whatever was loaded before trust began may predate a change this channel never heard.
      if (!wasTrusted) this.changed();
      this.trustedUntil = Date.now() + this.pingIntervalMs + this.pingTimeoutMs;
      if (this.outageLogged) {
        this.outageLogged = false;
        this.options.logger.event('info', 'change channel trusted again', { channel: this.options.channel });
      }
      return;
    }
    this.changed();
  }

  /** Each interval: the last ping must have come back; if it has not, the channel is not hearing. */
  private pingOrGiveUp(): void {
    if (this.closed || !this.client) return;
    if (this.awaitedPing) {
      this.lost(this.client, new Error(`no ping came back within ${this.pingIntervalMs} ms`));
      return;
    }
    this.ping();
  }

  private ping(): void {
    const payload = PING_PREFIX + randomUUID();
    this.awaitedPing = payload;
    // A ping that cannot be sent never comes back, and the next interval gives up on the connection.
    this.options.notify(this.options.channel, payload).catch(() => undefined);
  }

  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client || this.closed) return;
    this.client = null;
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.unreachable(error);
  }

  /** Not hearing: distrusted, said once per outage, and tried again later. */
  private unreachable(error: unknown): void {
    if (this.closed) return;
    this.awaitedPing = null;
    this.distrust();
    if (!this.outageLogged) {
      this.outageLogged = true;
      this.options.logger.event('warn', 'change channel not trusted: caches bypassed until it is back', {
        channel: this.options.channel,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.reconnectDelayMs = Math.min(Math.max(this.reconnectDelayMs * 2, 500), 30_000);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelayMs).unref();
  }

  private distrust(): void {
    const wasTrusted = Date.now() < this.trustedUntil;
    this.trustedUntil = 0;
    if (wasTrusted) this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
