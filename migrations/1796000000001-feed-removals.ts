import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the change feed last sent a REMOVE of each report to each reader, so that a report changing
 * while it stays hidden does not bring the reader another REMOVE (and with it, that it changed and
 * when). Existing rows start with none: a report hidden now may be removed once more.
 */
export class FeedRemovals1796000000001 implements MigrationInterface {
  name = 'FeedRemovals1796000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "feed_disclosures" ADD "removed_seq" bigint');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "feed_disclosures" DROP COLUMN "removed_seq"');
  }
}
