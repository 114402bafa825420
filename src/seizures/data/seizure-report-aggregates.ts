import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import type { AppAbility } from '../../access/ability.factory.js';
import { accessConditionInto, fieldPermittedInto, type SqlTarget } from '../../access/casl-sql.js';
import type { RequestContext } from '../../access/request-context.js';
import { NamedParameters, type SqlParameters } from '../../access/sql-parameters.js';
import type { Tlp } from '../seizure.enums.js';
import { visibleSeizures } from './seizure-search.service.js';
import { SeizureEntity } from './seizure.entity.js';

/**
 * The SQL of operation reports over seizure reports (the operations feature folds and words the
 * rows). Every aggregate reads the rows of `source()`: only records every reader of the report may
 * read, with each field not every reader may read set to null.
 */

/** One agency that will read a report, as the abilities of each of its readers (ReportAudienceService). */
export interface ReportReaders {
  agency: string;
  abilities: AppAbility[];
}

/** TLP:RED forbids derived products (domain.md §4): RED reports never enter a compiled report. */
export const REPORT_EXCLUDED_TLP: Tlp = 'RED';

/**
 * The columns a report reads that are not disclosed with every visible record, with the policy
 * fields that disclose them (seizure-view.ts shows a location's name only under both `location`
 * and `location.name`). In the source rows each is null unless every reader may read its fields.
 */
const GUARDED_COLUMNS: Record<string, readonly string[]> = {
  value_usd: ['estimatedValue'],
  concealment: ['concealment'],
  location_name: ['location', 'location.name'],
  location_unlocode: ['location', 'location.unlocode'],
  route_origin: ['route'],
  route_destination: ['route'],
};
/** The policy fields a report may leave out of a record it includes (WithheldSummary.fields). */
export const REPORT_GUARDED_FIELDS: readonly string[] = [...new Set(Object.values(GUARDED_COLUMNS).flat())];
/** Disclosed with every record the reader may see (SEIZURE_IDENTITY_FIELDS). */
const IDENTITY_COLUMNS = ['id', 'reference', 'reporting_agency', 'tlp', 'seized_at', 'country', 'commodity_category', 'commodity_type', 'quantity_value', 'quantity_unit', 'transport_mode', 'detection_method'];
/** Every column of a report's source rows, in the order their fingerprint takes them. */
const SOURCE_COLUMNS = [...IDENTITY_COLUMNS, ...Object.keys(GUARDED_COLUMNS)];

const WEEK_SECONDS = 7 * 86_400;

/** A report's breakdown keys; WEEK is the 1-based week counted from `weekStart`. */
export type ReportKey = 'COUNTRY' | 'COMMODITY_CATEGORY' | 'TRANSPORT_MODE' | 'DETECTION_METHOD' | 'CONCEALMENT' | 'LOCATION' | 'WEEK';

/** SQL of each breakdown key over the seizures alias. */
const KEY_SQL: Record<ReportKey, (alias: string) => string> = {
  COUNTRY: (s) => `${s}.country`,
  COMMODITY_CATEGORY: (s) => `${s}.commodity_category`,
  TRANSPORT_MODE: (s) => `${s}.transport_mode`,
  DETECTION_METHOD: (s) => `${s}.detection_method`,
  CONCEALMENT: (s) => `coalesce(nullif(btrim(${s}.concealment), ''), '')`,
  LOCATION: (s) => `coalesce(nullif(btrim(${s}.location_name), ''), ${s}.location_unlocode, '')`,
  WEEK: (s) => `(floor(extract(epoch from (${s}.seized_at - CAST(:reportWeekStart AS timestamptz))) / ${WEEK_SECONDS}) + 1)::int`,
};

/**
 * Which reports an aggregate covers: those linked to an operation (optionally seized within a
 * period), or the reports of some agencies in some commodity categories seized within a period.
 */
export type ReportScope =
  | { operationId: string; seizedFrom?: Date; seizedTo?: Date }
  | { reportingAgencies: readonly string[]; commodityCategories: readonly string[]; seizedFrom: Date; seizedTo: Date };

/** Count, quantity and value of one key in one unit. */
export interface ReportGroupRow {
  key: string;
  unit: string;
  count: number;
  quantity: number;
  value: number | null;
}

export interface ReportCaseRow {
  reference: string;
  reportingAgency: string;
  seizedAt: Date;
  country: string;
  commodityCategory: string;
  commodityType: string | null;
  quantityValue: number;
  quantityUnit: string;
  valueUsd: number | null;
  transportMode: string;
  concealment: string | null;
}

export interface ReportPatternRow {
  count: number;
  totalValue: number | null;
}

/** A linked report the compiling analyst may read, and what of it every reader may read. */
export interface ReportWithheldRow {
  tlp: string;
  /** Per reader agency, in the order given: may every reader of it read the record. */
  readableBy: boolean[];
  /** Per field of REPORT_GUARDED_FIELDS, in that order: may every reader read it. */
  fieldReadable: boolean[];
}

type Source = SelectQueryBuilder<Record<string, unknown>>;

const number = (value: unknown) => Number(value);
const numberOrNull = (value: unknown) => (value == null ? null : Number(value));

/** The named aggregates an operation report is compiled from. */
@Injectable()
export class SeizureReportAggregates {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Count, quantity and value per (key, unit): quantities of different units never add up. */
  async grouped(readers: readonly ReportReaders[], scope: ReportScope, key: ReportKey, weekStart: Date): Promise<ReportGroupRow[]> {
    const query = this.source(readers, scope);
    const s = query.alias;
    if (key === 'WEEK') query.setParameter('reportWeekStart', weekStart);
    const rows = await query
      .select([])
      .addSelect(KEY_SQL[key](s), 'rk')
      .addSelect(`${s}.quantity_unit`, 'ru')
      .addSelect('count(*)::int', 'rc')
      .addSelect(`sum(${s}.quantity_value)`, 'rq')
      .addSelect(`sum(${s}.value_usd)`, 'rv')
      .groupBy('rk')
      .addGroupBy('ru')
      .getRawMany<{ rk: string | number | null; ru: string; rc: number | string; rq: number | string; rv: number | string | null }>();
    return rows.map((row) => ({ key: row.rk == null ? '' : String(row.rk).trim(), unit: row.ru, count: number(row.rc), quantity: number(row.rq), value: numberOrNull(row.rv) }));
  }

  /** How many countries and reporting agencies the reports come from. */
  async spread(readers: readonly ReportReaders[], scope: ReportScope): Promise<{ countries: number; reportingAgencies: number }> {
    const query = this.source(readers, scope);
    const s = query.alias;
    const row = await query
      .select([])
      .addSelect(`count(DISTINCT ${s}.country)::int`, 'countries')
      .addSelect(`count(DISTINCT ${s}.reporting_agency)::int`, 'agencies')
      .getRawOne<{ countries: number | string; agencies: number | string }>();
    return { countries: Number(row?.countries ?? 0), reportingAgencies: Number(row?.agencies ?? 0) };
  }

  /**
   * The rows a report is computed from: their ids, and a fingerprint of them each as its readers
   * may read it (the columns not every reader may read are null in it), so that any change to what
   * the report could say about them changes it. `only`: these rows alone (publication's check takes
   * the rows the report was compiled from, not reports linked since).
   */
  async sources(readers: readonly ReportReaders[], scope: ReportScope, only?: readonly string[]): Promise<{ ids: string[]; digest: string }> {
    const query = this.source(readers, scope);
    const s = query.alias;
    if (only) query.andWhere(`${s}.id = ANY(:reportSourceIds)`, { reportSourceIds: [...only] });
    // Column by column, so that the text does not depend on the session (a time zone, a date style).
    const text = SOURCE_COLUMNS.map((column) =>
      column === 'seized_at' ? `coalesce(extract(epoch from ${s}.seized_at)::text, '-')` : `coalesce(${s}."${column}"::text, '-')`,
    ).join(` || '|' || `);
    const row = await query
      .select([])
      .addSelect(`coalesce(array_agg(${s}.id::text ORDER BY ${s}.id), '{}')`, 'ids')
      .addSelect(`encode(sha256(convert_to(coalesce(string_agg(${text}, E'\\n' ORDER BY ${s}.id), ''), 'UTF8')), 'hex')`, 'digest')
      .getRawOne<{ ids: string[]; digest: string }>();
    return { ids: row!.ids, digest: row!.digest };
  }

  /** The distinct TLPs of the reports. */
  async tlps(readers: readonly ReportReaders[], scope: ReportScope): Promise<string[]> {
    const query = this.source(readers, scope);
    const rows = await query.select([]).addSelect(`${query.alias}.tlp`, 'tt').groupBy('tt').getRawMany<{ tt: string }>();
    return rows.map((row) => row.tt);
  }

  /**
   * The first `limit` reports labelled one of `tlps`: by estimated value (those with one), or
   * firearms counted in items or pieces by quantity; ties oldest first.
   */
  async topCases(readers: readonly ReportReaders[], scope: ReportScope, by: 'VALUE' | 'FIREARMS', tlps: readonly Tlp[], limit: number): Promise<ReportCaseRow[]> {
    const query = this.source(readers, scope);
    const s = query.alias;
    query.andWhere(`${s}.tlp IN (:...reportNameable)`, { reportNameable: tlps }).select([]);
    for (const column of ['reference', 'reporting_agency', 'seized_at', 'country', 'commodity_category', 'commodity_type', 'quantity_value', 'quantity_unit', 'value_usd', 'transport_mode', 'concealment']) {
      query.addSelect(`${s}.${column}`, column);
    }
    if (by === 'VALUE') query.andWhere(`${s}.value_usd IS NOT NULL`).orderBy(`${s}.value_usd`, 'DESC');
    else query.andWhere(`${s}.commodity_category = 'FIREARMS' AND ${s}.quantity_unit IN ('ITEMS', 'PIECES')`).orderBy(`${s}.quantity_value`, 'DESC');
    const rows = await query.addOrderBy(`${s}.seized_at`, 'ASC').addOrderBy(`${s}.id`, 'ASC').limit(limit).getRawMany<Record<string, unknown>>();
    return rows.map((row) => ({
      reference: row.reference as string,
      reportingAgency: row.reporting_agency as string,
      seizedAt: new Date(row.seized_at as Date | string),
      country: row.country as string,
      commodityCategory: row.commodity_category as string,
      commodityType: (row.commodity_type as string | null) ?? null,
      quantityValue: number(row.quantity_value),
      quantityUnit: row.quantity_unit as string,
      valueUsd: numberOrNull(row.value_usd),
      transportMode: row.transport_mode as string,
      concealment: (row.concealment as string | null) ?? null,
    }));
  }

  /** Count per commodity category. */
  async countByCategory(readers: readonly ReportReaders[], scope: ReportScope): Promise<Map<string, number>> {
    const query = this.source(readers, scope);
    const rows = await query
      .select([])
      .addSelect(`${query.alias}.commodity_category`, 'tc')
      .addSelect('count(*)::int', 'tn')
      .groupBy('tc')
      .getRawMany<{ tc: string; tn: number | string }>();
    return new Map(rows.map((row) => [row.tc, Number(row.tn)]));
  }

  /** The most frequent (concealment, transport mode) pairs, concealment trimmed. */
  async concealmentPatterns(readers: readonly ReportReaders[], scope: ReportScope, limit: number): Promise<(ReportPatternRow & { concealment: string; transportMode: string })[]> {
    const query = this.source(readers, scope);
    const s = query.alias;
    const rows = await query
      .andWhere(`nullif(btrim(${s}.concealment), '') IS NOT NULL`)
      .select([])
      .addSelect(`btrim(${s}.concealment)`, 'mc')
      .addSelect(`${s}.transport_mode`, 'mt')
      .addSelect('count(*)::int', 'mn')
      .addSelect(`sum(${s}.value_usd)`, 'mv')
      .groupBy('mc')
      .addGroupBy('mt')
      .orderBy('mn', 'DESC')
      .addOrderBy('mc', 'ASC')
      .addOrderBy('mt', 'ASC')
      .limit(limit)
      .getRawMany<{ mc: string; mt: string; mn: number | string; mv: number | string | null }>();
    return rows.map((row) => ({ concealment: row.mc, transportMode: row.mt, count: number(row.mn), totalValue: numberOrNull(row.mv) }));
  }

  /** The most frequent (origin, destination) pairs of reports with a route. */
  async routes(readers: readonly ReportReaders[], scope: ReportScope, limit: number): Promise<(ReportPatternRow & { origin: string | null; destination: string | null })[]> {
    const query = this.source(readers, scope);
    const s = query.alias;
    const rows = await query
      .andWhere(`(${s}.route_origin IS NOT NULL OR ${s}.route_destination IS NOT NULL)`)
      .select([])
      .addSelect(`${s}.route_origin`, 'ro')
      .addSelect(`${s}.route_destination`, 'rd')
      .addSelect('count(*)::int', 'rn')
      .addSelect(`sum(${s}.value_usd)`, 'rv')
      .groupBy('ro')
      .addGroupBy('rd')
      .orderBy('rn', 'DESC')
      .addOrderBy('ro', 'ASC', 'NULLS FIRST')
      .addOrderBy('rd', 'ASC', 'NULLS FIRST')
      .limit(limit)
      .getRawMany<{ ro: string | null; rd: string | null; rn: number | string; rv: number | string | null }>();
    return rows.map((row) => ({ origin: row.ro, destination: row.rd, count: number(row.rn), totalValue: numberOrNull(row.rv) }));
  }

  /** Count and value per (country, UN/LOCODE upper-cased). */
  async places(readers: readonly ReportReaders[], scope: ReportScope): Promise<{ country: string; unlocode: string | null; count: number; value: number | null }[]> {
    const query = this.source(readers, scope);
    const s = query.alias;
    const rows = await query
      .select([])
      .addSelect(`${s}.country`, 'pc')
      .addSelect(`upper(${s}.location_unlocode)`, 'pl')
      .addSelect('count(*)::int', 'pn')
      .addSelect(`sum(${s}.value_usd)`, 'pv')
      .groupBy('pc')
      .addGroupBy('pl')
      .getRawMany<{ pc: string; pl: string | null; pn: number | string; pv: number | string | null }>();
    return rows.map((row) => ({ country: row.pc, unlocode: row.pl, count: number(row.pn), value: numberOrNull(row.pv) }));
  }

  /**
   * For the compiling analyst: each report linked to the operation that they may read (retracted
   * ones aside), with whether each reader agency may read it and every reader each guarded field.
   */
  async withheld(ctx: RequestContext, operationId: string, readers: readonly ReportReaders[]): Promise<ReportWithheldRow[]> {
    const query = visibleSeizures(this.dataSource, ctx, { operationId });
    const s = query.alias;
    const params = new NamedParameters('wh');
    const on = this.target(s);
    query.select([]).addSelect(`${s}.tlp`, 'tlp');
    readers.forEach((agency, i) => query.addSelect(`(${agencyReadsInto(agency, on, params)})`, `a${i}`));
    REPORT_GUARDED_FIELDS.forEach((field, i) => query.addSelect(`(${audienceReadsFieldsInto(readers, [field], on, params)})`, `f${i}`));
    const rows = await query.setParameters(params.values).getRawMany<Record<string, unknown>>();
    return rows.map((row) => ({
      tlp: row.tlp as string,
      readableBy: readers.map((_a, i) => Boolean(row[`a${i}`])),
      fieldReadable: REPORT_GUARDED_FIELDS.map((_f, i) => Boolean(row[`f${i}`])),
    }));
  }

  /**
   * The rows a report is computed from, as a query over alias `s`: records in scope that every
   * reader may read, not retracted, never RED, with the columns of GUARDED_COLUMNS null where not
   * every reader may read them. Filtering and masking are SQL written by the CASL->SQL compiler
   * from the readers' abilities, as for every other read.
   */
  private source(readers: readonly ReportReaders[], scope: ReportScope): Source {
    const params = new NamedParameters('aud');
    const inner = 'src';
    const on = this.target(inner);
    const columns = [
      ...IDENTITY_COLUMNS.map((column) => `"${inner}"."${column}" AS "${column}"`),
      ...Object.entries(GUARDED_COLUMNS).map(([column, fields]) => `CASE WHEN ${audienceReadsFieldsInto(readers, fields, on, params)} THEN "${inner}"."${column}" END AS "${column}"`),
    ];
    const conditions = [
      ...scopeConditions(scope, inner, params),
      `"${inner}".status <> 'RETRACTED'`,
      `"${inner}".tlp <> ${params.add(REPORT_EXCLUDED_TLP)}`,
      audienceReadsInto(readers, on, params),
    ];
    const metadata = this.dataSource.getMetadata(SeizureEntity);
    const sql = `SELECT ${columns.join(', ')} FROM "${metadata.tableName}" "${inner}" WHERE (${conditions.join(') AND (')})`;
    return this.dataSource.createQueryBuilder().from(`(${sql})`, 's').setParameters(params.values) as Source;
  }

  private target(alias: string): SqlTarget {
    return { metadata: this.dataSource.getMetadata(SeizureEntity), dataSource: this.dataSource, alias };
  }
}

function scopeConditions(scope: ReportScope, a: string, p: SqlParameters): string[] {
  const conditions: string[] = [];
  if ('operationId' in scope) {
    conditions.push(`${a}.operation_id = ${p.add(scope.operationId)}`);
  } else {
    conditions.push(`${a}.reporting_agency IN (${scope.reportingAgencies.map((agency) => p.add(agency)).join(', ') || 'NULL'})`);
  }
  if (scope.seizedFrom) conditions.push(`${a}.seized_at >= ${p.add(scope.seizedFrom)}`);
  if (scope.seizedTo) conditions.push(`${a}.seized_at <= ${p.add(scope.seizedTo)}`);
  if ('commodityCategories' in scope) {
    conditions.push(`${a}.commodity_category IN (${scope.commodityCategories.map((category) => p.add(category)).join(', ') || 'NULL'})`);
  }
  return conditions;
}

/** "Every ability of this agency may read the row", as SQL. */
function agencyReadsInto(agency: ReportReaders, on: SqlTarget, params: SqlParameters): string {
  return agency.abilities.map((ability) => `(${accessConditionInto(ability, 'read', 'Seizure', on, params)})`).join(' AND ') || 'TRUE';
}

/** "Every reader may read the row", as SQL. */
function audienceReadsInto(readers: readonly ReportReaders[], on: SqlTarget, params: SqlParameters): string {
  if (!readers.length) return 'FALSE';
  return readers.map((agency) => `(${agencyReadsInto(agency, on, params)})`).join(' AND ');
}

/** "Every reader may read these fields of the row", as SQL. */
function audienceReadsFieldsInto(readers: readonly ReportReaders[], fields: readonly string[], on: SqlTarget, params: SqlParameters): string {
  if (!readers.length) return 'FALSE';
  const parts: string[] = [];
  for (const agency of readers) {
    for (const ability of agency.abilities) {
      for (const field of fields) parts.push(fieldPermittedInto(ability, 'read', 'Seizure', field, on, params));
    }
  }
  return `(${parts.join(' AND ')})`;
}
