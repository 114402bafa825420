import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly pre-aggregates of seizure reports for the statistics (issue 17): one row per month and
 * per combination of the columns access rules read (status, TLP, owner agency and communities,
 * operation and link basis) and the columns statistics group and filter by (country, commodity
 * category), with the quantity unit, holding the number of reports, their quantity, how many have
 * a value and the value's total. Sums are numeric, so that adding and taking away rows never drifts.
 *
 * - Who reads a TLP:RED report depends on the user (the author, the named recipients): for RED
 *   reports only, the key also holds `created_by` and `releasable_to_users` (null for the others,
 *   which would otherwise group far fewer reports a row).
 * - Releasability: nearly every released report has its own list of agencies, so a key holding the
 *   list would group about one report a row. `seizure_stats_monthly` leaves it out;
 *   `seizure_stats_monthly_released` holds the same sums once per agency a report is released to,
 *   so that a reader's statistics add what its own agency's releases change (see
 *   seizure-stats-aggregates.ts).
 *
 * Statement-level triggers on `seizures` keep both tables exact in the same transaction as every
 * write, whichever code path makes it: each statement's changed rows are folded in at once (a bulk
 * load of 5,000 rows is one upsert of its groups, not 5,000).
 */
export const STATS_KEY_1795705000000 = [
  'month', 'status', 'tlp', 'reporting_agency', 'owner_communities', 'operation_id', 'operation_link_basis',
  'country', 'commodity_category', 'quantity_unit', 'created_by', 'releasable_to_users',
];
const SOURCE: Record<string, string> = {
  month: `date_trunc('month', d.seized_at AT TIME ZONE 'UTC')::date`,
  created_by: `CASE WHEN d.tlp = 'RED' THEN d.created_by END`,
  releasable_to_users: `CASE WHEN d.tlp = 'RED' THEN d.releasable_to_users END`,
  recipient: 'r.recipient',
};
const COLUMNS = `"month" date NOT NULL, "status" character varying(16) NOT NULL, "tlp" character varying(16) NOT NULL,
  "reporting_agency" character varying(32) NOT NULL, "owner_communities" text[] NOT NULL,
  "operation_id" uuid, "operation_link_basis" character varying(32), "country" character(2) NOT NULL,
  "commodity_category" character varying(32) NOT NULL, "quantity_unit" character varying(16) NOT NULL,
  "created_by" uuid, "releasable_to_users" text[],
  "seizures" integer NOT NULL, "quantity" numeric NOT NULL, "valued" integer NOT NULL, "value_usd" numeric NOT NULL`;

const KEY = STATS_KEY_1795705000000;

/** Both tables, for a key (a later migration widens it: 1796100000000). */
const tablesFor = (key: readonly string[]) => [
  { table: 'seizure_stats_monthly', key: [...key], from: '' },
  // One row per agency each report is released to.
  { table: 'seizure_stats_monthly_released', key: ['recipient', ...key], from: ' CROSS JOIN LATERAL (SELECT DISTINCT unnest(d.releasable_to) AS recipient) r' },
];
const TABLES = tablesFor(KEY);

const keyList = (key: readonly string[]) => key.map((column) => `"${column}"`).join(', ');
const sourceKey = (key: readonly string[]) => key.map((column) => SOURCE[column] ?? `d.${column}`).join(', ');

/** Adds `changes` (rows of seizures with a `sign`: +1 added, -1 taken away) to both tables. */
function fold(changes: string, tables: ReturnType<typeof tablesFor>): string {
  return tables.map(
    ({ table, key, from }) => `
    INSERT INTO "${table}" AS m (${keyList(key)}, "seizures", "quantity", "valued", "value_usd")
    SELECT ${sourceKey(key)}, sum(d.sign), sum(d.sign * d.quantity_value::numeric),
           sum(CASE WHEN d.value_usd IS NULL THEN 0 ELSE d.sign END), coalesce(sum(d.sign * d.value_usd::numeric), 0)
      FROM (${changes}) d${from}
     GROUP BY ${sourceKey(key)}
    HAVING sum(d.sign) <> 0 OR sum(d.sign * d.quantity_value::numeric) <> 0 OR coalesce(sum(d.sign * d.value_usd::numeric), 0) <> 0
        OR sum(CASE WHEN d.value_usd IS NULL THEN 0 ELSE d.sign END) <> 0
     ORDER BY ${key.map((_c, i) => i + 1).join(', ')}
    ON CONFLICT (${keyList(key)}) DO UPDATE SET
      "seizures" = m."seizures" + excluded."seizures", "quantity" = m."quantity" + excluded."quantity",
      "valued" = m."valued" + excluded."valued", "value_usd" = m."value_usd" + excluded."value_usd";
    DELETE FROM "${table}" WHERE "seizures" = 0;`,
  ).join('\n');
}

/** The trigger functions that fold each statement's changed rows into both tables, for a key. */
export function statsFoldFunctions(key: readonly string[]): string[] {
  const tables = tablesFor(key);
  return [
    `CREATE OR REPLACE FUNCTION "seizure_stats_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${fold('SELECT 1 AS sign, n.* FROM added n', tables)} RETURN NULL; END $$`,
    `CREATE OR REPLACE FUNCTION "seizure_stats_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${fold('SELECT 1 AS sign, n.* FROM added n UNION ALL SELECT -1, o.* FROM removed o', tables)} RETURN NULL; END $$`,
    `CREATE OR REPLACE FUNCTION "seizure_stats_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${fold('SELECT -1 AS sign, o.* FROM removed o', tables)} RETURN NULL; END $$`,
  ];
}

/** Fills both tables (emptied first) from `seizures`, for a key. */
export function statsRebuild(key: readonly string[]): string[] {
  return tablesFor(key).flatMap(({ table, key: columns, from }) => [
    `DELETE FROM "${table}"`,
    `INSERT INTO "${table}" (${keyList(columns)}, "seizures", "quantity", "valued", "value_usd")
        SELECT ${sourceKey(columns)}, count(*), sum(d.quantity_value::numeric), count(d.value_usd), coalesce(sum(d.value_usd::numeric), 0)
          FROM "seizures" d${from} GROUP BY ${sourceKey(columns)}`,
  ]);
}

/** The unique index each table's upserts rely on, for a key. */
export function statsKeyIndexes(key: readonly string[]): string[] {
  // NULLS NOT DISTINCT: reports without an operation share a row (PostgreSQL 15+, PGlite 17).
  return tablesFor(key).map(({ table, key: columns }) => `CREATE UNIQUE INDEX "uq_${table}_key" ON "${table}" (${keyList(columns)}) NULLS NOT DISTINCT`);
}

export class SeizureStatsAggregates1795705000000 implements MigrationInterface {
  name = 'SeizureStatsAggregates1795705000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "seizure_stats_monthly" (${COLUMNS})`);
    await runner.query(`CREATE TABLE "seizure_stats_monthly_released" ("recipient" text NOT NULL, ${COLUMNS})`);
    for (const statement of statsKeyIndexes(KEY)) await runner.query(statement);
    for (const { table } of TABLES) {
      // Rows whose last report went away are deleted by each statement: this finds them without a scan.
      await runner.query(`CREATE INDEX "idx_${table}_empty" ON "${table}" ("seizures") WHERE "seizures" = 0`);
    }
    // Statistics read a range of months (the key's index is wide), the releases of one agency.
    await runner.query('CREATE INDEX "idx_seizure_stats_monthly_month" ON "seizure_stats_monthly" ("month")');
    await runner.query('CREATE INDEX "idx_seizure_stats_monthly_released_recipient" ON "seizure_stats_monthly_released" ("recipient", "month")');
    for (const statement of statsFoldFunctions(KEY)) await runner.query(statement);
    await runner.query(`CREATE FUNCTION "seizure_stats_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN DELETE FROM "seizure_stats_monthly"; DELETE FROM "seizure_stats_monthly_released"; RETURN NULL; END $$`);
    await runner.query('CREATE TRIGGER "seizure_stats_inserted" AFTER INSERT ON "seizures" REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "seizure_stats_inserted"()');
    await runner.query('CREATE TRIGGER "seizure_stats_updated" AFTER UPDATE ON "seizures" REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "seizure_stats_updated"()');
    await runner.query('CREATE TRIGGER "seizure_stats_deleted" AFTER DELETE ON "seizures" REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION "seizure_stats_deleted"()');
    await runner.query('CREATE TRIGGER "seizure_stats_truncated" AFTER TRUNCATE ON "seizures" FOR EACH STATEMENT EXECUTE FUNCTION "seizure_stats_truncated"()');
    // The reports already there.
    for (const statement of statsRebuild(KEY)) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const event of ['truncated', 'deleted', 'updated', 'inserted']) {
      await runner.query(`DROP TRIGGER "seizure_stats_${event}" ON "seizures"`);
      await runner.query(`DROP FUNCTION "seizure_stats_${event}"()`);
    }
    await runner.query('DROP TABLE "seizure_stats_monthly_released"');
    await runner.query('DROP TABLE "seizure_stats_monthly"');
  }
}
