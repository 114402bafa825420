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
    // Before request() waited for a close, a request made while its operation closed stayed
    // PENDING beside the one the close withdrew for the same report: the earlier schema holds one
    // open request per operation and report (uq_link_requests_pending) and knows no other status
    // for them. Of one operation's withdrawn requests for one report, the first asked is kept (as
    // asking again returned it), unless one is still pending; the others, the same question
    // again and never answered, go (their audit events stay).
    await runner.query(
      `DELETE FROM "seizure_link_requests" q
        WHERE q.status = 'WITHDRAWN'
          AND EXISTS (SELECT 1 FROM "seizure_link_requests" o
                       WHERE o.operation_id = q.operation_id AND o.seizure_id = q.seizure_id
                         AND (o.status = 'PENDING' OR (o.status = 'WITHDRAWN' AND (o.created_at, o.id) < (q.created_at, q.id))))`,
    );
    // Pending again, as they were: no owner decided them.
    await runner.query(`UPDATE "seizure_link_requests" SET status = 'PENDING' WHERE status = 'WITHDRAWN'`);
    await runner.query('ALTER TABLE "seizure_link_requests" DROP COLUMN "response_note"');
    await runner.query(`UPDATE "seizure_link_requests" SET note = '' WHERE note IS NULL`);
    await runner.query('ALTER TABLE "seizure_link_requests" ALTER COLUMN "note" SET NOT NULL');
  }
}
