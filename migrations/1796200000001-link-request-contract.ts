import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Link requests as the API contract has them: the lead's note is optional, the owner may answer
 * with a note of its own (`response_note`), and a request still pending when its operation closes
 * is WITHDRAWN (the status column already holds the word).
 */
export class LinkRequestContract1796200000001 implements MigrationInterface {
  name = 'LinkRequestContract1796200000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "seizure_link_requests" ALTER COLUMN "note" DROP NOT NULL');
    await runner.query('ALTER TABLE "seizure_link_requests" ADD "response_note" character varying(1000)');
    // Requests left pending by operations closed before this version.
    await runner.query(
      `UPDATE "seizure_link_requests" q SET status = 'WITHDRAWN'
        WHERE q.status = 'PENDING' AND EXISTS (SELECT 1 FROM operations o WHERE o.id = q.operation_id AND o.status = 'CLOSED')`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    // Pending again, as they were: no owner decided them.
    await runner.query(`UPDATE "seizure_link_requests" SET status = 'PENDING' WHERE status = 'WITHDRAWN'`);
    await runner.query('ALTER TABLE "seizure_link_requests" DROP COLUMN "response_note"');
    await runner.query(`UPDATE "seizure_link_requests" SET note = '' WHERE note IS NULL`);
    await runner.query('ALTER TABLE "seizure_link_requests" ALTER COLUMN "note" SET NOT NULL');
  }
}
