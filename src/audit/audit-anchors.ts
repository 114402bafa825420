import { BadUserInputError } from '../errors/domain-error.js';

/*
 * The chain alone shows an event altered, inserted or removed in its middle, but not events removed
 * from its end: what is left is a shorter chain, intact. An anchor is the end of the chain as it
 * was at some moment (its seq and hash), kept somewhere the database's users cannot rewrite (the
 * log collector keeps the "audit anchor" lines that running processes write). Verifying against an
 * anchor fails when the chain no longer reaches it, or reaches it with another hash (rewritten and
 * re-hashed from there on).
 */

export interface AuditAnchor {
  seq: string;
  hash: string;
}

const ANCHOR = /^([1-9][0-9]{0,18}):([0-9a-f]{64})$/;

/** `<seq>:<hash>` as `audit verify` prints it and the "audit anchor" log line gives it. */
export function parseAnchor(text: string): AuditAnchor {
  const match = ANCHOR.exec(text.trim().toLowerCase());
  if (!match) throw new BadUserInputError(`Invalid anchor "${text.slice(0, 100)}": give <seq>:<sha-256 hash in hex>, as audit verify prints it`, ['anchor']);
  return { seq: match[1], hash: match[2] };
}

/** Holds anchors against the events of a verification, read in seq order. */
export class AnchorCheck {
  private readonly pending: Map<string, string>;

  constructor(anchors: readonly AuditAnchor[]) {
    this.pending = new Map();
    for (const { seq, hash } of anchors) {
      const other = this.pending.get(seq);
      // Two kept lines that disagree: one of them was tampered with, which is worth saying.
      if (other !== undefined && other !== hash) throw new BadUserInputError(`Two anchors for seq ${seq} with different hashes: one of the kept anchors is not genuine`, ['anchor']);
      this.pending.set(seq, hash);
    }
  }

  /** Distinct anchors to check. */
  get size(): number {
    return this.pending.size;
  }

  /** Why this event (already found to extend the chain) contradicts an anchor, or null. */
  check(seq: string, hash: string): string | null {
    const anchored = this.pending.get(seq);
    if (anchored === undefined) return null;
    this.pending.delete(seq);
    return anchored === hash ? null : `the hash differs from the anchor ${seq}:${anchored}: the chain was rewritten from here or earlier`;
  }

  /** After the last event: the lowest anchor the chain does not reach, if any. */
  unreached(): AuditAnchor | null {
    let lowest: AuditAnchor | null = null;
    for (const [seq, hash] of this.pending) if (!lowest || BigInt(seq) < BigInt(lowest.seq)) lowest = { seq, hash };
    return lowest;
  }
}
