import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proof-of-possession challenges for key registration (src/keys/key-possession.ts), and the reason
 * an alert was marked broken (its filter can no longer be evaluated) so that its owner sees it.
 */
export class HostileInput1795610000000 implements MigrationInterface {
  name = 'HostileInput1795610000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE "key_challenges" ("nonce" character varying(64) NOT NULL, "purpose" character varying(64) NOT NULL, "subject" character varying(128) NOT NULL, "issued_to" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_key_challenges" PRIMARY KEY ("nonce"))');
    await runner.query('ALTER TABLE "alerts" ADD "broken_reason" character varying(500)');
    await runner.query('ALTER TABLE "alerts" ADD "broken_at" TIMESTAMP WITH TIME ZONE');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "alerts" DROP COLUMN "broken_at"');
    await runner.query('ALTER TABLE "alerts" DROP COLUMN "broken_reason"');
    await runner.query('DROP TABLE "key_challenges"');
  }
}
