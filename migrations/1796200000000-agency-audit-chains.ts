import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each agency's own audit chain: the events on its records, linked as the platform's chain is
 * (`agency_seq` from 1, `agency_prev_hash`, `agency_hash`), which is what its administrators and
 * auditors are shown instead of the platform's positions and links, which count every agency's
 * events. Existing events are placed in their agency's chain in the platform's order.
 *
 * The hash is the platform chain's (sha256 over the previous hash and the RFC 8785 form of the
 * event, with its agency position as `seq`), written out here rather than imported: migrations
 * import nothing from src/, so that changing live code never rewrites history. A test holds this
 * copy to the live one (test/medium/audit.medium-spec.ts).
 *
 * The platform's chain is checked on the way: an event that does not extend it (changed, or after
 * a deleted one) is given an agency hash that cannot verify, so that its agency's auditors, who now
 * verify only their agency's chain, still find it broken there. A CHECK keeps every event on an
 * agency's record in that agency's chain: a writer of an earlier version, still running, fails
 * rather than leaving holes (stop the old version's processes before this upgrade). The backfill
 * holds the table's lock: audited writes wait until it is done.
 */
export class AgencyAuditChains1796200000000 implements MigrationInterface {
  name = 'AgencyAuditChains1796200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "audit_events" ADD "agency_seq" bigint');
    await runner.query('ALTER TABLE "audit_events" ADD "agency_prev_hash" character(64)');
    await runner.query('ALTER TABLE "audit_events" ADD "agency_hash" character(64)');
    await placeInAgencyChains1796200000000(runner);
    await runner.query('CREATE UNIQUE INDEX "uq_audit_events_agency_seq" ON "audit_events" ("resource_agency", "agency_seq") ');
    await runner.query(`ALTER TABLE "audit_events" ADD CONSTRAINT "chk_audit_events_agency_chain" CHECK (${AGENCY_CHAIN_CHECK_1796200000000})`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "audit_events" DROP CONSTRAINT "chk_audit_events_agency_chain"');
    await runner.query('DROP INDEX "public"."uq_audit_events_agency_seq"');
    await runner.query('ALTER TABLE "audit_events" DROP COLUMN "agency_hash"');
    await runner.query('ALTER TABLE "audit_events" DROP COLUMN "agency_prev_hash"');
    await runner.query('ALTER TABLE "audit_events" DROP COLUMN "agency_seq"');
  }
}

/** An event is in an agency's chain, with all three columns, exactly when it is on an agency's record. */
export const AGENCY_CHAIN_CHECK_1796200000000 =
  '(resource_agency IS NULL) = (agency_seq IS NULL) AND (agency_seq IS NULL) = (agency_prev_hash IS NULL) AND (agency_seq IS NULL) = (agency_hash IS NULL)';

const GENESIS = '0'.repeat(64);
/** What an event that did not extend the platform's chain gets as its agency hash: no content hashes to it. */
const UNVERIFIABLE = 'f'.repeat(64);
const BATCH = 5000;

interface EventRow {
  seq: string;
  id: string;
  at: string;
  actor: string;
  actor_email: string | null;
  agency: string;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  resource_agency: string | null;
  fields: string[];
  details: Record<string, unknown>;
  sub_ms: boolean;
  prev_hash: string;
  hash: string;
}

function eventHash(prevHash: string, seq: string, row: EventRow): string {
  const content = canonicalize({
    seq, id: row.id, at: row.at, actor: row.actor, actorEmail: row.actor_email, agency: row.agency, action: row.action,
    resourceType: row.resource_type, resourceId: row.resource_id, resourceAgency: row.resource_agency, fields: row.fields, details: row.details,
  });
  return createHash('sha256').update(prevHash + content, 'utf8').digest('hex');
}

/** Places every event on an agency's record in that agency's chain, in the platform's order, checking the platform's chain as it goes. */
export async function placeInAgencyChains1796200000000(runner: QueryRunner): Promise<void> {
  const ends = new Map<string, { seq: bigint; hash: string }>();
  let platform = { seq: 0n, hash: GENESIS };
  let after = '0';
  for (;;) {
    // `at` as toISOString() writes it (the hash's form), whatever the connection's date parsing.
    const rows = (await runner.query(
      `SELECT e.seq::text AS seq, e.id::text AS id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
              date_trunc('milliseconds', e.at) <> e.at AS sub_ms, e.actor, e.actor_email, e.agency, e.action, e.resource_type,
              e.resource_id::text AS resource_id, e.resource_agency, e.fields, e.details, e.prev_hash, e.hash
         FROM audit_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
      [after, BATCH],
    )) as EventRow[];
    if (rows.length === 0) return;
    const seqs: string[] = [];
    const agencySeqs: string[] = [];
    const prevHashes: string[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      const extendsPlatform =
        BigInt(row.seq) === platform.seq + 1n && row.prev_hash === platform.hash && !row.sub_ms && eventHash(row.prev_hash, row.seq, row) === row.hash;
      platform = { seq: BigInt(row.seq), hash: row.hash };
      if (row.resource_agency === null) continue;
      const end = ends.get(row.resource_agency) ?? { seq: 0n, hash: GENESIS };
      const agencySeq = (end.seq + 1n).toString();
      const hash = extendsPlatform ? eventHash(end.hash, agencySeq, row) : UNVERIFIABLE;
      seqs.push(row.seq);
      agencySeqs.push(agencySeq);
      prevHashes.push(end.hash);
      hashes.push(hash);
      ends.set(row.resource_agency, { seq: end.seq + 1n, hash });
    }
    await runner.query(
      `UPDATE audit_events e SET agency_seq = placed.agency_seq, agency_prev_hash = placed.prev_hash, agency_hash = placed.hash
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS placed(seq, agency_seq, prev_hash, hash)
        WHERE e.seq = placed.seq`,
      [seqs, agencySeqs, prevHashes, hashes],
    );
    after = rows[rows.length - 1].seq;
  }
}
