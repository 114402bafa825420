import { createHash } from 'node:crypto';
import type { Principal } from '../access/principal.js';

/**
 * Whom the change feed keeps its disclosures (feed_disclosures.reader_id) and cursors for. A user's
 * own credentials are the user. A key an administrator issued for the user is another reader, one
 * per issuer: it reads less than the user does (no TLP:RED meant for the user personally), so it
 * must neither be told that a report shown to the user's own credentials is gone (a REMOVE names
 * the report and when it changed) nor page with the user's cursors. A UUID derived from both ids,
 * so that it fits the column and no user id can be one.
 */
export function feedReaderId(principal: Principal): string {
  if (principal.credentialsIssuedBy === undefined) return principal.userId;
  const digest = createHash('sha256').update(`windward feed reader\0issued\0${principal.userId}\0${principal.credentialsIssuedBy}`).digest();
  digest[6] = (digest[6] & 0x0f) | 0x80; // version 8: a custom UUID
  digest[8] = (digest[8] & 0x3f) | 0x80; // the RFC 9562 variant
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
