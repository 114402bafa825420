/*
 * LISTEN/NOTIFY for the connections of a PGlite session server. PGlite has one session, so a
 * notification comes out in the reply of whichever connection ran the statement that committed
 * it, never to the connections that listen. These pieces move it: the LISTEN, UNLISTEN and
 * DISCARD ALL that each connection sends (simple query or Parse) are recorded when they take
 * effect, NotificationResponse messages are taken out of every reply, and each is written to the
 * connections listening on its channel, as a server would. A LISTEN run some other way (EXECUTE
 * in a function) is not seen, and its connection hears nothing on that channel.
 */

const NOTIFICATION_RESPONSE = 0x41; // 'A'
const COMMAND_COMPLETE = 0x43; // 'C'
const ERROR_RESPONSE = 0x45; // 'E'
const SIMPLE_QUERY = 0x51; // 'Q'
const PARSE = 0x50; // 'P'
const SYNC = 0x53; // 'S'
/** PostgreSQL's NAMEDATALEN - 1: a longer identifier is cut to this many bytes. */
const MAX_IDENTIFIER_BYTES = 63;

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** One LISTEN or UNLISTEN statement; channel null is UNLISTEN * (and DISCARD ALL, which does it). */
export interface ListenCommand {
  listen: boolean;
  channel: string | null;
}

/** An identifier as PostgreSQL reads it: unquoted folds ASCII letters to lower case, "quoted" is kept; both cut to 63 bytes. */
function identifier(text: string): string {
  const name = text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  const bytes = utf8Encoder.encode(name);
  if (bytes.length <= MAX_IDENTIFIER_BYTES) return name;
  let end = MAX_IDENTIFIER_BYTES;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end -= 1; // not inside a character
  return utf8.decode(bytes.subarray(0, end));
}

/**
 * The top-level statements of a query text, without comments and with string literals emptied,
 * so that a semicolon or a keyword inside a literal, a quoted identifier, a dollar-quoted body or
 * a (nested) comment is not taken for a statement.
 */
export function topLevelStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      current += ' ';
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        const pair = sql.slice(i, i + 2);
        depth += pair === '/*' ? 1 : pair === '*/' ? -1 : 0;
        i += pair === '/*' || pair === '*/' ? 2 : 1;
      }
      current += ' ';
    } else if (c === "'") {
      const escapes = /[eE]$/.test(current) && !/[A-Za-z0-9_$]{2}$/.test(current);
      i += 1;
      while (i < sql.length) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i += 1;
      }
      i += 1;
      current += "''";
    } else if (c === '"') {
      let end = i + 1;
      while (end < sql.length && !(sql[end] === '"' && sql[end + 1] !== '"')) end += sql[end] === '"' ? 2 : 1;
      current += sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === '$' && !/[A-Za-z0-9_$]$/.test(current) && /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
      current += "''";
    } else if (c === ';') {
      statements.push(current.trim());
      current = '';
      i += 1;
    } else {
      current += c;
      i += 1;
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements.filter(Boolean);
}

const LISTEN_STATEMENT = /^(un)?listen\s+("(?:[^"]|"")+"|\*|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)$/i;
const DISCARD_ALL = /^discard\s+all$/i;

/** The LISTEN, UNLISTEN and DISCARD ALL statements of a query text, in order. */
export function listenCommandsIn(sql: string): ListenCommand[] {
  if (!/listen|discard/i.test(sql)) return [];
  const commands: ListenCommand[] = [];
  for (const statement of topLevelStatements(sql)) {
    if (DISCARD_ALL.test(statement)) {
      commands.push({ listen: false, channel: null });
      continue;
    }
    const match = LISTEN_STATEMENT.exec(statement);
    if (!match) continue;
    const [, un, name] = match;
    if (name === '*' && !un) continue; // not valid SQL: PostgreSQL refuses it
    commands.push({ listen: !un, channel: name === '*' ? null : identifier(name) }); // "*" quoted is a channel named *
  }
  return commands;
}

/** The statements of a simple query ('Q') or of a Parse ('P') that change what the session listens on. */
export function listenCommandsOf(message: Uint8Array): ListenCommand[] {
  if (message[0] === SIMPLE_QUERY && message.length >= 6) return listenCommandsIn(utf8.decode(message.subarray(5, message.length - 1)));
  if (message[0] === PARSE && message.length >= 7) {
    const nameEnd = message.indexOf(0, 5);
    const queryEnd = nameEnd < 0 ? -1 : message.indexOf(0, nameEnd + 1);
    if (queryEnd > nameEnd) return listenCommandsIn(utf8.decode(message.subarray(nameEnd + 1, queryEnd)));
  }
  return [];
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
  /** The tag of the reply's last CommandComplete (COMMIT, ROLLBACK, LISTEN, ...). */
  lastCommand: string | null = null;
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
      if (type === COMMAND_COMPLETE) this.lastCommand = utf8.decode(data.subarray(at + 5, end - 1));
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

/**
 * When each connection's LISTEN, UNLISTEN and DISCARD ALL take effect, as PostgreSQL applies them:
 * at the end of a statement outside a transaction block, at COMMIT inside one, never when the
 * transaction rolls back or the statement fails. Messages of the extended protocol are looked at
 * together, from a Parse to its Sync.
 */
export class ListenTracker {
  private readonly exchanges = new Map<number, { commands: ListenCommand[]; failed: boolean; lastCommand: string | null }>();
  private readonly transactions = new Map<number, ListenCommand[]>();

  /** After one message of `connection` and its reply: the commands that take effect now, in order. */
  settle(connection: number, message: Uint8Array, reply: { sawError: boolean; lastCommand: string | null }, inTransaction: boolean): ListenCommand[] {
    let commands: ListenCommand[];
    let failed: boolean;
    let lastCommand: string | null;
    if (message[0] === SIMPLE_QUERY) {
      commands = listenCommandsOf(message);
      failed = reply.sawError;
      lastCommand = reply.lastCommand;
    } else {
      const exchange = this.exchanges.get(connection) ?? { commands: [], failed: false, lastCommand: null };
      exchange.commands.push(...listenCommandsOf(message));
      exchange.failed ||= reply.sawError;
      exchange.lastCommand = reply.lastCommand ?? exchange.lastCommand;
      if (message[0] !== SYNC) {
        if (exchange.commands.length || exchange.failed || exchange.lastCommand) this.exchanges.set(connection, exchange);
        return [];
      }
      this.exchanges.delete(connection);
      ({ commands, failed, lastCommand } = exchange);
    }
    const done = failed ? [] : commands;
    const pending = this.transactions.get(connection);
    if (inTransaction) {
      if (done.length) this.transactions.set(connection, [...(pending ?? []), ...done]);
      return [];
    }
    this.transactions.delete(connection);
    if (!pending) return done;
    return lastCommand === 'COMMIT' ? [...pending, ...done] : [];
  }

  forget(connection: number): void {
    this.exchanges.delete(connection);
    this.transactions.delete(connection);
  }
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
    if (!this.writers.has(connection)) return []; // gone while its statement ran: no route to keep
    const own = this.channels.get(connection) ?? new Set<string>();
    this.channels.set(connection, own);
    const stopped = new Set<string>();
    for (const { listen, channel } of commands) {
      if (channel === null) {
        own.clear();
        for (const set of this.channels.values()) for (const other of set) stopped.add(other);
      } else if (listen) {
        own.add(channel);
        stopped.delete(channel);
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
