import { BadUserInputError } from '../errors/domain-error.js';
import { isUuid } from './uuid.js';

/**
 * Keyset cursors: the (timestamp, id) of the last row of a page, as base64url JSON. Clients treat
 * them as opaque, but a cursor is input like any other: it is decoded into typed values and each
 * is checked (a real instant, in range; a UUID) before it reaches SQL or `new Date`.
 */
export interface KeysetPosition {
  at: Date;
  id: string;
}

/** The span PostgreSQL's timestamptz and JavaScript's Date both hold, with room to spare. */
const EARLIEST = Date.UTC(1, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** PostgreSQL's bigint. */
const MAX_BIGINT = 2n ** 63n - 1n;

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

function refused(field: string, why: string): BadUserInputError {
  return new BadUserInputError(`${field}: not a cursor returned by this API (${why})`, [field]);
}

export function decodeKeysetCursor(cursor: string, field = 'after'): KeysetPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused(field, 'not readable');
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw refused(field, 'wrong shape');
  const [at, id] = decoded as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string') throw refused(field, 'wrong element types');
  const time = Date.parse(at);
  // Only the form encodeKeysetCursor writes: a round trip through toISOString gives the same text.
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST || new Date(time).toISOString() !== at) throw refused(field, 'bad timestamp');
  if (!isUuid(id)) throw refused(field, 'bad id');
  return { at: new Date(time), id: id.toLowerCase() };
}

/** A non-negative bigint sequence number written as decimal text, checked to fit PostgreSQL's bigint. */
export function checkedSequence(text: string, field = 'after'): string {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(text) || BigInt(text) > MAX_BIGINT) throw refused(field, 'sequence out of range');
  return text;
}
