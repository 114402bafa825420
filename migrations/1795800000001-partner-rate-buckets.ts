import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner clients' token buckets move from each API process's memory to the database, so that N
 * replicas hold an agency to the configured rate instead of N times it. UNLOGGED: no WAL for a
 * write per partner request; after a crash the buckets start full, and nothing else is lost.
 */
export class PartnerRateBuckets1795800000001 implements MigrationInterface {
  name = 'PartnerRateBuckets1795800000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE UNLOGGED TABLE "partner_rate_buckets" (
      "bucket" character varying(100) NOT NULL,
      "tokens" double precision NOT NULL,
      "admitted" boolean NOT NULL,
      "touched_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "pk_partner_rate_buckets" PRIMARY KEY ("bucket"))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "partner_rate_buckets"');
  }
}
