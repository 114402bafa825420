import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** The cookie that carries a console session id (HttpOnly, SameSite=Strict, Path=/). */
export const SESSION_COOKIE = 'ww_session';
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
  expiresAt: Date;
}

export interface SessionView {
  authorization: string;
  csrfToken: string;
  userId: string;
  expiresAt: Date;
}

/**
 * A random secret that only the browser keeps (a cookie, a sign-in's state), as the database may
 * see it: a hash to find its row by, and a key derived from it to seal what the row holds.
 */
export function rowSecrets(secret: string, purpose: string): { rowKey: string; sealKey: Buffer } {
  const bytes = Buffer.from(secret, 'utf8');
  return {
    rowKey: createHash('sha256').update(bytes).digest('base64url'),
    sealKey: Buffer.from(hkdfSync('sha256', bytes, Buffer.alloc(0), `windward ${purpose}`, 32)),
  };
}

/**
 * What the database may hold of a session, all derived from its id, which only the browser keeps:
 * the row's key (a hash), the key that seals the credential, and the CSRF token (a page on another
 * site can read neither the cookie nor anything derived from it).
 */
export function sessionSecrets(id: string): { idHash: string; sealKey: Buffer; csrfToken: string } {
  const { rowKey, sealKey } = rowSecrets(id, 'console session: credential');
  return { idHash: rowKey, sealKey, csrfToken: createHmac('sha256', Buffer.from(id, 'utf8')).update('windward console session: csrf').digest('base64url') };
}

/** AES-256-GCM: iv (12) + ciphertext + tag (16), bound to the row it belongs to. */
export function sealForRow(key: Buffer, rowKey: string, plaintext: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(rowKey, 'utf8'));
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext, or null when the key or the row does not match (never an exception). */
export function openForRow(key: Buffer, rowKey: string, sealed: Buffer): string | null {
  if (sealed.length < 12 + 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12)).setAAD(Buffer.from(rowKey, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8');
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
 * restart signs no one out. The browser keeps only a random id in an HttpOnly cookie, never the API
 * key. A row holds the id's hash and the credential the session stands for (re-checked on every
 * request), sealed under a key derived from the id: a copy of the database, or of a backup, hands
 * out neither live cookies nor API keys.
 */
@Injectable()
export class ConsoleSessions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(SESSION_CLOCK) private readonly now: () => number = Date.now,
  ) {}

  async open(authorization: string, userId: string, notAfter?: Date): Promise<OpenedSession> {
    const at = this.now();
    await this.dataSource.query('DELETE FROM console_sessions WHERE expires_at <= $1 OR last_seen_at <= $2', [new Date(at), new Date(at - SESSION_IDLE_MS)]);
    const id = randomBytes(32).toString('base64url');
    const { idHash, sealKey, csrfToken } = sessionSecrets(id);
    const expiresAt = new Date(Math.min(at + SESSION_MAX_MS, notAfter?.getTime() ?? Infinity));
    await this.dataSource.query(
      'INSERT INTO console_sessions (id_hash, user_id, credential, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)',
      [idHash, userId, sealForRow(sealKey, idHash, authorization), new Date(at), expiresAt],
    );
    await this.dataSource.query(
      `DELETE FROM console_sessions WHERE id_hash IN (
         SELECT id_hash FROM console_sessions WHERE user_id = $1 ORDER BY last_seen_at DESC, created_at DESC OFFSET $2)`,
      [userId, SESSIONS_PER_USER],
    );
    return { id, csrfToken, expiresAt };
  }

  /** The live session of this id (its idle clock restarts), or null. */
  async lookup(id: string | undefined): Promise<SessionView | null> {
    if (!id || !SESSION_ID.test(id)) return null;
    const { idHash, sealKey, csrfToken } = sessionSecrets(id);
    const [row] = (await this.dataSource.query('SELECT user_id, credential, last_seen_at, expires_at FROM console_sessions WHERE id_hash = $1', [idHash])) as SessionRow[];
    if (!row) return null;
    const at = this.now();
    const lastSeen = new Date(row.last_seen_at).getTime();
    const expiresAt = new Date(row.expires_at).getTime();
    const authorization = openForRow(sealKey, idHash, row.credential);
    if (at >= expiresAt || at - lastSeen >= SESSION_IDLE_MS || authorization === null) {
      await this.dataSource.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
      return null;
    }
    if (at - lastSeen >= SESSION_TOUCH_MS) {
      await this.dataSource.query('UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2', [idHash, new Date(at)]);
    }
    return { authorization, csrfToken, userId: row.user_id, expiresAt: new Date(Math.min(expiresAt, at + SESSION_IDLE_MS)) };
  }

  /** Ends the session; false when there was none. */
  async close(id: string | undefined): Promise<boolean> {
    if (!id || !SESSION_ID.test(id)) return false;
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = (await this.dataSource.query('DELETE FROM console_sessions WHERE id_hash = $1', [sessionSecrets(id).idHash])) as [unknown[], number];
    return affected > 0;
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
