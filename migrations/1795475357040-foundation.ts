import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795475357040 implements MigrationInterface {
  name = 'Foundation1795475357040';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"agencies\" (\"code\" character varying(32) NOT NULL, \"name\" character varying(200) NOT NULL, \"kind\" character varying(32) NOT NULL, \"country\" character(2), \"region\" character varying(100), \"communities\" text array NOT NULL DEFAULT '{}', \"legal_basis\" text array NOT NULL DEFAULT '{}', \"status\" character varying(16) NOT NULL DEFAULT 'ACTIVE', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_6acd8cc6374916c08b4d7f060c8\" PRIMARY KEY (\"code\"))");
    await runner.query("CREATE INDEX \"idx_agencies_kind\" ON \"agencies\"  (\"kind\") ");
    await runner.query("CREATE TABLE \"users\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"email\" character varying(254) NOT NULL, \"agency_code\" character varying(32) NOT NULL, \"roles\" text array NOT NULL DEFAULT '{}', \"display_name\" character varying(200), \"oidc_subject\" character varying(512), \"status\" character varying(16) NOT NULL DEFAULT 'ACTIVE', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_a3ffb1c0c8416b9fc6f907b7433\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE UNIQUE INDEX \"uq_users_email\" ON \"users\"  (\"email\") ");
    await runner.query("CREATE INDEX \"idx_users_agency\" ON \"users\"  (\"agency_code\") ");
    await runner.query("CREATE UNIQUE INDEX \"uq_users_oidc_subject\" ON \"users\"  (\"oidc_subject\") ");
    await runner.query("CREATE TABLE \"api_keys\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"secret_hash\" character(64) NOT NULL, \"prefix\" character varying(16) NOT NULL, \"label\" character varying(200), \"expires_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, \"last_used_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_5c8a79801b44bd27b79228e1dad\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"idx_api_keys_user\" ON \"api_keys\"  (\"user_id\") ");
    await runner.query("CREATE UNIQUE INDEX \"uq_api_keys_hash\" ON \"api_keys\"  (\"secret_hash\") ");
    await runner.query("ALTER TABLE \"users\" ADD CONSTRAINT \"FK_129a0672f2c3e3902023db27d0a\" FOREIGN KEY (\"agency_code\") REFERENCES \"agencies\"(\"code\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"api_keys\" ADD CONSTRAINT \"FK_a3baee01d8408cd3c0f89a9a973\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE \"api_keys\" DROP CONSTRAINT \"FK_a3baee01d8408cd3c0f89a9a973\"");
    await runner.query("ALTER TABLE \"users\" DROP CONSTRAINT \"FK_129a0672f2c3e3902023db27d0a\"");
    await runner.query("DROP INDEX \"public\".\"uq_api_keys_hash\"");
    await runner.query("DROP INDEX \"public\".\"idx_api_keys_user\"");
    await runner.query("DROP TABLE \"api_keys\"");
    await runner.query("DROP INDEX \"public\".\"uq_users_oidc_subject\"");
    await runner.query("DROP INDEX \"public\".\"idx_users_agency\"");
    await runner.query("DROP INDEX \"public\".\"uq_users_email\"");
    await runner.query("DROP TABLE \"users\"");
    await runner.query("DROP INDEX \"public\".\"idx_agencies_kind\"");
    await runner.query("DROP TABLE \"agencies\"");
  }
}
