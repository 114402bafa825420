import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A fingerprint of the linked reports an operation report was compiled from, as its audience could
 * read them then. Publication takes it again and refuses when it differs: a linked report amended,
 * retracted, raised to RED or released differently, or the operation closed, since compilation.
 * Versions compiled before it existed have none and are compiled again before publication.
 */
export class ReportSourceDigest1795900000001 implements MigrationInterface {
  name = 'ReportSourceDigest1795900000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "operation_reports" ADD "source_digest" character(32)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "operation_reports" DROP COLUMN "source_digest"');
  }
}
