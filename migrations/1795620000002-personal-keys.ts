import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users' personal OpenPGP keys: RED sections naming a user are wrapped to theirs. */
export class PersonalKeys1795620000002 implements MigrationInterface {
  name = 'PersonalKeys1795620000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"user_keys\" (\"fingerprint\" character varying(64) NOT NULL, \"user_id\" uuid NOT NULL, \"algorithm\" character varying(40) NOT NULL, \"armored\" text NOT NULL, \"key_created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, \"revocation_reason\" character varying(16), \"revocation_note\" character varying(500), \"registered_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_53dc91bd5715e58bbe51f2a2873\" PRIMARY KEY (\"fingerprint\"))");
    await runner.query("CREATE INDEX \"idx_user_keys_user\" ON \"user_keys\"  (\"user_id\", \"key_created_at\") ");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP INDEX \"public\".\"idx_user_keys_user\"");
    await runner.query("DROP TABLE \"user_keys\"");
  }
}
