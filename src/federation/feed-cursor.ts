import { openUnderKey, sealUnderKey } from '../crypto/keyed-seal.js';
import { checkedSequence } from '../database/keyset-cursor.js';
import { BadUserInputError } from '../errors/domain-error.js';

/** The platform secret the cursors are sealed under (PlatformSecrets). */
export const FEED_CURSOR_KEY = 'change-feed-cursor';
/** Far longer than any cursor this API hands out (59 characters): refused before decoding. */
const MAX_CURSOR_LENGTH = 200;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/*
 * A change-feed cursor is a position in the change log, which counts every agency's changes. Handed
 * out readable, two cursors would tell their reader how many changes, hidden ones included, happened
 * between them. So the position is sealed (AES-256-GCM, random IV) for the reader it was given to
 * (feed-reader.ts), at a fixed width: the reader cannot read it, nor tell its magnitude by its
 * length, cannot make one for another position, and two cursors for the same position differ.
 */

function context(readerId: string): string {
  return `windward change feed cursor\0${readerId}`;
}

/** The position as 16 hex digits: the same length for every position (AES-GCM keeps the plaintext's length). */
const POSITION = /^[0-9a-f]{16}$/;

export function sealFeedCursor(key: Buffer, readerId: string, seq: string): string {
  return sealUnderKey(key, context(readerId), BigInt(checkedSequence(seq)).toString(16).padStart(16, '0')).toString('base64url');
}

/** The seq a cursor holds, or BAD_USER_INPUT naming `after`. */
export function openFeedCursorOrThrow(key: Buffer, readerId: string, cursor: string): string {
  const refuse = (why: string) => new BadUserInputError(`after: ${why}`, ['after']);
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw refuse('not a cursor returned by this API');
  const bytes = Buffer.from(cursor, 'base64url');
  const seq = openUnderKey(key, context(readerId), bytes);
  if (seq === null) {
    // Before cursors were sealed they were `seq:N` in base64url: say what to do rather than only "no".
    if (/^seq:\d+$/.test(bytes.toString('latin1'))) {
      throw refuse('a cursor from before change-feed cursors were sealed, which no longer opens: page again from the start (after: null)');
    }
    throw refuse('not a cursor returned by this API to you');
  }
  if (!POSITION.test(seq)) throw refuse('not a cursor returned by this API');
  return checkedSequence(BigInt(`0x${seq}`).toString());
}
