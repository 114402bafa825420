import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Operations1795477035743 implements MigrationInterface {
  name = 'Operations1795477035743';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"alerts\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"agency_code\" character varying(32) NOT NULL, \"name\" character varying(200) NOT NULL, \"filter\" jsonb NOT NULL, \"webhook_url\" character varying(2000), \"webhook_secret\" character varying(128), \"active\" boolean NOT NULL DEFAULT true, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_60f895662df096bfcdfab7f4b96\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"idx_alerts_user\" ON \"alerts\"  (\"user_id\") ");
    await runner.query("CREATE INDEX \"idx_alerts_active\" ON \"alerts\"  (\"active\") ");
    await runner.query("CREATE TABLE \"alert_deliveries\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"alert_id\" uuid NOT NULL, \"seizure_id\" uuid NOT NULL, \"channel\" character varying(16) NOT NULL, \"status\" character varying(16) NOT NULL, \"attempts\" integer NOT NULL DEFAULT '0', \"last_error\" character varying(500), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"delivered_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_b3d51c95891264fb62df41582ad\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE UNIQUE INDEX \"uq_alert_deliveries\" ON \"alert_deliveries\"  (\"alert_id\", \"seizure_id\", \"channel\") ");
    await runner.query("CREATE TABLE \"operation_reports\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"operation_id\" uuid NOT NULL, \"version\" integer NOT NULL, \"status\" character varying(16) NOT NULL, \"failure_reason\" character varying(1000), \"requested_by\" uuid NOT NULL, \"requested_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"compiled_at\" TIMESTAMP WITH TIME ZONE, \"published_at\" TIMESTAMP WITH TIME ZONE, \"content\" jsonb, \"summary\" text, \"csv\" text, \"pdf\" bytea, \"signature\" text, \"signed_content\" text, \"signer_fingerprint\" character varying(64), CONSTRAINT \"PK_9bd7c8c24178ab5721dbfd6a104\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE UNIQUE INDEX \"uq_operation_reports_version\" ON \"operation_reports\"  (\"operation_id\", \"version\") ");
    await runner.query("CREATE TABLE \"operations\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"code_name\" character varying(100) NOT NULL, \"focus\" character varying(1000) NOT NULL, \"tlp\" character varying(16) NOT NULL, \"lead_agency\" character varying(32) NOT NULL, \"participants\" text array NOT NULL DEFAULT '{}', \"status\" character varying(16) NOT NULL, \"starts_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"ends_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"created_by\" uuid NOT NULL, \"version\" integer NOT NULL DEFAULT '1', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_7b62d84d6f9912b975987165856\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE UNIQUE INDEX \"uq_operations_code_name\" ON \"operations\"  (\"code_name\") ");
    await runner.query("CREATE INDEX \"idx_operations_lead\" ON \"operations\"  (\"lead_agency\") ");
    await runner.query("CREATE INDEX \"idx_operations_status\" ON \"operations\"  (\"status\") ");
    await runner.query("CREATE TABLE \"seizure_changes\" (\"seq\" BIGSERIAL NOT NULL, \"seizure_id\" uuid NOT NULL, \"version\" integer NOT NULL, \"change\" character varying(32) NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_ea937757fb47de5f56739a9c1ef\" PRIMARY KEY (\"seq\"))");
    await runner.query("CREATE INDEX \"idx_seizure_changes_seizure\" ON \"seizure_changes\"  (\"seizure_id\", \"seq\") ");
    await runner.query('CREATE INDEX "idx_operations_participants" ON "operations" USING GIN ("participants")');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP INDEX \"public\".\"idx_seizure_changes_seizure\"");
    await runner.query("DROP TABLE \"seizure_changes\"");
    await runner.query("DROP INDEX \"public\".\"idx_operations_status\"");
    await runner.query("DROP INDEX \"public\".\"idx_operations_lead\"");
    await runner.query("DROP INDEX \"public\".\"uq_operations_code_name\"");
    await runner.query("DROP TABLE \"operations\"");
    await runner.query("DROP INDEX \"public\".\"uq_operation_reports_version\"");
    await runner.query("DROP TABLE \"operation_reports\"");
    await runner.query("DROP INDEX \"public\".\"uq_alert_deliveries\"");
    await runner.query("DROP TABLE \"alert_deliveries\"");
    await runner.query("DROP INDEX \"public\".\"idx_alerts_active\"");
    await runner.query("DROP INDEX \"public\".\"idx_alerts_user\"");
    await runner.query("DROP TABLE \"alerts\"");
  }
}
