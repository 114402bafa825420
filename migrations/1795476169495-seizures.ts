import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Seizures1795476169495 implements MigrationInterface {
  name = 'Seizures1795476169495';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"audit_events\" (\"seq\" bigint NOT NULL, \"id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"actor\" character varying(64) NOT NULL, \"actor_email\" character varying(254), \"agency\" character varying(32) NOT NULL, \"action\" character varying(64) NOT NULL, \"resource_type\" character varying(32), \"resource_id\" uuid, \"resource_agency\" character varying(32), \"fields\" text array NOT NULL DEFAULT '{}', \"details\" jsonb NOT NULL DEFAULT '{}', \"prev_hash\" character(64) NOT NULL, \"hash\" character(64) NOT NULL, CONSTRAINT \"PK_6e299f5706e715265416fefe53e\" PRIMARY KEY (\"seq\"))");
    await runner.query("CREATE UNIQUE INDEX \"uq_audit_events_id\" ON \"audit_events\"  (\"id\") ");
    await runner.query("CREATE INDEX \"idx_audit_events_resource_agency\" ON \"audit_events\"  (\"resource_agency\", \"seq\") ");
    await runner.query("CREATE INDEX \"idx_audit_events_resource\" ON \"audit_events\"  (\"resource_id\", \"seq\") ");
    await runner.query("CREATE TABLE \"agency_keys\" (\"fingerprint\" character varying(64) NOT NULL, \"agency_code\" character varying(32) NOT NULL, \"algorithm\" character varying(40) NOT NULL, \"armored\" text NOT NULL, \"key_created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, \"revocation_reason\" character varying(16), \"revocation_note\" character varying(500), \"registered_by\" uuid NOT NULL, \"registered_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_fb4bd5f56d10c9b26fcacc6b508\" PRIMARY KEY (\"fingerprint\"))");
    await runner.query("CREATE INDEX \"idx_agency_keys_agency\" ON \"agency_keys\"  (\"agency_code\", \"key_created_at\") ");
    await runner.query("CREATE TABLE \"platform_keys\" (\"fingerprint\" character varying(64) NOT NULL, \"armored_public\" text NOT NULL, \"armored_private\" text NOT NULL, \"active\" boolean, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"UQ_e85fdbe8f52af0fc0e7e8a8ada6\" UNIQUE (\"active\"), CONSTRAINT \"PK_b101944e75d6a73a4ab2fcf0231\" PRIMARY KEY (\"fingerprint\"))");
    await runner.query("CREATE TABLE \"sealed_sections\" (\"seizure_id\" uuid NOT NULL, \"payload\" bytea NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_db62cf9605a11ff2d53d6d6afe6\" PRIMARY KEY (\"seizure_id\"))");
    await runner.query("CREATE TABLE \"section_recipients\" (\"seizure_id\" uuid NOT NULL, \"recipient\" character varying(64) NOT NULL, \"key_fingerprint\" character varying(64) NOT NULL, \"pkesk\" bytea NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_56c92a4017b64103af50076309b\" PRIMARY KEY (\"seizure_id\", \"recipient\"))");
    await runner.query("CREATE INDEX \"idx_section_recipients_key\" ON \"section_recipients\"  (\"key_fingerprint\") ");
    await runner.query("CREATE TABLE \"seizure_versions\" (\"seizure_id\" uuid NOT NULL, \"version\" integer NOT NULL, \"change\" character varying(32) NOT NULL, \"changed_by\" uuid NOT NULL, \"changed_fields\" text array NOT NULL DEFAULT '{}', \"snapshot\" jsonb NOT NULL, \"changed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_784359182ac113a3c35f7a4bac2\" PRIMARY KEY (\"seizure_id\", \"version\"))");
    await runner.query("CREATE TABLE \"seizures\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"reference\" character varying(100) NOT NULL, \"reporting_agency\" character varying(32) NOT NULL, \"owner_communities\" text array NOT NULL, \"created_by\" uuid NOT NULL, \"status\" character varying(16) NOT NULL, \"tlp\" character varying(16) NOT NULL, \"releasable_to\" text array NOT NULL DEFAULT '{}', \"releasable_to_users\" text array NOT NULL DEFAULT '{}', \"seized_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"country\" character(2) NOT NULL, \"location_name\" character varying(200), \"location_unlocode\" character(5), \"latitude\" double precision, \"longitude\" double precision, \"transport_mode\" character varying(32) NOT NULL, \"commodity_category\" character varying(32) NOT NULL, \"commodity_type\" character varying(100), \"commodity_description\" character varying(2000), \"quantity_value\" double precision NOT NULL, \"quantity_unit\" character varying(16) NOT NULL, \"quantity_kg\" double precision, \"value_amount\" double precision, \"value_currency\" character(3), \"value_usd\" double precision, \"concealment\" character varying(500), \"detection_method\" character varying(32) NOT NULL, \"route_origin\" character(2), \"route_transit\" text array NOT NULL DEFAULT '{}', \"route_destination\" character(2), \"route_countries\" text array NOT NULL DEFAULT '{}', \"operation_id\" uuid, \"conveyance_type\" character varying(50), \"conveyance_identifier\" character varying(100), \"evaluation_scheme\" character varying(16), \"evaluation_source\" character varying(2), \"evaluation_information\" character varying(2), \"low_grade\" boolean NOT NULL DEFAULT false, \"handling_code\" character varying(16), \"handling_conditions\" character varying(2000), \"has_sensitive\" boolean NOT NULL DEFAULT false, \"server_blind\" boolean NOT NULL DEFAULT false, \"content_hash\" character(64) NOT NULL, \"signer_fingerprint\" character varying(64), \"signature\" text, \"signed_content\" text, \"signed_at\" TIMESTAMP WITH TIME ZONE, \"retraction_reason\" character varying(1000), \"version\" integer NOT NULL DEFAULT '1', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_5a81fd24f85b7df16f71bf6691a\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"idx_seizures_operation\" ON \"seizures\"  (\"operation_id\") ");
    await runner.query("CREATE INDEX \"idx_seizures_tlp\" ON \"seizures\"  (\"tlp\") ");
    await runner.query("CREATE INDEX \"idx_seizures_agency_seized\" ON \"seizures\"  (\"reporting_agency\", \"seized_at\") ");
    await runner.query("CREATE INDEX \"idx_seizures_commodity_seized\" ON \"seizures\"  (\"commodity_category\", \"seized_at\") ");
    await runner.query("CREATE INDEX \"idx_seizures_country_seized\" ON \"seizures\"  (\"country\", \"seized_at\") ");
    await runner.query("CREATE INDEX \"idx_seizures_page\" ON \"seizures\"  (\"seized_at\", \"id\") ");
    await runner.query("CREATE UNIQUE INDEX \"uq_seizures_agency_reference\" ON \"seizures\"  (\"reporting_agency\", \"reference\") ");
    // GIN indexes TypeORM cannot describe (declared with synchronize: false on the entity).
    await runner.query('CREATE INDEX "idx_seizures_releasable_to" ON "seizures" USING GIN ("releasable_to")');
    await runner.query('CREATE INDEX "idx_seizures_owner_communities" ON "seizures" USING GIN ("owner_communities")');
    await runner.query('CREATE INDEX "idx_seizures_releasable_users" ON "seizures" USING GIN ("releasable_to_users")');
    await runner.query('CREATE INDEX "idx_seizures_route_countries" ON "seizures" USING GIN ("route_countries")');
    // The search document of src/seizures/data/seizure-search-text.ts as it was at this migration,
    // written out: a migration never changes with live code. The text filter must keep using
    // exactly this expression for the index to serve it.
    await runner.query(
      "CREATE INDEX \"idx_seizures_search\" ON \"seizures\" USING GIN ((to_tsvector('simple'::regconfig, " +
        "coalesce(seizures.reference, '') || ' ' || coalesce(seizures.commodity_type, '') || ' ' || coalesce(seizures.commodity_description, '') || ' ' || " +
        "coalesce(seizures.concealment, '') || ' ' || coalesce(seizures.location_name, ''))))",
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP INDEX \"public\".\"uq_seizures_agency_reference\"");
    await runner.query("DROP INDEX \"public\".\"idx_seizures_page\"");
    await runner.query("DROP INDEX \"public\".\"idx_seizures_country_seized\"");
    await runner.query("DROP INDEX \"public\".\"idx_seizures_commodity_seized\"");
    await runner.query("DROP INDEX \"public\".\"idx_seizures_agency_seized\"");
    await runner.query("DROP INDEX \"public\".\"idx_seizures_tlp\"");
    await runner.query("DROP INDEX \"public\".\"idx_seizures_operation\"");
    await runner.query("DROP TABLE \"seizures\"");
    await runner.query("DROP TABLE \"seizure_versions\"");
    await runner.query("DROP INDEX \"public\".\"idx_section_recipients_key\"");
    await runner.query("DROP TABLE \"section_recipients\"");
    await runner.query("DROP TABLE \"sealed_sections\"");
    await runner.query("DROP TABLE \"platform_keys\"");
    await runner.query("DROP INDEX \"public\".\"idx_agency_keys_agency\"");
    await runner.query("DROP TABLE \"agency_keys\"");
    await runner.query("DROP INDEX \"public\".\"idx_audit_events_resource\"");
    await runner.query("DROP INDEX \"public\".\"idx_audit_events_resource_agency\"");
    await runner.query("DROP INDEX \"public\".\"uq_audit_events_id\"");
    await runner.query("DROP TABLE \"audit_events\"");
  }
}
