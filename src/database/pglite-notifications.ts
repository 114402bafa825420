/*
 * LISTEN/NOTIFY for the connections of a PGlite session server. PGlite has one session, so a
 * notification comes out in the reply of whichever connection ran the statement that committed
 * it, never to the connections that listen. These pieces move it: the LISTEN and UNLISTEN that
 * each connection sends are recorded, NotificationResponse messages are taken out of every reply,
 * and each is written to the connections listening on its channel, as a server would.
 */

const NOTIFICATION_RESPONSE = 0x41; // 'A'
const ERROR_RESPONSE = 0x45; // 'E'
const SIMPLE_QUERY = 0x51; // 'Q'

const utf8 = new TextDecoder();

/** One LISTEN or UNLISTEN statement; channel '*' is UNLISTEN *. */
export interface ListenCommand {
  listen: boolean;
  channel: string;
}

/** An identifier as PostgreSQL reads it: unquoted folds to lower case, "quoted" is kept. */
function identifier(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text.toLowerCase();
}

const LISTEN_STATEMENT = /^(un)?listen\s+(\*|"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)\s*$/i;

/** The LISTEN and UNLISTEN statements of a simple-query message, in order (none for any other message). */
export function listenCommandsOf(message: Uint8Array): ListenCommand[] {
  if (message[0] !== SIMPLE_QUERY || message.length < 6) return [];
  const text = utf8.decode(message.subarray(5, message.length - 1));
  if (!/listen/i.test(text)) return [];
  const withoutComments = text.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  const commands: ListenCommand[] = [];
  for (const statement of withoutComments.split(';')) {
    const match = LISTEN_STATEMENT.exec(statement.trim());
    if (!match) continue;
    const [, un, name] = match;
    if (!un && name === '*') continue; // not valid SQL: PostgreSQL refuses it
    commands.push({ listen: !un, channel: name === '*' ? '*' : identifier(name) });
  }
  return commands;
}

/** The channel a NotificationResponse message names (after its length and the sender's pid). */
export function notificationChannel(message: Uint8Array): string {
  const start = 9;
  const end = message.indexOf(0, start);
  return utf8.decode(message.subarray(start, end < 0 ? message.length : end));
}

/**
 * Splits a reply stream into what goes back to the connection that asked and the notifications
 * it carried. Messages are framed by their length; a message cut between two chunks waits for
 * the rest. A stream that cannot be framed is passed on whole and no longer looked into.
 */
export class NotificationSplitter {
  readonly notifications: Uint8Array[] = [];
  /** The reply held an ErrorResponse: the statement (e.g. a LISTEN) did not take effect. */
  sawError = false;
  private carry: Uint8Array | null = null;
  private unframed = false;

  constructor(private readonly pass: (bytes: Uint8Array) => void) {}

  push(chunk: Uint8Array): void {
    if (this.unframed) {
      this.pass(chunk);
      return;
    }
    const data = this.carry ? concat(this.carry, chunk) : chunk;
    this.carry = null;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let passFrom = 0;
    let at = 0;
    while (data.length - at >= 5) {
      const length = view.getInt32(at + 1);
      if (length < 4) {
        this.unframed = true;
        this.pass(data.subarray(passFrom));
        return;
      }
      const end = at + 1 + length;
      if (end > data.length) break;
      const type = data[at];
      if (type === ERROR_RESPONSE) this.sawError = true;
      if (type === NOTIFICATION_RESPONSE) {
        if (at > passFrom) this.pass(data.subarray(passFrom, at));
        this.notifications.push(data.slice(at, end));
        passFrom = end;
      }
      at = end;
    }
    if (at > passFrom) this.pass(data.subarray(passFrom, at));
    if (at < data.length) this.carry = data.slice(at);
  }

  /** The end of the reply: an unfinished message is passed on as it is. */
  finish(): void {
    if (this.carry) this.pass(this.carry);
    this.carry = null;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** Which connection listens on which channel, and how to write to each. */
export class NotificationRoutes {
  private readonly channels = new Map<number, Set<string>>();
  private readonly writers = new Map<number, (bytes: Uint8Array) => void>();

  /** The latest way to write to a connection (its reply callback writes to its socket). */
  writerFor(connection: number, write: (bytes: Uint8Array) => void): void {
    this.writers.set(connection, write);
  }

  /**
   * Applies a connection's LISTEN/UNLISTEN statements in order; returns the channels the session
   * stopped listening on that some connection still wants, which the session must LISTEN on again
   * (UNLISTEN acts on the one session that all connections share).
   */
  apply(connection: number, commands: readonly ListenCommand[]): string[] {
    const own = this.channels.get(connection) ?? new Set<string>();
    this.channels.set(connection, own);
    const stopped = new Set<string>();
    for (const { listen, channel } of commands) {
      if (listen) {
        own.add(channel);
        stopped.delete(channel);
      } else if (channel === '*') {
        own.clear();
        for (const set of this.channels.values()) for (const other of set) stopped.add(other);
      } else {
        own.delete(channel);
        stopped.add(channel);
      }
    }
    if (!own.size) this.channels.delete(connection);
    return [...stopped].filter((channel) => this.listeners(channel).length > 0);
  }

  /** A connection that went away listens no more. */
  forget(connection: number): void {
    this.channels.delete(connection);
    this.writers.delete(connection);
  }

  /** Writes each notification to the connections listening on its channel; others never see it. */
  deliver(notifications: readonly Uint8Array[]): void {
    for (const notification of notifications) {
      for (const connection of this.listeners(notificationChannel(notification))) this.writers.get(connection)?.(notification);
    }
  }

  private listeners(channel: string): number[] {
    return [...this.channels].filter(([, set]) => set.has(channel)).map(([connection]) => connection);
  }
}
