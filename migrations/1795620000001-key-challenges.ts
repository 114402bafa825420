import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proof-of-possession challenges (keys/key-possession.ts), used here for personal keys. The
 * issue-13 branch creates the same table for agency keys; IF NOT EXISTS lets both migrations run
 * after a merge (this one can then be dropped).
 */
export class KeyChallenges1795620000001 implements MigrationInterface {
  name = 'KeyChallenges1795620000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE IF NOT EXISTS "key_challenges" ("nonce" character varying(64) NOT NULL, "purpose" character varying(64) NOT NULL, "subject" character varying(128) NOT NULL, "issued_to" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_key_challenges" PRIMARY KEY ("nonce"))');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS "key_challenges"');
  }
}
