import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { rulesToAST } from '@casl/ability/extra';
import { DataSource } from 'typeorm';
import { CaslSqlCompiler, accessConditionInto, fieldPermittedInto, type ConditionNode, type SqlTarget } from '../../access/casl-sql.js';
import type { AppAbility } from '../../access/ability.factory.js';
import { PositionalParameters, type SqlParameters } from '../../access/sql-parameters.js';
import { ReadStatements } from '../../database/read-statements.js';
import type { SeizureFilter } from '../api/seizure.inputs.js';
import { TLPS, type SeizureDimension } from '../seizure.enums.js';
import type { StatBucket } from './seizure-search.service.js';
import { SeizureEntity } from './seizure.entity.js';

/**
 * Who reads a TLP:RED report depends on the user (the author, the named recipients): for RED rows
 * only, the aggregates also keep those two columns (migration 1795705000000), so RED rows group
 * about one report a row while every other TLP groups many.
 */
const RED = 'RED';
const NOT_RED: readonly string[] = TLPS.filter((tlp) => tlp !== RED);

/** SeizureEntity properties that are columns of seizure_stats_monthly, under the same names. */
const AGGREGATE_COLUMNS = new Set<string>([
  'status', 'tlp', 'reportingAgency', 'ownerCommunities', 'releasableTo', 'operationId', 'operationLinkBasis',
  'operationAudience', 'country', 'commodityCategory', 'quantityUnit',
]);
/** Columns the aggregates keep for RED rows only (null on the others). */
const RED_ONLY_COLUMNS = new Set<string>(['createdBy', 'releasableToUsers']);

/** Filters the aggregates answer; any other filter (route, transport, detection, words) is a scan. */
const AGGREGATE_FILTERS = new Set<keyof SeizureFilter>([
  'includeRetracted', 'commodityCategories', 'countries', 'reportingAgencies', 'tlps', 'seizedFrom', 'seizedTo', 'operationId',
]);

/** Dimensions the aggregates can group by, over aggregate alias `a` and seizures alias `s`. */
const DIMENSIONS: Partial<Record<SeizureDimension, { aggregate: string; scan: string }>> = {
  COUNTRY: { aggregate: 'a.country', scan: 's.country' },
  REPORTING_AGENCY: { aggregate: 'a.reporting_agency', scan: 's.reporting_agency' },
  COMMODITY_CATEGORY: { aggregate: 'a.commodity_category', scan: 's.commodity_category' },
  MONTH: { aggregate: `to_char(a.month, 'YYYY-MM')`, scan: `to_char(s.seized_at AT TIME ZONE 'UTC', 'YYYY-MM')` },
  OPERATION: { aggregate: `coalesce(a.operation_id::text, '')`, scan: `coalesce(s.operation_id::text, '')` },
};

const TRUE_NODE: ConditionNode = { operator: 'and', value: [] };
const FALSE_NODE: ConditionNode = { operator: 'or', value: [] };
const isTrue = (node: ConditionNode) => node.operator === 'and' && (node.value as ConditionNode[]).length === 0;
const isFalse = (node: ConditionNode) => node.operator === 'or' && (node.value as ConditionNode[]).length === 0;

/**
 * `node` for rows whose TLP is one of `tlps`: a leaf on `tlp` that cannot hold (or must hold)
 * for such rows becomes FALSE (TRUE), and and/or/not fold around it. For non-RED rows the RED
 * rules, the only ones about the caller's identity, drop out.
 */
export function assumingTlps(node: ConditionNode, tlps: readonly string[]): ConditionNode {
  if (node.operator === 'and' || node.operator === 'or' || node.operator === 'not') {
    const parts = (node.value as ConditionNode[]).map((child) => assumingTlps(child, tlps));
    const all = (parts: ConditionNode[]) => {
      if (parts.some(isFalse)) return FALSE_NODE;
      const left = parts.filter((part) => !isTrue(part));
      return left.length ? { operator: 'and' as const, value: left } : TRUE_NODE;
    };
    if (node.operator === 'and') return all(parts);
    if (node.operator === 'not') {
      const inner = all(parts);
      return isTrue(inner) ? FALSE_NODE : isFalse(inner) ? TRUE_NODE : { operator: 'not', value: [inner] };
    }
    if (parts.some(isTrue)) return TRUE_NODE;
    const left = parts.filter((part) => !isFalse(part));
    return left.length ? { operator: 'or', value: left } : FALSE_NODE;
  }
  const leaf = node as { operator: string; field: string; value: unknown };
  if (leaf.field !== 'tlp') return node;
  const holdsFor = (values: unknown[]) => {
    const matching = tlps.filter((tlp) => values.includes(tlp));
    return matching.length === 0 ? false : matching.length === tlps.length ? true : null;
  };
  let verdict: boolean | null = null;
  if ((leaf.operator === 'eq' || leaf.operator === 'ne') && typeof leaf.value === 'string') verdict = holdsFor([leaf.value]);
  if ((leaf.operator === 'in' || leaf.operator === 'nin') && Array.isArray(leaf.value)) verdict = holdsFor(leaf.value);
  if (verdict === null) return node;
  if (leaf.operator === 'ne' || leaf.operator === 'nin') verdict = !verdict;
  return verdict ? TRUE_NODE : FALSE_NODE;
}

const forRed = (node: ConditionNode) => assumingTlps(node, [RED]);
const forNotRed = (node: ConditionNode) => assumingTlps(node, NOT_RED);

function fieldsOf(node: ConditionNode, into = new Set<string>()): Set<string> {
  if (node.operator === 'and' || node.operator === 'or' || node.operator === 'not') {
    for (const child of node.value as ConditionNode[]) fieldsOf(child, into);
  } else {
    into.add((node as { field: string }).field);
  }
  return into;
}

/** The aggregates can answer for a caller; `recipient`: the one agency its rules look for in releasability. */
interface Answerable {
  recipient: string | null;
}

/**
 * Adds to `into` the values `node` compares releasability with: false when it does so in a way
 * that depends on more than "is this one agency in it" (an operator or a value of another kind).
 */
function releasabilityValues(node: ConditionNode, into: Set<unknown>): boolean {
  if (node.operator === 'and' || node.operator === 'or' || node.operator === 'not') {
    return (node.value as ConditionNode[]).every((child) => releasabilityValues(child, into));
  }
  const leaf = node as { operator: string; field: string; value: unknown };
  if (leaf.field !== 'releasableTo') return true;
  const values = leaf.operator === 'eq' || leaf.operator === 'ne' ? [leaf.value] : leaf.operator === 'in' || leaf.operator === 'nin' ? leaf.value : null;
  if (!Array.isArray(values) || values.length !== 1 || typeof values[0] !== 'string') return false;
  into.add(values[0]);
  return true;
}

/** The SQL of a caller's access, for both parts of the statement: each written (its values added) when called. */
interface CompiledAccess {
  aggregate: { where: () => string; operation: () => string; value: () => string };
  scan: { where: () => string; operation: () => string; value: () => string };
}

/**
 * Statistics from monthly pre-aggregates (seizure_stats_monthly), exactly what the scan of
 * `seizures` under the same access condition gives:
 *   - months wholly inside the date filter: the aggregate rows, under the caller's access
 *     condition and field rules compiled onto the aggregate's columns by the same CASL→SQL
 *     compiler as every read, once for RED rows and once for the others (assumingTlps); the
 *     releases to the caller's agency added from seizure_stats_monthly_released;
 *   - the partial months at either end of the date range: the scan.
 * Both parts are one statement, so they read one snapshot. A filter, dimension or policy
 * condition the aggregates do not hold makes `answer` return null: the caller scans.
 */
@Injectable()
export class SeizureStatsAggregates {
  /** Off, every statistic is the scan: the benchmark compares both in one run. */
  enabled = true;
  /** Per ability (shared by callers with the same attributes): whether the aggregates can answer for it. */
  private readonly answerableFor = new WeakMap<AppAbility, Answerable | null>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadStatements,
  ) {}

  /**
   * The buckets, or null when the scan must answer. `filterConditions` is the search's own filter
   * SQL over alias `s` (it also refuses a bad filter), used for the scanned part.
   */
  async answer(
    ability: AppAbility,
    filter: SeizureFilter | null | undefined,
    groupBy: SeizureDimension[],
    filterConditions: (filter: SeizureFilter, params: SqlParameters) => string[],
  ): Promise<StatBucket[] | null> {
    const statement = this.statement(ability, filter, groupBy, filterConditions);
    if (!statement) return null;
    const rows = await this.reads.records<Record<string, string | number | null>>(statement.sql, statement.params);
    return rows.map((row) => ({
      keys: groupBy.map((_d, i) => String(row[`k${i}`] ?? '')),
      count: Number(row.count),
      totalQuantity: row.total_quantity == null ? null : Number(row.total_quantity),
      quantityUnit: row.quantity_unit == null ? null : String(row.quantity_unit),
      totalValue: row.total_value == null ? null : Math.round(Number(row.total_value) * 100) / 100,
    }));
  }

  /** The statement `answer` runs, or null when the aggregates cannot answer (also for the benchmark). */
  statement(
    ability: AppAbility,
    filter: SeizureFilter | null | undefined,
    groupBy: SeizureDimension[],
    filterConditions: (filter: SeizureFilter, params: SqlParameters) => string[],
  ): { sql: string; params: unknown[] } | null {
    const given = filter ?? {};
    const params = new PositionalParameters();
    filterConditions(given, new PositionalParameters()); // refuses a bad filter, whatever answers
    const answerable = this.enabled ? this.answerable(ability) : null;
    if (!answerable || groupBy.some((dimension) => !DIMENSIONS[dimension])) return null;
    const unanswerable = (Object.keys(given) as (keyof SeizureFilter)[]).some((key) => {
      const value = given[key];
      const empty = value == null || value === false || (Array.isArray(value) && value.length === 0) || (typeof value === 'string' && !value.trim());
      return !empty && !AGGREGATE_FILTERS.has(key);
    });
    if (unanswerable) return null;
    const from = given.seizedFrom ?? null;
    const to = given.seizedTo ?? null;
    const months = aggregatedMonths(from, to);
    if (!months) return null; // no month to take from the aggregates: the scan reads no more
    const day = (date: Date) => date.toISOString().slice(0, 10);

    const access = this.access(ability, params);
    const keys = (side: 'aggregate' | 'scan') =>
      groupBy.map((dimension, i) => {
        const sql = DIMENSIONS[dimension]![side];
        return `${dimension === 'OPERATION' ? `CASE WHEN ${access[side].operation()} THEN ${sql} ELSE '' END` : sql}::text AS k${i}`;
      });
    // The whole months: the caller's access on the aggregate's columns, the filters. The main
    // table has no releasability: its rows are taken as released to nobody, and the rows of the
    // caller's agency's releases add what being released to it changes (its condition with the
    // release, less its condition without). Their keys may differ (a field the release discloses).
    const sources = [{ from: `(SELECT m.*, '{}'::text[] AS releasable_to FROM seizure_stats_monthly m) a`, sign: '' }];
    if (answerable.recipient !== null) {
      const released = (releasableTo: string) =>
        `(SELECT r.*, ${releasableTo} AS releasable_to FROM seizure_stats_monthly_released r WHERE r.recipient = ${params.add(answerable.recipient)}) a`;
      sources.push({ from: released('ARRAY[r.recipient]'), sign: '' }, { from: released(`'{}'::text[]`), sign: '-' });
    }
    const parts = sources.map(({ from, sign }) => {
      const aggregateKeys = keys('aggregate');
      const aggregateValue = access.aggregate.value();
      const aggregateWhere = [access.aggregate.where(), ...aggregateFilter(given, params)];
      if (months.from) aggregateWhere.push(`a.month >= ${params.add(day(months.from))}::date`);
      if (months.to) aggregateWhere.push(`a.month < ${params.add(day(months.to))}::date`);
      return (
        `SELECT ${aggregateKeys.join(', ')}, a.quantity_unit::text AS unit, ${sign}a.seizures::bigint AS n, ${sign}a.quantity AS quantity, ` +
        `${sign}CASE WHEN ${aggregateValue} THEN a.valued ELSE 0 END::bigint AS valued, ${sign}CASE WHEN ${aggregateValue} THEN a.value_usd ELSE 0 END AS value ` +
        `FROM ${from} WHERE (${aggregateWhere.join(') AND (')})`
      );
    });
    // The partial months at the ends, from `seizures` with the search's own filter SQL: what the
    // filter takes outside the aggregated months is added; what it leaves out inside them (the
    // start of the first month, the end of the last) is taken away.
    const scan = (sign: string, where: string[]) => {
      const scanValue = access.scan.value();
      return (
        `SELECT ${keys('scan').join(', ')}, s.quantity_unit::text, ${sign}1::bigint, ${sign}s.quantity_value::numeric, ` +
        `${sign}CASE WHEN ${scanValue} AND s.value_usd IS NOT NULL THEN 1 ELSE 0 END::bigint, ${sign}CASE WHEN ${scanValue} THEN coalesce(s.value_usd::numeric, 0) ELSE 0 END ` +
        `FROM seizures s WHERE (${[access.scan.where(), ...where].join(') AND (')})`
      );
    };
    const outside = [];
    if (months.from && from && from < months.from) outside.push(`s.seized_at < ${params.add(months.from)}::timestamptz`);
    if (months.to && to && to >= months.to) outside.push(`s.seized_at >= ${params.add(months.to)}::timestamptz`);
    if (outside.length) parts.push(scan('', [...filterConditions(given, params), outside.join(' OR ')]));
    const leftOut = [];
    if (months.from && from && from > months.from) leftOut.push(`s.seized_at >= ${params.add(months.from)}::timestamptz AND s.seized_at < ${params.add(from)}`);
    if (months.to && to && to < months.to) leftOut.push(`s.seized_at > ${params.add(to)} AND s.seized_at < ${params.add(months.to)}::timestamptz`);
    if (leftOut.length) parts.push(scan('-', [...filterConditions({ ...given, seizedFrom: null, seizedTo: null }, params), leftOut.join(' OR ')]));
    const k = groupBy.map((_d, i) => `k${i}`).join(', ');
    // Per bucket and unit first: a bucket has a total quantity when all its reports share one unit.
    const sql =
      `SELECT ${k}, sum(n)::int AS count, CASE WHEN count(*) = 1 THEN sum(quantity) END AS total_quantity, ` +
      `CASE WHEN count(*) = 1 THEN min(unit) END AS quantity_unit, CASE WHEN sum(valued) > 0 THEN sum(value) END AS total_value ` +
      `FROM (SELECT ${k}, unit, sum(n) AS n, sum(quantity) AS quantity, sum(valued) AS valued, sum(value) AS value ` +
      `FROM (${parts.join(' UNION ALL ')}) parts GROUP BY ${k}, unit HAVING sum(n) <> 0) units ` +
      `GROUP BY ${k} ORDER BY count DESC, ${groupBy.map((_d, i) => `k${i} ASC`).join(', ')}`;
    return { sql, params: params.values };
  }

  /**
   * Whether every read rule only reads columns the aggregates hold for the rows it applies to, and
   * compares releasability with one agency at most (which, when it does): otherwise null.
   */
  private answerable(ability: AppAbility): Answerable | null {
    if (this.answerableFor.has(ability)) return this.answerableFor.get(ability)!;
    const holds = (node: ConditionNode, extra: Set<string>) => [...fieldsOf(node)].every((field) => AGGREGATE_COLUMNS.has(field) || extra.has(field));
    const recipients = new Set<unknown>();
    let answerable = ability.possibleRulesFor('read', 'Seizure').every((rule) => {
      const ast = rule.conditions ? (rule.ast as ConditionNode | undefined) : undefined;
      if (rule.conditions && !ast) return false;
      if (!ast) return true;
      const [notRed, red] = [forNotRed(ast), forRed(ast)];
      return holds(notRed, new Set()) && holds(red, RED_ONLY_COLUMNS) && releasabilityValues(notRed, recipients) && releasabilityValues(red, recipients);
    });
    const [recipient = null] = [...recipients];
    answerable &&= recipients.size <= 1 && (recipient === null || typeof recipient === 'string');
    const result = answerable ? { recipient: recipient as string | null } : null;
    this.answerableFor.set(ability, result);
    return result;
  }

  /** The caller's access condition and field rules over both parts, values added to `params` as they are written. */
  private access(ability: AppAbility, params: SqlParameters): CompiledAccess {
    const metadata = this.dataSource.getMetadata(SeizureEntity);
    const onAggregates: SqlTarget = { metadata, dataSource: this.dataSource, alias: 'a' };
    const onSeizures: SqlTarget = { metadata, dataSource: this.dataSource, alias: 's' };
    const compiler = new CaslSqlCompiler(metadata, this.dataSource, 'a');
    // RED rows and the others, each under its simplified conditions.
    const bySide = (write: (side: (node: ConditionNode) => ConditionNode) => string) => () =>
      `(CASE WHEN a.tlp = ${params.add(RED)} THEN ${write(forRed)} ELSE ${write(forNotRed)} END)`;
    const ast = rulesToAST(ability, 'read', 'Seizure') as ConditionNode | null;
    const aggregateField = (field: string) => bySide((side) => fieldPermittedInto(ability, 'read', 'Seizure', field, onAggregates, params, side));
    const scanField = (field: string) => () => fieldPermittedInto(ability, 'read', 'Seizure', field, onSeizures, params);
    return {
      aggregate: {
        where: ast ? bySide((side) => compiler.compileInto(side(ast), params)) : () => 'FALSE',
        operation: aggregateField('operation'),
        value: aggregateField('estimatedValue'),
      },
      scan: { where: () => accessConditionInto(ability, 'read', 'Seizure', onSeizures, params), operation: scanField('operation'), value: scanField('estimatedValue') },
    };
  }
}

/** The filter's conditions on the aggregate's columns (AGGREGATE_FILTERS but the dates). */
function aggregateFilter(filter: SeizureFilter, params: SqlParameters): string[] {
  const conditions: string[] = [];
  const oneOf = (column: string, values: readonly unknown[] | null | undefined) => {
    if (values?.length) conditions.push(`a.${column} IN (${values.map((value) => params.add(value)).join(', ')})`);
  };
  if (!filter.includeRetracted) conditions.push(`a.status <> 'RETRACTED'`);
  oneOf('commodity_category', filter.commodityCategories);
  oneOf('country', filter.countries?.map((c) => c.toUpperCase()));
  oneOf('reporting_agency', filter.reportingAgencies?.map((a) => a.toUpperCase()));
  oneOf('tlp', filter.tlps);
  if (filter.operationId) conditions.push(`a.operation_id = ${params.add(filter.operationId)}`);
  return conditions;
}

/**
 * The UTC months to take from the aggregates for the date range [from, to] (to inclusive), `to`
 * exclusive, an open end null; null when there are none. A range that starts (ends) inside a month
 * takes that month whole when less of it is outside the range than inside, and the statement takes
 * away what the range leaves out of it; otherwise the month is left to the scan. Either way the
 * answer is the same, only the number of rows read changes.
 */
export function aggregatedMonths(from: Date | null, to: Date | null): { from: Date | null; to: Date | null } | null {
  const monthStart = (year: number, month: number) => {
    const date = new Date(0);
    date.setUTCFullYear(year, month, 1); // not Date.UTC, which reads years 0-99 as 1900-1999
    return date;
  };
  const nearer = (instant: Date) => {
    const start = monthStart(instant.getUTCFullYear(), instant.getUTCMonth());
    const next = monthStart(instant.getUTCFullYear(), instant.getUTCMonth() + 1);
    return instant.getTime() - start.getTime() <= next.getTime() - instant.getTime() || next.getUTCFullYear() > 9999 ? start : next;
  };
  // `to` is inclusive: its month ends after it even when it is the month's first instant.
  const first = from ? nearer(from) : null;
  const after = to ? nearer(new Date(to.getTime() + 1)) : null;
  // `to` at the calendar's last millisecond: no month begins after it, and none needs to.
  const end = after && after.getUTCFullYear() > 9999 ? null : after;
  if ((first && end && first >= end) || (first && first.getUTCFullYear() > 9999)) return null;
  return { from: first, to: end };
}
