import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The linked reports an operation report was compiled from (their ids) and a fingerprint of them as
 * its audience could read them then. Publication takes the same reports again and refuses when the
 * fingerprint differs: one amended, retracted, raised to RED or released differently, or no longer
 * readable once the operation closed. Reports linked after compilation are not in it. Versions
 * compiled before these columns existed have none and are compiled again before publication.
 */
export class ReportSourceDigest1795900000001 implements MigrationInterface {
  name = 'ReportSourceDigest1795900000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "operation_reports" ADD "source_ids" uuid array');
    await runner.query('ALTER TABLE "operation_reports" ADD "source_digest" character(64)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "operation_reports" DROP COLUMN "source_digest"');
    await runner.query('ALTER TABLE "operation_reports" DROP COLUMN "source_ids"');
  }
}
