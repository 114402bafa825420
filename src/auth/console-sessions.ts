import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { openUnderKey, sealUnderKey, secretRowKeys } from '../crypto/keyed-seal.js';
import { UnauthenticatedError } from '../errors/domain-error.js';

/**
 * The cookie that carries a console session id (HttpOnly, SameSite=Strict, Path=/). Over HTTPS it
 * is `__Host-ww_session`: a browser accepts that name only from this very origin, Secure, with
 * Path=/ and no Domain, so a page on a sibling subdomain cannot plant its own session in the
 * user's browser (cookie tossing); and over HTTPS only that name is read.
 */
export function sessionCookieName(https: boolean): string {
  return https ? '__Host-ww_session' : 'ww_session';
}

/**
 * Whether the browser reached Windward over HTTPS. Windward itself speaks plain HTTP behind a proxy
 * that ends TLS and says so in X-Forwarded-Proto (its first value, for a chain of proxies); Fastify's
 * `protocol` says it too when that proxy is a trusted one.
 */
export function overHttps(headers: Record<string, string | string[] | undefined>, protocol?: string): boolean {
  const forwarded = headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return protocol === 'https' || first === 'https';
}

/** The console session id a request carries, under the cookie name its scheme calls for. */
export function sessionIdOf(headers: Record<string, string | string[] | undefined>, protocol?: string): string | undefined {
  return cookieValue(headers.cookie, sessionCookieName(overHttps(headers, protocol)));
}
/** The header a console sends the session's CSRF token in, on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

/** Idle time after which a console session ends, and its longest life whatever the activity. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 8 * 60 * 60_000;
/** A session's last activity is written at most this often: a console request is not a write each time. */
export const SESSION_TOUCH_MS = 60_000;
/** Sessions one user may hold at once; opening another ends the least recently used. */
export const SESSIONS_PER_USER = 20;

/** Where a test puts a clock of its own; the server uses Date.now. */
export const SESSION_CLOCK = Symbol('SESSION_CLOCK');

/** A session id as issued: 32 random bytes, base64url. Anything else is not looked up. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export interface OpenedSession {
  id: string;
  csrfToken: string;
  /** The session's last possible moment (the cookie's Max-Age). */
  expiresAt: Date;
  /** When it ends without another request: what `GET /session` reports as its `expiresAt`. */
  activeUntil: Date;
}

/**
 * What a console session stands for, checked again on every request: an API key by its hash (the
 * hash api_keys holds anyway: it authenticates nothing over the API), or an OIDC token, which
 * expires, and the session with it.
 */
export type SessionCredential = { kind: 'api-key'; keyHash: string } | { kind: 'oidc'; token: string };

export interface SessionView {
  credential: SessionCredential;
  csrfToken: string;
  userId: string;
  expiresAt: Date;
}

/**
 * What the database may hold of a session, all derived from its id, which only the browser keeps:
 * the row's key (a hash), the key that seals the credential, and the CSRF token (a page on another
 * site can read neither the cookie nor anything derived from it).
 */
export function sessionSecrets(id: string): { idHash: string; sealKey: Buffer; csrfToken: string } {
  const { rowKey, sealKey } = secretRowKeys(id, 'console session: credential');
  return { idHash: rowKey, sealKey, csrfToken: createHmac('sha256', Buffer.from(id, 'utf8')).update('windward console session: csrf').digest('base64url') };
}

/** The columns a row's seal is bound to: moved to another row or user, or given a later end, it opens nothing. */
export function sessionRowContext(idHash: string, userId: string, expiresAt: Date): string {
  return `${idHash}|${userId}|${expiresAt.getTime()}`;
}

function parseCredential(text: string | null): SessionCredential | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<{ kind: string; keyHash: unknown; token: unknown }>;
    if (value.kind === 'api-key' && typeof value.keyHash === 'string') return { kind: 'api-key', keyHash: value.keyHash };
    if (value.kind === 'oidc' && typeof value.token === 'string') return { kind: 'oidc', token: value.token };
    return null;
  } catch {
    return null;
  }
}

interface SessionRow {
  user_id: string;
  credential: Buffer;
  last_seen_at: Date;
  expires_at: Date;
}

/**
 * The console's sessions, in the database, so that every API replica knows every session and a
 * restart signs no one out. The browser keeps only a random id in an HttpOnly cookie. A row holds
 * the id's hash and what the session stands for (re-checked on every request), sealed under a key
 * derived from the id: a copy of the database, or of a backup, holds neither a live cookie nor an
 * API key (only its hash, as api_keys does).
 */
@Injectable()
export class ConsoleSessions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(SESSION_CLOCK) private readonly now: () => number = Date.now,
  ) {}

  async open(credential: SessionCredential, userId: string, notAfter?: Date): Promise<OpenedSession> {
    const at = this.now();
    await this.dataSource.query('DELETE FROM console_sessions WHERE expires_at <= $1 OR last_seen_at <= $2', [new Date(at), new Date(at - SESSION_IDLE_MS)]);
    const id = randomBytes(32).toString('base64url');
    const { idHash, sealKey, csrfToken } = sessionSecrets(id);
    const expiresAt = new Date(Math.min(at + SESSION_MAX_MS, notAfter?.getTime() ?? Infinity));
    // Only for an active user, whose row is share-locked: a sign-in racing the user's disabling
    // waits for it and opens nothing, rather than leaving a session behind the one it deleted.
    const inserted = (await this.dataSource.query(
      `INSERT INTO console_sessions (id_hash, user_id, credential, created_at, last_seen_at, expires_at)
       SELECT $1, u.id, $3, $4, $4, $5 FROM users u WHERE u.id = $2 AND u.status = 'ACTIVE' FOR SHARE OF u
       RETURNING id_hash`,
      [idHash, userId, sealUnderKey(sealKey, sessionRowContext(idHash, userId, expiresAt), JSON.stringify(credential)), new Date(at), expiresAt],
    )) as unknown[];
    if (inserted.length === 0) throw new UnauthenticatedError('Invalid, expired or revoked credentials');
    // The user's other sessions beyond the limit, least recently used first; never the new one.
    await this.dataSource.query(
      `DELETE FROM console_sessions WHERE id_hash IN (
         SELECT id_hash FROM console_sessions WHERE user_id = $1 AND id_hash <> $3 ORDER BY last_seen_at DESC, created_at DESC OFFSET $2)`,
      [userId, SESSIONS_PER_USER - 1, idHash],
    );
    return { id, csrfToken, expiresAt, activeUntil: new Date(Math.min(expiresAt.getTime(), at + SESSION_IDLE_MS)) };
  }

  /**
   * The live session of this id, or null. `activity` (default): the user is active, so the idle
   * clock restarts; false for a check that no user action caused (a live subscription's re-check).
   */
  async lookup(id: string | undefined, options: { activity?: boolean } = {}): Promise<SessionView | null> {
    if (!id || !SESSION_ID.test(id)) return null;
    const { idHash, sealKey, csrfToken } = sessionSecrets(id);
    const [row] = (await this.dataSource.query('SELECT user_id, credential, last_seen_at, expires_at FROM console_sessions WHERE id_hash = $1', [idHash])) as SessionRow[];
    if (!row) return null;
    const at = this.now();
    const lastSeen = new Date(row.last_seen_at).getTime();
    const expiresAt = new Date(row.expires_at);
    const credential = parseCredential(openUnderKey(sealKey, sessionRowContext(idHash, row.user_id, expiresAt), row.credential));
    if (at >= expiresAt.getTime() || at - lastSeen >= SESSION_IDLE_MS || credential === null) {
      // Unless another replica saw activity meanwhile (its clock may be ahead): then the next lookup decides.
      await this.dataSource.query('DELETE FROM console_sessions WHERE id_hash = $1 AND last_seen_at <= $2', [idHash, new Date(lastSeen)]);
      return null;
    }
    const touched = (options.activity ?? true) && at - lastSeen >= SESSION_TOUCH_MS;
    if (touched) await this.dataSource.query('UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2', [idHash, new Date(at)]);
    // The idle end as stored: from the activity written last, which is not this request when it was not written.
    const idleEnd = (touched ? at : lastSeen) + SESSION_IDLE_MS;
    return { credential, csrfToken, userId: row.user_id, expiresAt: new Date(Math.min(expiresAt.getTime(), idleEnd)) };
  }

  /** Ends the session; false when there was none. */
  async close(id: string | undefined): Promise<boolean> {
    if (!id || !SESSION_ID.test(id)) return false;
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = (await this.dataSource.query('DELETE FROM console_sessions WHERE id_hash = $1', [sessionSecrets(id).idHash])) as [unknown[], number];
    return affected > 0;
  }
}

/**
 * Ends every console session of a user, in the caller's transaction: a disabled account's sessions
 * must not come back to life if it is enabled again (each request re-checks the account, but the
 * session itself would otherwise outlive the disabling).
 */
export async function endSessionsOf(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('DELETE FROM console_sessions WHERE user_id = $1', [userId]);
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
