import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the change feed last sent each reader about each report it was shown: the change (seq) and
 * whether it was an UPSERT or a REMOVE. A REMOVE stays anchored at its change while the report stays
 * hidden, so that later changes to it bring the reader no other (and with it, that it changed and
 * when), while a reader paging again from before it is sent it again. Rows written before have none:
 * the report's latest change stands for them.
 */
export class FeedDeliveries1796000000001 implements MigrationInterface {
  name = 'FeedDeliveries1796000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "feed_disclosures" ADD "last_seq" bigint');
    await runner.query('ALTER TABLE "feed_disclosures" ADD "last_kind" character varying(6)');
    await runner.query(`CREATE INDEX "idx_feed_disclosures_removed" ON "feed_disclosures" ("reader_id", "last_seq") WHERE last_kind = 'REMOVE'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "idx_feed_disclosures_removed"');
    await runner.query('ALTER TABLE "feed_disclosures" DROP COLUMN "last_kind"');
    await runner.query('ALTER TABLE "feed_disclosures" DROP COLUMN "last_seq"');
  }
}
