import { checkedSequence } from '../database/keyset-cursor.js';
import { BadUserInputError } from '../errors/domain-error.js';

const SEQ = /^[1-9][0-9]{0,18}$/;

/** Opaque to clients: the base64url form of the event's position in the chain. */
export function encodeAuditCursor(seq: string): string {
  return Buffer.from(seq, 'utf8').toString('base64url');
}

/** The seq a cursor stands for; anything we did not hand out is bad input. */
export function decodeAuditCursorOrThrow(cursor: string): string {
  const seq = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!SEQ.test(seq) || encodeAuditCursor(seq) !== cursor) throw new BadUserInputError('Invalid cursor', ['after']);
  return checkedSequence(seq); // 19 digits may still be beyond bigint
}
