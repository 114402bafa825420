import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { accessConditionInto, fieldPermittedInto, ruleGroupMatchesInto, whereAllowed } from '../../access/casl-sql.js';
import type { AppAbility } from '../../access/ability.factory.js';
import type { RequestContext } from '../../access/request-context.js';
import { ReadStatements } from '../../database/read-statements.js';
import { NamedParameters, PositionalParameters, type SqlParameters } from '../../access/sql-parameters.js';
import { BadUserInputError } from '../../errors/domain-error.js';
import { SEIZURE_SEARCH_DOCUMENT } from './seizure-search-text.js';
import { FeedDisclosureEntity } from './feed-disclosure.entity.js';
import { SeizureChangeEntity } from './seizure-change.entity.js';
import { SeizureEntity } from './seizure.entity.js';
import { SeizureStatsAggregates } from './seizure-stats-aggregates.js';
import type { SeizureDimension } from '../seizure.enums.js';
import type { SeizureFilter } from '../api/seizure.inputs.js';
import { isCountryCode } from '../write/seizure-validation.js';
import { isUuid } from '../../database/uuid.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../database/keyset-cursor.js';
import { AGENCY_CODE, textProblem } from '../../graphql/input-guard.js';

const ALIAS = 's';
export const MAX_PAGE = 200;
/** Distinct SELECT lists (one per set of fields asked for) kept built. */
const SELECT_LISTS_KEPT = 256;

/** SQL expression of each statistics dimension; MONTH is the UTC calendar month. */
const DIMENSION_SQL: Record<SeizureDimension, string> = {
  COUNTRY: `${ALIAS}.country`,
  REPORTING_AGENCY: `${ALIAS}.reporting_agency`,
  COMMODITY_CATEGORY: `${ALIAS}.commodity_category`,
  TRANSPORT_MODE: `${ALIAS}.transport_mode`,
  DETECTION_METHOD: `${ALIAS}.detection_method`,
  MONTH: `to_char(${ALIAS}.seized_at AT TIME ZONE 'UTC', 'YYYY-MM')`,
  OPERATION: `coalesce(${ALIAS}.operation_id::text, '')`,
};

export interface SeizurePage {
  rows: SeizureEntity[];
  /** Per row, which groups of the reader's read rules it matches (ruleGroupMatchesInto): decides its fields. */
  ruleMatches: string[];
  hasNextPage: boolean;
}

/** A page's statement as sent to PostgreSQL, with the entity property each selected column fills. */
export interface PageStatement {
  sql: string;
  params: unknown[];
  properties: readonly (keyof SeizureEntity)[];
}

/** A change-log row as the change feed reads it. */
export interface FeedChangeRow {
  seq: string;
  seizureId: string;
  at: Date;
  /** The feed showed the report to this reader before (a REMOVE may name it). Disclosures are never deleted. */
  shown: boolean;
}

export interface StatBucket {
  keys: string[];
  count: number;
  totalQuantity: number | null;
  quantityUnit: string | null;
  totalValue: number | null;
}

/** Keyset cursor over (seized_at DESC, id DESC): stable while reports are added between pages. */
export function encodeCursor(row: Pick<SeizureEntity, 'seizedAt' | 'id'>): string {
  return encodeKeysetCursor({ at: row.seizedAt, id: row.id });
}

export function clampFirst(first: number | null | undefined, fallback = 20): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE) throw new BadUserInputError(`first: must be between 1 and ${MAX_PAGE}`, ['first']);
  return value;
}

/**
 * The one owner of the SQL on seizure reports: features call its named methods and never build
 * SQL on its queries. Every query starts from `visibleSeizures()`, which puts the caller's access
 * rules into the SQL WHERE, so pages, counts, statistics and look-ups only ever cover what the
 * caller may see. The SQL each method sends is checked in under ./queries (see its README).
 */
@Injectable()
export class SeizureSearchService {
  /** Per ability: its rule matches and WHERE as SQL, their values being $1… in order. */
  private readonly accessSql = new WeakMap<AppAbility, { ruleMatches: string; where: string; values: readonly unknown[] }>();
  /** Per ability: its WHERE alone as SQL, its values being $1… in order. */
  private readonly accessWhere = new WeakMap<AppAbility, { where: string; values: readonly unknown[] }>();
  /** Per selected column list: the SELECT list and the property each column fills. */
  private readonly selectLists = new Map<string, { sql: string; properties: readonly (keyof SeizureEntity)[] }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadStatements,
    private readonly aggregates: SeizureStatsAggregates,
  ) {}

  /** The reports the caller may see that match the filter; private: callers use the named methods below. */
  private visible(ctx: RequestContext, filter?: SeizureFilter | null): SelectQueryBuilder<SeizureEntity> {
    return visibleSeizures(this.dataSource, ctx, filter);
  }

  /**
   * Refuses a filter that a search could not run (BadUserInputError), without running anything:
   * for filters kept to be run later (alerts, subscriptions).
   */
  checkFilter(filter: SeizureFilter | null | undefined): void {
    filterConditions(filter ?? {}, new NamedParameters('check'));
  }

  /** One report as `seizure(id)` reads it: visible to the caller, retracted included. */
  async findVisible(ctx: RequestContext, id: string): Promise<SeizureEntity | null> {
    if (!isUuid(id)) return null;
    return this.visible(ctx, { includeRetracted: true }).andWhere(`${ALIAS}.id = :id`, { id }).getOne();
  }

  /**
   * Of these ids, the reports the caller may see (retracted included, as `seizure(id)`), in one
   * query, in no particular order; ids that are not UUIDs match nothing.
   */
  async byIds(ctx: RequestContext, ids: readonly string[]): Promise<SeizureEntity[]> {
    const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    if (wanted.length === 0) return [];
    return this.visible(ctx, { includeRetracted: true }).andWhere(`${ALIAS}.id IN (:...ids)`, { ids: wanted }).getMany();
  }

  /**
   * The report, if the caller may see it and it matches the filter (retracted ones only when the
   * filter includes them): what a search with that filter would show of it. A bad filter is
   * refused with a BadUserInputError.
   */
  async findMatching(ctx: RequestContext, filter: SeizureFilter | null | undefined, id: string): Promise<SeizureEntity | null> {
    const query = this.visible(ctx, filter); // refuses a bad filter whatever the id
    return isUuid(id) ? query.andWhere(`${ALIAS}.id = :id`, { id }).getOne() : null;
  }

  /** Whether a search by the caller with the filter would find the report (findMatching without reading it). */
  async matches(ctx: RequestContext, filter: SeizureFilter | null | undefined, id: string): Promise<boolean> {
    const query = this.visible(ctx, filter); // refuses a bad filter whatever the id
    return isUuid(id) ? query.andWhere(`${ALIAS}.id = :id`, { id }).getExists() : false;
  }

  /**
   * The report as stored, whoever may see it: only for jobs that then decide per reader through
   * the methods above (alert matching, live subscriptions), never to answer a caller.
   */
  unrestrictedById(id: string): Promise<SeizureEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.dataSource.getRepository(SeizureEntity).findOneBy({ id });
  }

  /** The change log's last seq, '0' when it is empty. Writers take seqs in commit order, so every change up to it is committed. */
  async changeLogHead(): Promise<string> {
    const row = await this.dataSource.getRepository(SeizureChangeEntity).createQueryBuilder('c').select('coalesce(max(c.seq), 0)::text', 'seq').getRawOne<{ seq: string }>();
    return row?.seq ?? '0';
  }

  /**
   * The change feed's next change-log rows for the caller, in log order, at most `limit`, of those in
   * (afterSeq, upToSeq]. A report the caller may see now (retracted ones aside) comes at its latest
   * change. A report it may not see comes only if the feed showed it to `readerId` before (so that it
   * hears of the removal): at the change its REMOVE was sent at (`last_seq`) when one was, which later
   * changes do not move, else at its first change since it was last sent (the one that hid it, or
   * one the reader would have been shown), never at one made later while hidden. Every other row is
   * passed over here, in SQL: nothing the feed answers counts the changes of reports the reader does
   * not read, nor tells how often or when a report changed while hidden.
   */
  async feedChanges(ctx: RequestContext, readerId: string, afterSeq: string, upToSeq: string, limit: number): Promise<FeedChangeRow[]> {
    const table = (entity: typeof SeizureEntity | typeof SeizureChangeEntity | typeof FeedDisclosureEntity) => `"${this.dataSource.getMetadata(entity).tableName}"`;
    const access = this.accessWhereOf(ctx.ability);
    const params = new PositionalParameters(access.values);
    const readable = `COALESCE((${access.where}) AND "${ALIAS}".status <> 'RETRACTED', FALSE)`;
    const [reader, after, upTo, count] = [params.add(readerId), params.add(afterSeq), params.add(upToSeq), params.add(limit)];
    const changes = table(SeizureChangeEntity);
    // Two parts, each in seq order, merged: each report read now at its latest change, or shown
    // before and hidden now (not yet removed) at its first change in this stretch since it was last
    // sent; and the hidden reports whose REMOVE was sent, at that change.
    // Joins, not EXISTS, for the report and the disclosure: under an OR, PostgreSQL runs an EXISTS
    // as a hashed subplan over every report the reader may see, on every page; a join probes each
    // change's report by its key. A single statement with the two parts OR-ed was planned as a hash
    // join over the whole table near the log's end (150 ms a page instead of 7).
    const sql =
      `SELECT seq::text AS seq, seizure_id AS "seizureId", at, shown FROM (` +
      `(SELECT c.seq, c.seizure_id, c.at, d.seizure_id IS NOT NULL AS shown FROM ${changes} c ` +
      `LEFT JOIN ${table(SeizureEntity)} "${ALIAS}" ON "${ALIAS}".id = c.seizure_id ` +
      `LEFT JOIN ${table(FeedDisclosureEntity)} d ON d.reader_id = ${reader} AND d.seizure_id = c.seizure_id ` +
      `WHERE c.seq > ${after} AND c.seq <= ${upTo} ` +
      `AND (${readable} OR (d.seizure_id IS NOT NULL AND d.last_kind IS DISTINCT FROM 'REMOVE' AND c.seq > COALESCE(d.last_seq, 0))) ` +
      // One NOT EXISTS, not one per branch of an OR (PostgreSQL would run those as subplans on every
      // row): read now, no later change; hidden, no earlier change since it was last sent.
      `AND NOT EXISTS (SELECT 1 FROM ${changes} other WHERE other.seizure_id = c.seizure_id AND CASE WHEN ${readable} THEN other.seq > c.seq ` +
      `ELSE other.seq < c.seq AND other.seq > GREATEST(COALESCE(d.last_seq, 0), ${after}) END) ` +
      `ORDER BY c.seq LIMIT ${count}) ` +
      `UNION ALL ` +
      `(SELECT c.seq, c.seizure_id, c.at, TRUE AS shown FROM ${table(FeedDisclosureEntity)} d ` +
      `JOIN ${changes} c ON c.seq = d.last_seq ` +
      `LEFT JOIN ${table(SeizureEntity)} "${ALIAS}" ON "${ALIAS}".id = d.seizure_id ` +
      `WHERE d.reader_id = ${reader} AND d.last_kind = 'REMOVE' AND d.last_seq > ${after} AND d.last_seq <= ${upTo} AND NOT ${readable} ` +
      `ORDER BY d.last_seq LIMIT ${count})` +
      `) page ORDER BY page.seq LIMIT ${count}`; // page.seq: the bigint, not the text column named seq
    return this.dataSource.query<FeedChangeRow[]>(sql, params.values);
  }

  /** One page, newest first; `columns` limits what is read (SeizureProjection), the others stay undefined. */
  async page(
    ctx: RequestContext,
    filter: SeizureFilter | null | undefined,
    first: number,
    after?: string | null,
    columns?: readonly (keyof SeizureEntity)[] | null,
  ): Promise<SeizurePage> {
    const statement = this.pageStatement(ctx, filter, first, after, columns);
    const rows = await this.reads.rows(statement.sql, statement.params);
    const { properties } = statement;
    const entities: SeizureEntity[] = [];
    const ruleMatches: string[] = [];
    for (const row of rows.slice(0, first)) {
      const entity = new SeizureEntity() as unknown as Record<string, unknown>;
      for (let i = 0; i < properties.length; i += 1) entity[properties[i]] = row[i];
      entities.push(entity as unknown as SeizureEntity);
      ruleMatches.push(row[properties.length] as string); // the column after the entity's
    }
    return { rows: entities, ruleMatches, hasNextPage: rows.length > first };
  }

  /**
   * The SQL of a page, written here rather than by TypeORM's query builder: it runs on every
   * search request, and building it the general way cost more of this process's time than
   * PostgreSQL spends running it. The access condition and the filters are the same SQL that
   * `visible()` puts into every other query; the order is the keyset cursor's. Its last column
   * says which of the reader's read rules each row matches, so that field disclosure needs neither
   * the columns those rules look at nor evaluating them again here.
   */
  pageStatement(
    ctx: RequestContext,
    filter: SeizureFilter | null | undefined,
    first: number,
    after?: string | null,
    columns?: readonly (keyof SeizureEntity)[] | null,
  ): PageStatement {
    const metadata = this.dataSource.getMetadata(SeizureEntity);
    const access = this.accessSqlOf(ctx.ability);
    const params = new PositionalParameters(access.values);
    const where = [access.where, ...filterConditions(filter ?? {}, params)];
    if (after) {
      const cursor = decodeKeysetCursor(after);
      where.push(`(${ALIAS}.seized_at, ${ALIAS}.id) < (${params.add(cursor.at.toISOString())}::timestamptz, ${params.add(cursor.id)}::uuid)`);
    }
    const select = this.selectList(columns ?? metadata.columns.map((column) => column.propertyName as keyof SeizureEntity));
    const table = metadata.schema ? `"${metadata.schema}"."${metadata.tableName}"` : `"${metadata.tableName}"`;
    const sql =
      `SELECT ${select.sql}, ${access.ruleMatches} AS "rule_matches" FROM ${table} "${ALIAS}" WHERE (${where.join(') AND (')}) ` +
      `ORDER BY "${ALIAS}"."seized_at" DESC, "${ALIAS}"."id" DESC LIMIT ${params.add(first + 1)}`;
    return { sql, params: params.values, properties: select.properties };
  }

  /** Abilities are shared by callers with the same attributes (AccessService), so this is compiled once for all of them. */
  private accessSqlOf(ability: AppAbility): { ruleMatches: string; where: string; values: readonly unknown[] } {
    let compiled = this.accessSql.get(ability);
    if (!compiled) {
      const target = { metadata: this.dataSource.getMetadata(SeizureEntity), dataSource: this.dataSource, alias: ALIAS };
      const params = new PositionalParameters();
      const ruleMatches = ruleGroupMatchesInto(ability, 'read', 'Seizure', target, params);
      const where = accessConditionInto(ability, 'read', 'Seizure', target, params);
      compiled = { ruleMatches, where, values: params.values };
      this.accessSql.set(ability, compiled);
    }
    return compiled;
  }

  /** The access condition alone, its values being $1… in order: for statements that need no rule matches. */
  private accessWhereOf(ability: AppAbility): { where: string; values: readonly unknown[] } {
    let compiled = this.accessWhere.get(ability);
    if (!compiled) {
      const target = { metadata: this.dataSource.getMetadata(SeizureEntity), dataSource: this.dataSource, alias: ALIAS };
      const params = new PositionalParameters();
      compiled = { where: accessConditionInto(ability, 'read', 'Seizure', target, params), values: params.values };
      this.accessWhere.set(ability, compiled);
    }
    return compiled;
  }

  private selectList(columns: readonly (keyof SeizureEntity)[]): { sql: string; properties: readonly (keyof SeizureEntity)[] } {
    const key = columns.join(',');
    let list = this.selectLists.get(key);
    if (!list) {
      const metadata = this.dataSource.getMetadata(SeizureEntity);
      const names = columns.map((property) => {
        const column = metadata.findColumnWithPropertyName(property);
        if (!column || column.embeddedMetadata || column.relationMetadata || column.transformer) throw new Error(`SeizureEntity.${property} is not a flat column`);
        return `"${ALIAS}"."${column.databaseName}"`;
      });
      list = { sql: names.join(', '), properties: [...columns] };
      // Column lists follow the fields clients ask for: keep a bounded number.
      if (this.selectLists.size >= SELECT_LISTS_KEPT) this.selectLists.clear();
      this.selectLists.set(key, list);
    }
    return list;
  }

  count(ctx: RequestContext, filter?: SeizureFilter | null): Promise<number> {
    return this.visible(ctx, filter).getCount();
  }

  async stats(ctx: RequestContext, filter: SeizureFilter | null | undefined, groupBy: SeizureDimension[]): Promise<StatBucket[]> {
    if (groupBy.length === 0 || new Set(groupBy).size !== groupBy.length) {
      throw new BadUserInputError('groupBy: name one or more different dimensions', ['groupBy']);
    }
    // Monthly pre-aggregates when they can answer exactly; otherwise the scan below.
    const fromAggregates = await this.aggregates.answer(ctx.ability, filter, groupBy, filterConditions);
    if (fromAggregates) return fromAggregates;
    const query = this.visible(ctx, filter).select([]);
    // Buckets only over fields the caller may read of each report: a value or an operation the
    // caller is not shown counts as unknown, or a one-report bucket would disclose it.
    const params = new NamedParameters('fld');
    const target = { metadata: this.dataSource.getMetadata(SeizureEntity), dataSource: this.dataSource, alias: ALIAS };
    const mayRead = (field: string) => fieldPermittedInto(ctx.ability, 'read', 'Seizure', field, target, params);
    const guarded: Partial<Record<SeizureDimension, string>> = { OPERATION: `CASE WHEN ${mayRead('operation')} THEN ${DIMENSION_SQL.OPERATION} ELSE '' END` };
    const value = `CASE WHEN ${mayRead('estimatedValue')} THEN ${ALIAS}.value_usd END`;
    groupBy.forEach((dimension, i) => {
      query.addSelect(guarded[dimension] ?? DIMENSION_SQL[dimension], `k${i}`).addGroupBy(`k${i}`);
    });
    query
      .addSelect('count(*)::int', 'count')
      // "One unit in the bucket" as min = max (quantity_unit is NOT NULL): unlike count(DISTINCT),
      // it aggregates by hash without sorting every matching row.
      .addSelect(`CASE WHEN min(${ALIAS}.quantity_unit) = max(${ALIAS}.quantity_unit) THEN sum(${ALIAS}.quantity_value) END`, 'total_quantity')
      .addSelect(`CASE WHEN min(${ALIAS}.quantity_unit) = max(${ALIAS}.quantity_unit) THEN min(${ALIAS}.quantity_unit) END`, 'quantity_unit')
      .addSelect(`sum(${value})`, 'total_value')
      .setParameters(params.values)
      .orderBy('count', 'DESC');
    groupBy.forEach((_d, i) => query.addOrderBy(`k${i}`, 'ASC'));
    const rows = await query.getRawMany<Record<string, string | number | null>>();
    return rows.map((row) => ({
      keys: groupBy.map((_d, i) => String(row[`k${i}`] ?? '')),
      count: Number(row.count),
      totalQuantity: row.total_quantity == null ? null : Number(row.total_quantity),
      quantityUnit: row.quantity_unit == null ? null : String(row.quantity_unit),
      totalValue: row.total_value == null ? null : Math.round(Number(row.total_value) * 100) / 100,
    }));
  }
}

/**
 * The TypeORM query of the reports the caller may see that match the filter, over alias `s`.
 * Only for this folder (and the test that holds the hand-written page SQL to it): features call
 * SeizureSearchService's named methods.
 */
export function visibleSeizures(dataSource: DataSource, ctx: RequestContext, filter?: SeizureFilter | null): SelectQueryBuilder<SeizureEntity> {
  const query = dataSource.getRepository(SeizureEntity).createQueryBuilder(ALIAS);
  whereAllowed(query, ctx.ability, 'read', 'Seizure');
  const params = new NamedParameters('filter');
  for (const condition of filterConditions(filter ?? {}, params)) query.andWhere(condition);
  return query.setParameters(params.values);
}

/**
 * The SQL conditions of a search filter over alias `s`, values added to `params`; a bad filter is
 * refused before anything runs. Lists are written out as IN (…) so that a single value is an
 * equality the planner can serve from the (column, seized_at, id) indexes in page order.
 */
export function filterConditions(filter: SeizureFilter, params: SqlParameters): string[] {
  const countries = filter.countries?.map((c) => c.toUpperCase());
  const bad = [...(countries ?? []), ...(filter.routeCountry ? [filter.routeCountry.toUpperCase()] : [])].filter((c) => !isCountryCode(c));
  if (bad.length) throw new BadUserInputError(`Not ISO 3166-1 alpha-2 country codes: ${bad.join(', ')}`, ['filter.countries']);
  if (filter.seizedFrom && filter.seizedTo && filter.seizedFrom > filter.seizedTo) {
    throw new BadUserInputError('filter.seizedFrom must not be after filter.seizedTo', ['filter.seizedFrom']);
  }
  if (filter.operationId && !isUuid(filter.operationId)) throw new BadUserInputError('filter.operationId: not an id', ['filter.operationId']);
  if (filter.text && filter.text.length > 200) throw new BadUserInputError('filter.text: at most 200 characters', ['filter.text']);
  // Filters also come back from storage (alerts) and over WebSocket: checked here too, not only at the edge.
  const textIssue = filter.text ? textProblem(filter.text) : null;
  if (textIssue) throw new BadUserInputError(`filter.text: ${textIssue}`, ['filter.text']);
  const badAgency = filter.reportingAgencies?.find((code) => !AGENCY_CODE.test(code));
  if (badAgency !== undefined) throw new BadUserInputError('filter.reportingAgencies: not agency codes', ['filter.reportingAgencies']);
  for (const key of ['seizedFrom', 'seizedTo'] as const) {
    const date = filter[key];
    if (date != null && (!(date instanceof Date) || Number.isNaN(date.getTime()) || Math.abs(date.getUTCFullYear() - 5000) > 4999)) {
      throw new BadUserInputError(`filter.${key}: not a date-time between the years 0001 and 9999`, [`filter.${key}`]);
    }
  }

  const conditions: string[] = [];
  const oneOf = (column: string, values: readonly unknown[] | null | undefined) => {
    if (values?.length) conditions.push(`${ALIAS}.${column} IN (${values.map((value) => params.add(value)).join(', ')})`);
  };
  if (!filter.includeRetracted) conditions.push(`${ALIAS}.status <> 'RETRACTED'`);
  oneOf('commodity_category', filter.commodityCategories);
  oneOf('country', countries);
  oneOf('reporting_agency', filter.reportingAgencies?.map((a) => a.toUpperCase()));
  oneOf('transport_mode', filter.transportModes);
  oneOf('detection_method', filter.detectionMethods);
  oneOf('tlp', filter.tlps);
  if (filter.routeCountry) conditions.push(`${ALIAS}.route_countries @> ARRAY[${params.add(filter.routeCountry.toUpperCase())}]::text[]`);
  if (filter.seizedFrom) conditions.push(`${ALIAS}.seized_at >= ${params.add(filter.seizedFrom)}`);
  if (filter.seizedTo) conditions.push(`${ALIAS}.seized_at <= ${params.add(filter.seizedTo)}`);
  if (filter.operationId) conditions.push(`${ALIAS}.operation_id = ${params.add(filter.operationId)}`);
  if (filter.text?.trim()) conditions.push(`${SEIZURE_SEARCH_DOCUMENT(ALIAS)} @@ plainto_tsquery('simple', ${params.add(filter.text)})`);
  return conditions;
}
