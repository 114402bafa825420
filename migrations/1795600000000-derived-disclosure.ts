import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12, derived disclosure:
 * - feed_disclosures is per reader (user or machine client), not per agency. What each reader was
 *   shown is rebuilt from the audit trail, which records every change-feed disclosure with its
 *   reader (seizure.read, via "changes"); the per-agency rows are dropped.
 * - seizure_link_requests: a lead asks, the report's owner decides.
 * - operation_reports: the lead and the audience a version is compiled for, and the analyst-only
 *   summary of what was withheld. Versions compiled before had no audience (they were compiled
 *   over the analyst's own access): they stay readable by the lead's analysts only, until compiled
 *   again.
 * - seizures: how a report joined its operation. From its history: linked at submission
 *   (SUBMITTED), linked by a user of the owner agency (OWNER_LINKED), or linked by someone else
 *   (LEAD_LINK_UNCONFIRMED, which the policy no longer lets share anything with participants).
 * - operations: code names unique per lead agency, not platform-wide (a CONFLICT on another
 *   agency's name told an analyst of an operation they may not see).
 */
export class DerivedDisclosure1795600000000 implements MigrationInterface {
  name = 'DerivedDisclosure1795600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "feed_disclosures" RENAME TO "feed_disclosures_by_agency"');
    await runner.query("CREATE TABLE \"feed_disclosures\" (\"reader_id\" uuid NOT NULL, \"seizure_id\" uuid NOT NULL, \"first_disclosed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_d4d5ff56525bc3e0b12e8273bd1\" PRIMARY KEY (\"reader_id\", \"seizure_id\"))");
    await runner.query(`INSERT INTO "feed_disclosures" ("reader_id", "seizure_id", "first_disclosed_at")
      SELECT e.actor::uuid, e.resource_id, min(e.at) FROM "audit_events" e
      WHERE e.action = 'seizure.read' AND e.details->>'via' = 'changes' AND e.resource_id IS NOT NULL
        AND e.actor ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      GROUP BY e.actor, e.resource_id`);
    await runner.query('DROP TABLE "feed_disclosures_by_agency"');

    await runner.query("CREATE TABLE \"seizure_link_requests\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"operation_id\" uuid NOT NULL, \"seizure_id\" uuid NOT NULL, \"owner_agency\" character varying(32) NOT NULL, \"requesting_agency\" character varying(32) NOT NULL, \"requested_by\" uuid NOT NULL, \"note\" character varying(1000) NOT NULL, \"status\" character varying(16) NOT NULL, \"responded_by\" uuid, \"responded_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_76e7010255e94b9860e7d5a11e0\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"idx_link_requests_requesting\" ON \"seizure_link_requests\"  (\"requesting_agency\", \"created_at\") ");
    await runner.query("CREATE INDEX \"idx_link_requests_owner_status\" ON \"seizure_link_requests\"  (\"owner_agency\", \"status\") ");
    await runner.query("CREATE UNIQUE INDEX \"uq_link_requests_pending\" ON \"seizure_link_requests\" (\"operation_id\", \"seizure_id\") WHERE \"status\" = 'PENDING'");

    await runner.query("ALTER TABLE \"operation_reports\" ADD \"lead_agency\" character varying(32)");
    await runner.query('UPDATE "operation_reports" r SET "lead_agency" = o."lead_agency" FROM "operations" o WHERE o."id" = r."operation_id"');
    await runner.query("ALTER TABLE \"operation_reports\" ALTER COLUMN \"lead_agency\" SET NOT NULL");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"audience\" text array NOT NULL DEFAULT '{}'");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"withheld\" jsonb");

    await runner.query('DROP INDEX "public"."uq_operations_code_name"');
    await runner.query('CREATE UNIQUE INDEX "uq_operations_lead_code_name" ON "operations" ("lead_agency", "code_name")');

    await runner.query("ALTER TABLE \"seizures\" ADD \"operation_link_basis\" character varying(32)");
    await runner.query("ALTER TABLE \"seizures\" ADD \"operation_linked_at\" TIMESTAMP WITH TIME ZONE");
    await runner.query("ALTER TABLE \"seizures\" ADD \"operation_link_request_id\" uuid");
    await runner.query(`UPDATE "seizures" s SET
        "operation_link_basis" = CASE WHEN l."changed_by" IS NULL THEN 'SUBMITTED' WHEN u."agency_code" = s."reporting_agency" THEN 'OWNER_LINKED' ELSE 'LEAD_LINK_UNCONFIRMED' END,
        "operation_linked_at" = coalesce(l."changed_at", s."created_at")
      FROM "seizures" s2
      LEFT JOIN LATERAL (SELECT v."changed_by", v."changed_at" FROM "seizure_versions" v WHERE v."seizure_id" = s2."id" AND v."change" = 'LINKED' ORDER BY v."version" DESC LIMIT 1) l ON TRUE
      LEFT JOIN "users" u ON u."id" = l."changed_by"
      WHERE s2."id" = s."id" AND s."operation_id" IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "public"."uq_operations_lead_code_name"');
    await runner.query('CREATE UNIQUE INDEX "uq_operations_code_name" ON "operations" ("code_name")');
    await runner.query("ALTER TABLE \"seizures\" DROP COLUMN \"operation_link_request_id\"");
    await runner.query("ALTER TABLE \"seizures\" DROP COLUMN \"operation_linked_at\"");
    await runner.query("ALTER TABLE \"seizures\" DROP COLUMN \"operation_link_basis\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"withheld\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"audience\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"lead_agency\"");
    await runner.query('DROP TABLE "seizure_link_requests"');
    // Per-reader rows fold back into their readers' agencies.
    await runner.query("CREATE TABLE \"feed_disclosures_by_agency\" (\"agency_code\" character varying(32) NOT NULL, \"seizure_id\" uuid NOT NULL, \"first_disclosed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_18edbb5b0d45a3370f9e5ffb6ea\" PRIMARY KEY (\"agency_code\", \"seizure_id\"))");
    await runner.query(`INSERT INTO "feed_disclosures_by_agency" SELECT u."agency_code", d."seizure_id", min(d."first_disclosed_at")
      FROM "feed_disclosures" d JOIN "users" u ON u."id" = d."reader_id" GROUP BY u."agency_code", d."seizure_id"`);
    await runner.query('DROP TABLE "feed_disclosures"');
    await runner.query('ALTER TABLE "feed_disclosures_by_agency" RENAME TO "feed_disclosures"');
  }
}
