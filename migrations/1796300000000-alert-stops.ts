import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an alert stopped and what kind of actor stopped it (OWNER, AGENCY_ADMINISTRATOR,
 * PLATFORM_ADMINISTRATOR), so that its owner is told an administrator stopped it rather than
 * seeing it vanish. Alerts stopped before are dated from the audit event that stopped them
 * (alert.delete by the owner, alert.stop by whoever): each stop wrote one in its transaction.
 */
export class AlertStops1796300000000 implements MigrationInterface {
  name = 'AlertStops1796300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "alerts" ADD "stopped_at" TIMESTAMP WITH TIME ZONE');
    await runner.query('ALTER TABLE "alerts" ADD "stopped_by" character varying(32)');
    await runner.query(
      `UPDATE "alerts" a
          SET stopped_at = e.at,
              stopped_by = CASE WHEN e.action = 'alert.delete' OR e.actor = a.user_id::text THEN 'OWNER'
                                WHEN e.agency = a.agency_code THEN 'AGENCY_ADMINISTRATOR'
                                ELSE 'PLATFORM_ADMINISTRATOR' END
         FROM (SELECT DISTINCT ON (resource_id) resource_id, at, actor, agency, action
                 FROM "audit_events"
                WHERE resource_type = 'Alert' AND action IN ('alert.delete', 'alert.stop')
                ORDER BY resource_id, seq) e
        WHERE a.active = FALSE AND e.resource_id = a.id`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "alerts" DROP COLUMN "stopped_by"');
    await runner.query('ALTER TABLE "alerts" DROP COLUMN "stopped_at"');
  }
}
