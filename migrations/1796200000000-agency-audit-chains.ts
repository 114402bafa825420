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
 */
export class AgencyAuditChains1796200000000 implements MigrationInterface {
  name = 'AgencyAuditChains1796200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "audit_events" ADD "agency_seq" bigint');
    await runner.query('ALTER TABLE "audit_events" ADD "agency_prev_hash" character(64)');
    await runner.query('ALTER TABLE "audit_events" ADD "agency_hash" character(64)');
    await placeInAgencyChains1796200000000(runner);
    await runner.query('CREATE UNIQUE INDEX "uq_audit_events_agency_seq" ON "audit_events" ("resource_agency", "agency_seq") ');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "public"."uq_audit_events_agency_seq"');
    await runner.query('ALTER TABLE "audit_events" DROP COLUMN "agency_hash"');
    await runner.query('ALTER TABLE "audit_events" DROP COLUMN "agency_prev_hash"');
    await runner.query('ALTER TABLE "audit_events" DROP COLUMN "agency_seq"');
  }
}

const GENESIS = '0'.repeat(64);
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
  resource_agency: string;
  fields: string[];
  details: Record<string, unknown>;
}

/** Places every event on an agency's record in that agency's chain, in the platform's order. */
export async function placeInAgencyChains1796200000000(runner: QueryRunner): Promise<void> {
  const ends = new Map<string, { seq: bigint; hash: string }>();
  let after = '0';
  for (;;) {
    // `at` as toISOString() writes it (the hash's form), whatever the connection's date parsing.
    const rows = (await runner.query(
      `SELECT e.seq::text AS seq, e.id::text AS id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.actor, e.actor_email,
              e.agency, e.action, e.resource_type, e.resource_id::text AS resource_id, e.resource_agency, e.fields, e.details
         FROM audit_events e WHERE e.seq > $1 AND e.resource_agency IS NOT NULL ORDER BY e.seq LIMIT $2`,
      [after, BATCH],
    )) as EventRow[];
    if (rows.length === 0) return;
    const seqs: string[] = [];
    const agencySeqs: string[] = [];
    const prevHashes: string[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      const end = ends.get(row.resource_agency) ?? { seq: 0n, hash: GENESIS };
      const agencySeq = (end.seq + 1n).toString();
      const content = canonicalize({
        seq: agencySeq, id: row.id, at: row.at, actor: row.actor, actorEmail: row.actor_email, agency: row.agency, action: row.action,
        resourceType: row.resource_type, resourceId: row.resource_id, resourceAgency: row.resource_agency, fields: row.fields, details: row.details,
      });
      const hash = createHash('sha256').update(end.hash + content, 'utf8').digest('hex');
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
