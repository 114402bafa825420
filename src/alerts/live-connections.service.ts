import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AccessChange } from '../auth/access-changes.js';
import type { Principal } from '../access/principal.js';
import { JsonLogger } from '../observability/json-logger.js';
import { SEIZURE_EVENT_BUS, type SeizureEventBus } from './seizure-event-bus.js';

/** graphql-ws's close code for a refused or withdrawn authorisation. */
export const ACCESS_WITHDRAWN = 4403;

/** The longest delay setTimeout holds (a longer one fires at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The part of a WebSocket this service uses. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

interface Connection {
  socket: ClosableSocket;
  userId: string;
  expiry?: NodeJS.Timeout;
}

/**
 * The WebSocket connections this process holds, by user. When a user's credentials or attributes
 * change anywhere (an AccessChange naming them, from any process through the event bus), their
 * connections close at once; a client whose credentials are still good reconnects and is
 * authorised afresh. A connection opened with an expiring credential (an OIDC token, an API key with a TTL) closes when
 * that credential expires.
 */
@Injectable()
export class LiveConnections implements OnApplicationShutdown {
  private readonly byUser = new Map<string, Set<Connection>>();
  private listening?: Promise<() => void>;

  constructor(
    @Inject(SEIZURE_EVENT_BUS) private readonly bus: SeizureEventBus,
    private readonly logger: JsonLogger,
  ) {}

  get count(): number {
    let total = 0;
    for (const set of this.byUser.values()) total += set.size;
    return total;
  }

  /** Registers an authenticated connection; resolves once access changes for it will be heard. */
  async track(socket: ClosableSocket, principal: Principal): Promise<void> {
    this.listening ??= this.bus.subscribeAccessChanges((change) => this.changed(change)).catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    await this.listening;
    const connection: Connection = { socket, userId: principal.userId };
    let set = this.byUser.get(principal.userId);
    if (!set) this.byUser.set(principal.userId, (set = new Set()));
    set.add(connection);
    socket.once('close', () => this.forget(connection));
    if (principal.credentialsExpireAt) this.closeAt(connection, principal.credentialsExpireAt.getTime());
  }

  /** Closes the connection when its credentials expire: a year-long key's too, with a connection held that long. */
  private closeAt(connection: Connection, expiry: number): void {
    const ms = expiry - Date.now();
    if (ms <= 0) return this.end(connection, 'Credentials expired');
    // setTimeout holds at most ~24.8 days: a later expiry is waited for in steps.
    connection.expiry = setTimeout(() => this.closeAt(connection, expiry), Math.min(ms, MAX_TIMEOUT_MS)).unref();
  }

  private changed(change: AccessChange): void {
    for (const userId of change.users ?? []) {
      for (const connection of [...(this.byUser.get(userId) ?? [])]) this.end(connection, 'Access changed; reconnect to be authorised again');
    }
  }

  private end(connection: Connection, reason: string): void {
    this.forget(connection);
    this.logger.event('info', 'websocket closed: access changed', { userId: connection.userId, reason });
    try {
      connection.socket.close(ACCESS_WITHDRAWN, reason);
    } catch {
      // already closed
    }
  }

  private forget(connection: Connection): void {
    clearTimeout(connection.expiry);
    const set = this.byUser.get(connection.userId);
    set?.delete(connection);
    if (set?.size === 0) this.byUser.delete(connection.userId);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const set of this.byUser.values()) for (const connection of set) clearTimeout(connection.expiry);
    const stop = await this.listening?.catch(() => undefined);
    stop?.();
  }
}
