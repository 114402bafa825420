import { createHash } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json.js';

/** The `prevHash` of the first event of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's hash covers: everything stored about it except the two hashes. */
export interface AuditEventContent {
  seq: string;
  id: string;
  at: Date;
  actor: string;
  actorEmail: string | null;
  agency: string;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  resourceAgency: string | null;
  fields: string[];
  details: Record<string, unknown>;
}

/** A stored event as the verifier reads it. */
export interface StoredAuditEvent extends AuditEventContent {
  prevHash: string;
  hash: string;
  /** True when the stored time has digits below the millisecond, which no append writes. */
  atHasSubMilliseconds?: boolean;
}

/** Where an event sits in its resource agency's own chain; all null for an event on no agency's record. */
export interface AgencyChainLink {
  agencySeq: string | null;
  agencyPrevHash: string | null;
  agencyHash: string | null;
}

/**
 * The event as its agency's chain holds it: the agency position and links in place of the
 * platform's, the content otherwise the same, so the same hash and the same verifier apply. Null
 * when the event has no complete place in an agency's chain.
 */
export function inAgencyChain(event: StoredAuditEvent & AgencyChainLink): StoredAuditEvent | null {
  if (event.resourceAgency === null || event.agencySeq === null || event.agencyPrevHash === null || event.agencyHash === null) return null;
  return { ...event, seq: String(event.agencySeq), prevHash: event.agencyPrevHash, hash: event.agencyHash };
}

/**
 * sha256 (hex) of the previous hash followed by the RFC 8785 form of the event. `at` is hashed as
 * its ISO form with milliseconds, which is exactly what a millisecond Date reads back as from
 * timestamptz, so anyone can re-verify the chain from the stored rows alone.
 */
export function auditEventHash(prevHash: string, event: AuditEventContent): string {
  const content = canonicalJson({
    seq: event.seq,
    id: event.id,
    at: event.at.toISOString(),
    actor: event.actor,
    actorEmail: event.actorEmail,
    agency: event.agency,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    resourceAgency: event.resourceAgency,
    fields: event.fields,
    details: event.details,
  });
  return createHash('sha256').update(prevHash + content, 'utf8').digest('hex');
}

export interface ChainBreak {
  id: string;
  seq: string;
  reason: string;
}

/**
 * Walks the chain one event at a time, in seq order. Seqs must run 1, 2, 3… with no gap (a
 * deleted or reordered event), each event must name its predecessor's hash, and each hash must
 * match the event's content (a modified field or hash).
 */
export class AuditChainVerifier {
  private expectedSeq = 1n;
  private previousHash = GENESIS_HASH;
  checked = 0;

  /** The reason this event breaks the chain, or null when it extends it. */
  check(event: StoredAuditEvent): ChainBreak | null {
    this.checked += 1;
    const broken = (reason: string): ChainBreak => ({ id: event.id, seq: event.seq, reason });
    if (BigInt(event.seq) !== this.expectedSeq) {
      return broken(`expected seq ${this.expectedSeq}, found ${event.seq}: an event is missing or out of order`);
    }
    if (event.prevHash !== this.previousHash) return broken("prevHash does not match the previous event's hash");
    if (event.atHasSubMilliseconds) return broken('the time was modified');
    let hash: string;
    try {
      hash = auditEventHash(event.prevHash, event);
    } catch {
      return broken('the stored content cannot be hashed');
    }
    if (hash !== event.hash) return broken('the content does not match its hash');
    this.expectedSeq += 1n;
    this.previousHash = event.hash;
    return null;
  }
}

/**
 * Walks the platform's chain and, alongside, every agency's chain within it: each event must extend
 * the first and, when it is on an agency's record, that agency's chain; an event on no agency's
 * record must have no place in one.
 */
export class AuditChainsVerifier {
  private readonly platform = new AuditChainVerifier();
  private readonly agencies = new Map<string, AuditChainVerifier>();

  get checked(): number {
    return this.platform.checked;
  }

  check(event: StoredAuditEvent & AgencyChainLink): ChainBreak | null {
    const broken = this.platform.check(event);
    if (broken) return broken;
    const agency = event.resourceAgency;
    const placed = event.agencySeq !== null || event.agencyPrevHash !== null || event.agencyHash !== null;
    if (agency === null) return placed ? { id: event.id, seq: event.seq, reason: "an event on no agency's record has a place in an agency's chain" } : null;
    const link = inAgencyChain(event);
    if (!link) return { id: event.id, seq: event.seq, reason: `the event has no place in ${agency}'s chain` };
    let verifier = this.agencies.get(agency);
    if (!verifier) this.agencies.set(agency, (verifier = new AuditChainVerifier()));
    const agencyBroken = verifier.check(link);
    return agencyBroken ? { id: event.id, seq: event.seq, reason: `in ${agency}'s chain: ${agencyBroken.reason}` } : null;
  }
}
