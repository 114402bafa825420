import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OperationReportQuality1795640000000 implements MigrationInterface {
  name = 'OperationReportQuality1795640000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"operation_outcomes\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"operation_id\" uuid NOT NULL, \"agency_code\" character varying(32) NOT NULL, \"arrests\" integer NOT NULL, \"cases_opened\" integer NOT NULL, \"prosecutions\" integer NOT NULL, \"controlled_deliveries\" integer NOT NULL, \"follow_up_actions\" integer NOT NULL, \"notes\" character varying(1000), \"recorded_by\" uuid NOT NULL, \"recorded_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_4aa59983396d28163a7a350f230\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE UNIQUE INDEX \"uq_operation_outcomes_agency\" ON \"operation_outcomes\"  (\"operation_id\", \"agency_code\") ");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"language\" character varying(8) NOT NULL DEFAULT 'en'");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"requested_tlp\" character varying(16)");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"reviewed_by\" uuid");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"reviewed_at\" TIMESTAMP WITH TIME ZONE");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"review_comment\" character varying(2000)");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"approved_sha256\" character(64)");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"narrative_by\" uuid");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"pdf_signature\" text");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"csv_signature\" text");
    await runner.query("ALTER TABLE \"operation_reports\" ADD \"summary_signature\" text");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"summary_signature\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"csv_signature\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"pdf_signature\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"narrative_by\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"approved_sha256\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"review_comment\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"reviewed_at\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"reviewed_by\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"requested_tlp\"");
    await runner.query("ALTER TABLE \"operation_reports\" DROP COLUMN \"language\"");
    await runner.query("DROP INDEX \"public\".\"uq_operation_outcomes_agency\"");
    await runner.query("DROP TABLE \"operation_outcomes\"");
  }
}
