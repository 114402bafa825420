import type { MigrationInterface, QueryRunner } from 'typeorm';
import { STATS_KEY_1795705000000, statsFoldFunctions, statsKeyIndexes, statsRebuild } from './1795705000000-seizure-stats-aggregates.js';

const WIDER_KEY = [...STATS_KEY_1795705000000, 'operation_audience'];
const TABLES = ['seizure_stats_monthly', 'seizure_stats_monthly_released'];
const TRIGGERS = ['inserted', 'updated', 'deleted'];

/**
 * `seizures.operation_audience`: the operation's participants when the owner linked the report,
 * the agencies its link consents to share with (an agency that joins later reads the report once
 * the owner links it again). The participant rule reads it, so the statistics pre-aggregates keep
 * it in their key too, and are rebuilt.
 *
 * Links made before this version get the operation's participants as they are now: who took part
 * when they were made was not recorded.
 */
export class OperationAudience1796100000000 implements MigrationInterface {
  name = 'OperationAudience1796100000000';

  async up(runner: QueryRunner): Promise<void> {
    await this.withoutStatsTriggers(runner, async () => {
      await runner.query('ALTER TABLE "seizures" ADD "operation_audience" text[]');
      // Sorted by code point, as the application sorts the participants of a new link.
      await runner.query(`UPDATE "seizures" s SET "operation_audience" = ARRAY(SELECT p FROM unnest(o.participants) p ORDER BY p COLLATE "C")
        FROM "operations" o WHERE o.id = s.operation_id`);
      await this.rekey(runner, WIDER_KEY, (table) => `ALTER TABLE "${table}" ADD "operation_audience" text[]`);
    });
  }

  async down(runner: QueryRunner): Promise<void> {
    await this.withoutStatsTriggers(runner, async () => {
      await this.rekey(runner, STATS_KEY_1795705000000, (table) => `ALTER TABLE "${table}" DROP COLUMN "operation_audience"`);
      await runner.query('ALTER TABLE "seizures" DROP COLUMN "operation_audience"');
    });
  }

  /** The aggregates under a new key: their column, unique index, trigger functions and contents. */
  private async rekey(runner: QueryRunner, key: readonly string[], alterTable: (table: string) => string): Promise<void> {
    for (const table of TABLES) await runner.query(`DROP INDEX "uq_${table}_key"`);
    for (const table of TABLES) await runner.query(alterTable(table));
    for (const statement of statsKeyIndexes(key)) await runner.query(statement);
    for (const statement of statsFoldFunctions(key)) await runner.query(statement);
    for (const statement of statsRebuild(key)) await runner.query(statement);
  }

  /** The backfill and the rebuild write every row once: the row triggers would fold each twice for nothing. */
  private async withoutStatsTriggers(runner: QueryRunner, work: () => Promise<void>): Promise<void> {
    for (const event of TRIGGERS) await runner.query(`ALTER TABLE "seizures" DISABLE TRIGGER "seizure_stats_${event}"`);
    await work();
    for (const event of TRIGGERS) await runner.query(`ALTER TABLE "seizures" ENABLE TRIGGER "seizure_stats_${event}"`);
  }
}
