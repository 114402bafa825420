import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie that carries a console session id (HttpOnly, SameSite=Strict, Path=/). */
export const SESSION_COOKIE = 'ww_session';
/** The header a console sends the session's CSRF token in, on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

/** Idle time after which a console session ends, and its longest life whatever the activity. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 8 * 60 * 60_000;
/** A bound on memory: beyond it the least recently used sessions are dropped. */
const MAX_SESSIONS = 20_000;

interface StoredSession {
  /** What the session stands for, re-checked on every request: revoking the key or user ends it. */
  authorization: string;
  csrfToken: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface OpenedSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionView {
  authorization: string;
  csrfToken: string;
  userId: string;
  expiresAt: Date;
}

const hash = (id: string) => createHash('sha256').update(id).digest('base64url');

/**
 * The console's sessions, held by the server: the browser keeps only a random id in an HttpOnly
 * cookie, never the API key. Ids are stored hashed, so a heap dump does not hand out live cookies.
 * Sessions live in this process: a restart signs everyone out (they sign in again with their key).
 */
export class ConsoleSessions {
  private readonly sessions = new Map<string, StoredSession>();

  constructor(private readonly now: () => number = Date.now) {}

  open(authorization: string, userId: string, notAfter?: Date): OpenedSession {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const at = this.now();
    const expiresAt = Math.min(at + SESSION_MAX_MS, notAfter?.getTime() ?? Infinity);
    this.sessions.set(hash(id), { authorization, csrfToken, userId, createdAt: at, lastSeenAt: at, expiresAt });
    return { id, csrfToken, expiresAt: new Date(expiresAt) };
  }

  /** The live session of this id (its idle clock restarts), or null. */
  lookup(id: string | undefined): SessionView | null {
    if (!id || id.length > 100) return null;
    const key = hash(id);
    const session = this.sessions.get(key);
    if (!session) return null;
    const at = this.now();
    if (at >= session.expiresAt || at - session.lastSeenAt >= SESSION_IDLE_MS) {
      this.sessions.delete(key);
      return null;
    }
    session.lastSeenAt = at;
    // Re-inserted so that the Map's order is least recently used first.
    this.sessions.delete(key);
    this.sessions.set(key, session);
    return { authorization: session.authorization, csrfToken: session.csrfToken, userId: session.userId, expiresAt: new Date(Math.min(session.expiresAt, at + SESSION_IDLE_MS)) };
  }

  close(id: string | undefined): boolean {
    return id ? this.sessions.delete(hash(id)) : false;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const at = this.now();
    for (const [key, session] of this.sessions) {
      if (at >= session.expiresAt || at - session.lastSeenAt >= SESSION_IDLE_MS) this.sessions.delete(key);
    }
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
  }
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
