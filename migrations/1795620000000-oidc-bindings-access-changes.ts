import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each OIDC identity was bound (agency administrators review bindings), and the table that
 * carries access changes between processes on the embedded database. Bindings made before this
 * migration keep a null time; administrators should review them (README, "OIDC sign-in").
 */
export class OidcBindingsAccessChanges1795620000000 implements MigrationInterface {
  name = 'OidcBindingsAccessChanges1795620000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"access_changes\" (\"seq\" BIGSERIAL NOT NULL, \"payload\" jsonb NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_21b5d83e261f3806326f55a9ab2\" PRIMARY KEY (\"seq\"))");
    await runner.query("CREATE INDEX \"idx_access_changes_created\" ON \"access_changes\"  (\"created_at\") ");
    await runner.query("ALTER TABLE \"users\" ADD \"oidc_bound_at\" TIMESTAMP WITH TIME ZONE");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE \"users\" DROP COLUMN \"oidc_bound_at\"");
    await runner.query("DROP INDEX \"public\".\"idx_access_changes_created\"");
    await runner.query("DROP TABLE \"access_changes\"");
  }
}
