import { checkedSequence } from '../database/keyset-cursor.js';
import { BadUserInputError } from '../errors/domain-error.js';
import type { AuditChainView } from './audit-view.js';

const SEQ = /^[1-9][0-9]{0,18}$/;
/** An agency-chain position is marked as such, so that a cursor of one chain is refused by the other. */
const AGENCY_PREFIX = 'agency:';

/** Opaque to clients: the base64url form of the event's position in the chain the reader is shown. */
export function encodeAuditCursor(position: string, view: AuditChainView = { kind: 'platform' }): string {
  return Buffer.from(view.kind === 'agency' ? AGENCY_PREFIX + position : position, 'utf8').toString('base64url');
}

/** The position a cursor stands for in the reader's chain; anything we did not hand out to such a reader is bad input. */
export function decodeAuditCursorOrThrow(cursor: string, view: AuditChainView = { kind: 'platform' }): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = view.kind === 'agency' ? AGENCY_PREFIX : '';
  const position = text.startsWith(prefix) ? text.slice(prefix.length) : '';
  if (!SEQ.test(position) || encodeAuditCursor(position, view) !== cursor) throw new BadUserInputError('Invalid cursor', ['after']);
  return checkedSequence(position); // 19 digits may still be beyond bigint
}
