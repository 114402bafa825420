import { Redis } from 'ioredis';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { AccessChange } from '../auth/access-changes.js';
import type { AppConfig } from '../config/app-config.js';
import type { JsonLogger } from '../observability/json-logger.js';

/** A committed change of a report that subscribers may want to hear about. */
export interface SeizureEvent {
  seizureId: string;
  changeSeq: string;
  version: number;
  change: string;
}

export type SeizureEventListener = (event: SeizureEvent) => void;

export type { AccessChange };
export type AccessChangeListener = (change: AccessChange) => void;

/**
 * Carries report events from the process that handled them (the worker) to every API process
 * holding subscriptions. Events are hints: each receiver re-reads the report and re-checks access
 * before delivering anything, so a lost or repeated event never discloses more than a search.
 */
export interface SeizureEventBus {
  readonly kind: 'postgres' | 'redis' | 'polling';
  publish(event: SeizureEvent): Promise<void>;
  /**
   * After a change committed to the seizure_changes log. Only the embedded bus, which reads that
   * log, acts on it (its readers read now); the others carry what the alert matcher publishes.
   */
  changeLogged(): Promise<void>;
  /** Resolves once the listener will receive events published from now on. */
  subscribe(listener: SeizureEventListener): Promise<() => void>;
  /** Tells every process (this one included) that access changed; see AccessChange. */
  publishAccessChange(change: AccessChange): Promise<void>;
  subscribeAccessChanges(listener: AccessChangeListener): Promise<() => void>;
  close(): Promise<void>;
}

export const SEIZURE_EVENT_BUS = Symbol('SEIZURE_EVENT_BUS');
export const SEIZURE_EVENTS_CHANNEL = 'windward_seizure_events';
export const ACCESS_CHANGES_CHANNEL = 'windward_access_changes';
const RECONNECT_MS = 1000;
/** How often the embedded bus reads its logs: without wake-ups, and as a safety net with them. */
const POLL_MS = 500;
const POLL_WITH_WAKEUPS_MS = 5000;
export const CHANGE_LOG_WAKEUP_CHANNEL = 'windward_change_log';

/**
 * Redis pub/sub when REDIS_URL is set; PostgreSQL LISTEN/NOTIFY on a real server; and with the
 * embedded database, the seizure_changes and access_changes logs, read when a NOTIFY says they grew
 * (the session server carries notifications to the connections that LISTEN:
 * database/pglite-notifications.ts) and every few seconds in case one was missed.
 */
/**
 * `beforeAccessListeners`: run on every access change received, before any listener. The app drops
 * its cached credentials there: a listener that re-checks a subscription or accepts a reconnect must
 * not be answered from a cache that has not yet heard the same change (it comes on another
 * connection, in no set order with this message).
 */
export function createSeizureEventBus(config: AppConfig, dataSource: DataSource, logger: JsonLogger, beforeAccessListeners?: () => void): SeizureEventBus {
  const bus = config.redis.url
    ? new RedisEventBus(config.redis.url, `${config.redis.prefix}:seizure-events`, logger)
    : config.database.url
      ? new PostgresNotifyEventBus(config.database.url, dataSource, logger)
      : new ChangeLogPollingEventBus(dataSource, logger, { wakeups: clientConfigOf(dataSource) });
  bus.beforeAccessListeners = beforeAccessListeners;
  return bus;
}

/** One more connection to the data source's database (the embedded one's socket), for LISTEN. */
function clientConfigOf(dataSource: DataSource): pg.ClientConfig {
  const options = dataSource.options as { host?: string; port?: number; username?: string; database?: string };
  return { host: options.host, port: options.port, user: options.username, database: options.database, application_name: 'windward-events' };
}

function parseEvent(text: string): SeizureEvent | null {
  try {
    const value = JSON.parse(text) as Partial<SeizureEvent>;
    if (typeof value.seizureId !== 'string' || typeof value.changeSeq !== 'string' || typeof value.version !== 'number' || typeof value.change !== 'string') return null;
    return { seizureId: value.seizureId, changeSeq: value.changeSeq, version: value.version, change: value.change };
  } catch {
    return null;
  }
}

const MAX_IDS = 1000;
const ids = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.length <= MAX_IDS && value.every((v) => typeof v === 'string' && v.length <= 64) ? (value as string[]) : undefined;

function parseAccessChange(text: string): AccessChange | null {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const users = ids(value.users);
    const agencies = ids(value.agencies);
    if (!users && !agencies) return null;
    return { users, agencies, reason: typeof value.reason === 'string' ? value.reason.slice(0, 100) : 'access changed' };
  } catch {
    return null;
  }
}

abstract class ListeningBus {
  protected readonly listeners = new Set<SeizureEventListener>();
  protected readonly accessListeners = new Set<AccessChangeListener>();
  /** See createSeizureEventBus. */
  beforeAccessListeners?: () => void;

  constructor(protected readonly logger: JsonLogger) {}

  protected emitAccessChange(change: AccessChange): void {
    this.beforeAccessListeners?.();
    for (const listener of this.accessListeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.event('error', 'access change listener failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  protected accessRemover(listener: AccessChangeListener): () => void {
    return () => {
      this.accessListeners.delete(listener);
      this.idle();
    };
  }

  protected get hasListeners(): boolean {
    return this.listeners.size > 0 || this.accessListeners.size > 0;
  }

  protected emit(event: SeizureEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.event('error', 'seizure event listener failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  protected remover(listener: SeizureEventListener): () => void {
    return () => {
      this.listeners.delete(listener);
      this.idle();
    };
  }

  /** Called when the last listener leaves. */
  protected idle(): void {}
}

/** LISTEN on one dedicated connection, opened with the first subscriber and re-opened if it drops. */
class PostgresNotifyEventBus extends ListeningBus implements SeizureEventBus {
  readonly kind = 'postgres' as const;

  /** Subscribers hear of a change when the alert matcher publishes it. */
  changeLogged(): Promise<void> {
    return Promise.resolve();
  }

  private listening?: Promise<void>;
  private client?: pg.Client;
  private closed = false;

  constructor(private readonly url: string, private readonly dataSource: DataSource, logger: JsonLogger) {
    super(logger);
  }

  async publish(event: SeizureEvent): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [SEIZURE_EVENTS_CHANNEL, JSON.stringify(event)]);
  }

  async subscribe(listener: SeizureEventListener): Promise<() => void> {
    this.listeners.add(listener);
    await this.listen();
    return this.remover(listener);
  }

  async publishAccessChange(change: AccessChange): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [ACCESS_CHANGES_CHANNEL, JSON.stringify(change)]);
  }

  async subscribeAccessChanges(listener: AccessChangeListener): Promise<() => void> {
    this.accessListeners.add(listener);
    await this.listen();
    return this.accessRemover(listener);
  }

  private listen(): Promise<void> {
    this.listening ??= this.connect().catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'windward-events' });
    client.on('notification', (message) => {
      if (!message.payload) return;
      if (message.channel === ACCESS_CHANGES_CHANNEL) {
        const change = parseAccessChange(message.payload);
        if (change) this.emitAccessChange(change);
        return;
      }
      const event = message.channel === SEIZURE_EVENTS_CHANNEL ? parseEvent(message.payload) : null;
      if (event) this.emit(event);
    });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    await client.connect();
    await client.query(`LISTEN ${SEIZURE_EVENTS_CHANNEL}`);
    await client.query(`LISTEN ${ACCESS_CHANGES_CHANNEL}`);
    this.client = client;
  }

  private dropped(client: pg.Client, error?: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.listening = undefined;
    client.end().catch(() => undefined);
    this.logger.event('warn', 'seizure event listener disconnected', { error: error?.message });
    const retry = () => {
      if (this.closed || !this.hasListeners) return;
      this.listen().catch(() => setTimeout(retry, RECONNECT_MS).unref());
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.accessListeners.clear();
    await this.client?.end().catch(() => undefined);
  }
}

/** Pub/sub on a channel named by the Redis prefix, so installations sharing a Redis stay apart. */
class RedisEventBus extends ListeningBus implements SeizureEventBus {
  readonly kind = 'redis' as const;

  /** Subscribers hear of a change when the alert matcher publishes it. */
  changeLogged(): Promise<void> {
    return Promise.resolve();
  }

  private publisher?: Redis;
  private subscriber?: Redis;
  private subscribed?: Promise<unknown>;
  private closed = false;

  private readonly accessChannel: string;

  constructor(private readonly url: string, private readonly channel: string, logger: JsonLogger) {
    super(logger);
    this.accessChannel = `${channel}:access`;
  }

  async publish(event: SeizureEvent): Promise<void> {
    await this.send(this.channel, JSON.stringify(event));
  }

  async publishAccessChange(change: AccessChange): Promise<void> {
    await this.send(this.accessChannel, JSON.stringify(change));
  }

  private async send(channel: string, text: string): Promise<void> {
    if (this.closed) throw new Error('The seizure event bus is closed');
    this.publisher ??= new Redis(this.url, { maxRetriesPerRequest: 3 });
    await this.publisher.publish(channel, text);
  }

  async subscribe(listener: SeizureEventListener): Promise<() => void> {
    this.listeners.add(listener);
    await this.listen();
    return this.remover(listener);
  }

  async subscribeAccessChanges(listener: AccessChangeListener): Promise<() => void> {
    this.accessListeners.add(listener);
    await this.listen();
    return this.accessRemover(listener);
  }

  private async listen(): Promise<void> {
    if (!this.subscriber) {
      const subscriber = new Redis(this.url, { maxRetriesPerRequest: null });
      subscriber.on('message', (channel: string, text: string) => {
        if (channel === this.accessChannel) {
          const change = parseAccessChange(text);
          if (change) this.emitAccessChange(change);
          return;
        }
        const event = channel === this.channel ? parseEvent(text) : null;
        if (event) this.emit(event);
      });
      subscriber.on('error', (error: Error) => this.logger.event('warn', 'seizure event subscriber error', { error: error.message }));
      this.subscriber = subscriber;
      this.subscribed = subscriber.subscribe(this.channel, this.accessChannel);
    }
    await this.subscribed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.accessListeners.clear();
    await Promise.all([this.publisher, this.subscriber].map((redis) => redis?.quit().catch(() => redis.disconnect())));
  }
}

/**
 * Reads new rows of the seizure_changes log while anyone listens: at once when a NOTIFY on
 * CHANGE_LOG_WAKEUP_CHANNEL says a change or an access change was logged, and every few seconds in case a wake-up
 * was missed (every 500 ms when no LISTEN connection could be opened). PGlite runs one transaction
 * at a time, so rows commit in seq order and a cursor on seq misses none. Access changes have no
 * log of their own elsewhere, so here they are written to `access_changes` (kept for an hour) and
 * read the same way, which also carries them between processes sharing the embedded database
 * through its socket (a CLI command and the server).
 */
export class ChangeLogPollingEventBus extends ListeningBus implements SeizureEventBus {
  readonly kind = 'polling' as const;
  private cursor?: Promise<string>;
  private accessCursor?: Promise<string>;
  private timer?: NodeJS.Timeout;
  private timerMs = 0;
  private polling = false;
  private pollAgain = false;
  private wakeups?: pg.Client;
  private connecting?: Promise<void>;
  private ending?: Promise<void>;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    logger: JsonLogger,
    private readonly options: { wakeups?: pg.ClientConfig; pollMs?: number } = {},
  ) {
    super(logger);
  }

  /** Nothing to send: the log itself is the channel, and the change woke its readers when it committed (changeLogged). */
  async publish(): Promise<void> {}

  /** A change was committed to the seizure_changes log: its readers, in every process, read it now. */
  async changeLogged(): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [CHANGE_LOG_WAKEUP_CHANNEL, 'seizure']);
  }

  async publishAccessChange(change: AccessChange): Promise<void> {
    await this.dataSource.query(
      "WITH pruned AS (DELETE FROM access_changes WHERE created_at < now() - interval '1 hour'), " +
        'written AS (INSERT INTO access_changes (payload) VALUES ($1)) SELECT pg_notify($2, $3)',
      [JSON.stringify(change), CHANGE_LOG_WAKEUP_CHANNEL, 'access'],
    );
  }

  async subscribe(listener: SeizureEventListener): Promise<() => void> {
    this.listeners.add(listener);
    await this.start();
    return this.remover(listener);
  }

  async subscribeAccessChanges(listener: AccessChangeListener): Promise<() => void> {
    this.accessListeners.add(listener);
    await this.start();
    return this.accessRemover(listener);
  }

  /** Whether a LISTEN connection wakes the readers now (else they read on the short timer). */
  get listening(): boolean {
    return this.wakeups !== undefined;
  }

  private async start(): Promise<void> {
    this.cursor ??= this.dataSource
      .query('SELECT coalesce(max(seq), 0)::text AS seq FROM seizure_changes')
      .then((rows: { seq: string }[]) => rows[0].seq);
    this.accessCursor ??= this.dataSource
      .query('SELECT coalesce(max(seq), 0)::text AS seq FROM access_changes')
      .then((rows: { seq: string }[]) => rows[0].seq);
    try {
      await Promise.all([this.cursor, this.accessCursor, this.listen()]);
    } catch (error) {
      // Not kept: the next subscriber tries again.
      this.cursor = undefined;
      this.accessCursor = undefined;
      throw error;
    }
    if (this.closed || !this.hasListeners) return;
    this.pollEvery(this.pollInterval());
  }

  private pollInterval(): number {
    return this.options.pollMs ?? (this.wakeups ? POLL_WITH_WAKEUPS_MS : POLL_MS);
  }

  private pollEvery(ms: number): void {
    if (this.timer && this.timerMs === ms) return;
    clearInterval(this.timer);
    this.timerMs = ms;
    this.timer = setInterval(() => this.pollSoon(), ms);
    this.timer.unref();
  }

  /**
   * Opens the LISTEN connection unless it is open or opening. Failing, the readers poll on the
   * short timer; a connection that drops is opened again after RECONNECT_MS while anyone listens.
   */
  private listen(): Promise<void> {
    if (!this.options.wakeups || this.wakeups || this.closed) return Promise.resolve();
    this.connecting ??= this.connectWakeups().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectWakeups(): Promise<void> {
    const client = new pg.Client({ connectionTimeoutMillis: 5000, ...this.options.wakeups });
    client.on('notification', () => this.pollSoon());
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_LOG_WAKEUP_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.logger.event('warn', 'change log wake-ups unavailable; polling', { error: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (this.closed || !this.hasListeners) {
      await client.end().catch(() => undefined);
      return;
    }
    this.wakeups = client;
    if (this.timer) this.pollEvery(this.pollInterval());
    this.pollSoon(); // whatever was logged while the connection was being opened
  }

  private dropped(client: pg.Client, error?: Error): void {
    if (this.wakeups !== client) return;
    this.wakeups = undefined;
    client.end().catch(() => undefined);
    if (this.closed || !this.hasListeners) return;
    this.logger.event('warn', 'change log wake-ups lost; polling until they are back', { error: error?.message });
    this.pollEvery(this.pollInterval());
    const retry = () => {
      if (this.closed || !this.hasListeners || this.wakeups) return;
      void this.listen().then(() => {
        if (!this.wakeups && !this.closed && this.hasListeners) setTimeout(retry, RECONNECT_MS).unref();
      });
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }

  /** Reads the logs now, or right after the read under way (which may have started before the wake-up's rows committed). */
  private pollSoon(): void {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    void this.poll();
  }

  protected override idle(): void {
    if (this.hasListeners) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.cursor = undefined;
    this.accessCursor = undefined;
    const client = this.wakeups;
    this.wakeups = undefined;
    this.ending = client?.end().catch(() => undefined);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.cursor === undefined || this.accessCursor === undefined) return;
    this.polling = true;
    this.pollAgain = false;
    try {
      const accessAfter = await this.accessCursor;
      const changes = (await this.dataSource.query(
        'SELECT seq::text AS seq, payload::text AS payload FROM access_changes WHERE seq > $1 ORDER BY seq LIMIT 500',
        [accessAfter],
      )) as { seq: string; payload: string }[];
      if (changes.length && this.accessCursor !== undefined) {
        this.accessCursor = Promise.resolve(changes[changes.length - 1].seq);
        for (const row of changes) {
          const change = parseAccessChange(row.payload);
          if (change) this.emitAccessChange(change);
        }
        if (changes.length === 500) this.pollAgain = true; // a full page: there may be more
      }
      const after = await this.cursor;
      const rows = (await this.dataSource.query(
        'SELECT seq::text AS seq, seizure_id, version, change FROM seizure_changes WHERE seq > $1 ORDER BY seq LIMIT 500',
        [after],
      )) as { seq: string; seizure_id: string; version: number; change: string }[];
      if (rows.length === 0 || this.cursor === undefined) return;
      this.cursor = Promise.resolve(rows[rows.length - 1].seq);
      for (const row of rows) this.emit({ seizureId: row.seizure_id, changeSeq: row.seq, version: row.version, change: row.change });
      if (rows.length === 500) this.pollAgain = true;
    } catch (error) {
      this.logger.event('warn', 'seizure change poll failed', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.polling = false;
      if (this.pollAgain && this.cursor !== undefined) this.pollSoon();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.accessListeners.clear();
    this.idle();
    await this.connecting?.catch(() => undefined);
    await this.ending;
  }
}
