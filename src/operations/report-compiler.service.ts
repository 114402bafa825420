import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import type { RequestContext } from '../auth/request-context.js';
import { NamedParameters } from '../database/sql-parameters.js';
import { SeizureSearchService } from '../seizures/seizure-search.service.js';
import { SeizureEntity } from '../seizures/seizure.entity.js';
import type { Tlp } from '../seizures/seizure.enums.js';
import type { OperationEntity } from './operation.entity.js';
import { agencyReadsInto, audienceReadsFieldsInto, audienceReadsInto, type AudienceAgency } from './report-audience.js';
import {
  REPORT_CONTENT_FORMAT,
  REPORT_DIMENSIONS,
  changePercent,
  isoDate,
  roundMoney,
  roundQuantity,
  type NotableCase,
  type ReportBreakdown,
  type ReportBucket,
  type ReportContent,
  type ReportDimension,
  type ReportTrends,
  type TimelineWeek,
  type UnitTotal,
} from './report-content.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const TOP_CASES = 5;
const TOP_PATTERNS = 10;
/** TLP:RED forbids derived products (domain.md §4): RED reports never enter a compiled report. */
const EXCLUDED_TLP: Tlp = 'RED';
/**
 * Notable cases name single reports, and a published report reaches every participant: only the
 * labels the operation rule shares with participants may be named there.
 */
const NAMEABLE_TLPS: Tlp[] = ['CLEAR', 'GREEN', 'AMBER'];

/** A query over the report's source rows (alias `s`): see ReportCompilerService.source. */
type Seizures = SelectQueryBuilder<Record<string, unknown>>;

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
/** Disclosed with every record the reader may see (SEIZURE_IDENTITY_FIELDS). */
const IDENTITY_COLUMNS = ['id', 'reference', 'reporting_agency', 'tlp', 'seized_at', 'country', 'commodity_category', 'commodity_type', 'quantity_value', 'quantity_unit', 'transport_mode', 'detection_method'];

/** Why a linked report the compiling analyst can see is not in the report (OperationReport.withheld). */
export interface WithheldReason {
  reason: 'TLP_RED' | 'NOT_READABLE_BY_EVERY_READER';
  /** For NOT_READABLE_BY_EVERY_READER: the audience agencies that may not read these reports. */
  agencies: string[];
  count: number;
}

/**
 * What the compiling analyst alone is told about what was left out: counted only over linked
 * reports the analyst may read, so it tells them nothing they could not read themselves.
 */
export interface WithheldSummary {
  /** Linked reports (not retracted) the analyst may read. */
  linkedVisibleToAnalyst: number;
  included: number;
  withheld: number;
  reasons: WithheldReason[];
  /** Included reports with a field left out because not every reader may read it. */
  fields: { field: string; count: number }[];
}

interface GroupRow {
  key: string;
  unit: string;
  count: number;
  quantity: number;
  value: number | null;
}

/** SQL of each breakdown key over the seizures alias; WEEK is the 1-based week of the operation. */
const DIMENSION_SQL: Record<ReportDimension, (alias: string) => string> = {
  COUNTRY: (s) => `${s}.country`,
  COMMODITY_CATEGORY: (s) => `${s}.commodity_category`,
  TRANSPORT_MODE: (s) => `${s}.transport_mode`,
  DETECTION_METHOD: (s) => `${s}.detection_method`,
  CONCEALMENT: (s) => `coalesce(nullif(btrim(${s}.concealment), ''), '')`,
  LOCATION: (s) => `coalesce(nullif(btrim(${s}.location_name), ''), ${s}.location_unlocode, '')`,
  WEEK: (s) => `(floor(extract(epoch from (${s}.seized_at - CAST(:reportWeekStart AS timestamptz))) / ${WEEK_MS / 1000}) + 1)::int`,
};

export interface CompileRequest {
  operation: OperationEntity;
  version: number;
  compiledAt: Date;
  /** Who will read the report (ReportAudienceService): it is compiled only from what all of them may read. */
  audience: AudienceAgency[];
}

/**
 * Computes a report's content for its audience. Every query reads the source rows of `source()`:
 * only records every reader may read (the intersection of the readers' abilities, compiled to SQL
 * by the CASL->SQL compiler), with each field that not every reader may read set to null, and
 * only non-nominal columns. The requesting analyst's own access plays no part in the content.
 */
@Injectable()
export class ReportCompilerService {
  constructor(
    private readonly search: SeizureSearchService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async compile(ctx: RequestContext, request: CompileRequest): Promise<ReportContent> {
    const { operation, audience } = request;
    const weeks = weeksOf(operation);
    const linked = () => this.source(audience, (s, p) => [`${s}.operation_id = ${p.add(operation.id)}`]).setParameter('reportWeekStart', operation.startsAt);

    const breakdowns: ReportBreakdown[] = [];
    let totals: ReportBucket | undefined;
    for (const dimension of REPORT_DIMENSIONS) {
      const rows = await this.grouped(linked(), DIMENSION_SQL[dimension]);
      const buckets = dimension === 'WEEK' ? foldWeeks(rows, weeks) : sortByCount(fold(rows, (row) => row.key));
      breakdowns.push({ dimension, buckets });
      // Every report has exactly one key per dimension, so any dimension's rows also give the totals.
      totals ??= fold(rows, () => '')[0];
    }
    const spread = await this.spread(linked());

    return {
      format: REPORT_CONTENT_FORMAT,
      operation: {
        id: operation.id,
        codeName: operation.codeName,
        focus: operation.focus,
        tlp: operation.tlp,
        status: operation.status,
        leadAgency: operation.leadAgency,
        participants: [...operation.participants],
        startsAt: operation.startsAt.toISOString(),
        endsAt: operation.endsAt.toISOString(),
      },
      scope: {
        version: request.version,
        compiledAt: request.compiledAt.toISOString(),
        compiledFor: ctx.principal.agencyCode,
        seizures: totals?.count ?? 0,
        weeks,
        notes: [
          `Covers only the reports linked to the operation, and only the fields of them, that every agency it is for (${audience.map((a) => a.agency).join(', ')}) could read when the report was compiled.`,
          'TLP:RED reports are never included, and no nominal data (persons, narratives, companies, identifiers) is used.',
          'Notable cases name only reports shared with every participant (TLP:CLEAR, TLP:GREEN or TLP:AMBER).',
          'Quantities are added up within one unit only; values are estimates in US dollars.',
        ],
      },
      totals: { ...(totals ?? emptyBucket([])), keys: [], ...spread },
      breakdowns,
      timeline: timeline(operation, weeks, breakdowns.find((b) => b.dimension === 'WEEK')?.buckets ?? []),
      notableCases: {
        byValue: await this.notable(linked(), (q, s) => q.andWhere(`${s}.value_usd IS NOT NULL`).orderBy(`${s}.value_usd`, 'DESC')),
        byFirearms: await this.notable(linked(), (q, s) =>
          q.andWhere(`${s}.commodity_category = 'FIREARMS' AND ${s}.quantity_unit IN ('ITEMS', 'PIECES')`).orderBy(`${s}.quantity_value`, 'DESC'),
        ),
      },
      trends: await this.trends(audience, operation),
      modusOperandi: {
        concealmentByTransport: await this.concealmentPatterns(linked()),
        routes: await this.routes(linked()),
      },
    };
  }

  /**
   * The rows a report is computed from, as a query over alias `s`: records matching `where` that
   * every reader of the audience may read, not retracted, never RED, with the columns of
   * GUARDED_COLUMNS null where not every reader may read them. Filtering and masking are SQL
   * written by the CASL->SQL compiler from the readers' abilities, as for every other read.
   */
  source(audience: readonly AudienceAgency[], where: (alias: string, params: NamedParameters) => string[]): Seizures {
    const params = new NamedParameters('aud');
    const inner = 'src';
    const on = { dataSource: this.dataSource, alias: inner };
    const columns = [
      ...IDENTITY_COLUMNS.map((column) => `"${inner}"."${column}" AS "${column}"`),
      ...Object.entries(GUARDED_COLUMNS).map(([column, fields]) => `CASE WHEN ${audienceReadsFieldsInto(audience, fields, on, params)} THEN "${inner}"."${column}" END AS "${column}"`),
    ];
    const conditions = [
      ...where(inner, params),
      `"${inner}".status <> 'RETRACTED'`,
      `"${inner}".tlp <> ${params.add(EXCLUDED_TLP)}`,
      audienceReadsInto(audience, on, params),
    ];
    const metadata = this.dataSource.getMetadata(SeizureEntity);
    const sql = `SELECT ${columns.join(', ')} FROM "${metadata.tableName}" "${inner}" WHERE (${conditions.join(') AND (')})`;
    return this.dataSource.createQueryBuilder().from(`(${sql})`, 's').setParameters(params.values) as Seizures;
  }

  /**
   * For the compiling analyst: the linked reports they may read that the report leaves out, and
   * why, and how many included reports had fields left out. Never part of the report's content.
   */
  async withheld(ctx: RequestContext, operation: OperationEntity, audience: readonly AudienceAgency[]): Promise<WithheldSummary> {
    const query = this.search.visible(ctx, { operationId: operation.id });
    const s = query.alias;
    const params = new NamedParameters('wh');
    const on = { dataSource: this.dataSource, alias: s };
    query.select([]).addSelect(`${s}.tlp`, 'tlp');
    audience.forEach((agency, i) => query.addSelect(`(${agencyReadsInto(agency, on, params)})`, `a${i}`));
    const fields = [...new Set(Object.values(GUARDED_COLUMNS).flat())];
    fields.forEach((field, i) => query.addSelect(`(${audienceReadsFieldsInto(audience, [field], on, params)})`, `f${i}`));
    const rows = await query.setParameters(params.values).getRawMany<Record<string, unknown>>();
    const reasons = new Map<string, WithheldReason>();
    const fieldCounts = new Map<string, number>();
    let included = 0;
    for (const row of rows) {
      const unreadableBy = audience.filter((_a, i) => !row[`a${i}`]).map((a) => a.agency);
      let reason: WithheldReason | null = null;
      if (row.tlp === EXCLUDED_TLP) reason = { reason: 'TLP_RED', agencies: [], count: 0 };
      else if (unreadableBy.length) reason = { reason: 'NOT_READABLE_BY_EVERY_READER', agencies: unreadableBy, count: 0 };
      if (reason) {
        const key = `${reason.reason}:${reason.agencies.join(',')}`;
        const kept = reasons.get(key) ?? reason;
        kept.count += 1;
        reasons.set(key, kept);
        continue;
      }
      included += 1;
      fields.forEach((field, i) => {
        if (!row[`f${i}`]) fieldCounts.set(field, (fieldCounts.get(field) ?? 0) + 1);
      });
    }
    return {
      linkedVisibleToAnalyst: rows.length,
      included,
      withheld: rows.length - included,
      reasons: [...reasons.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.agencies.join().localeCompare(b.agencies.join())),
      fields: [...fieldCounts.entries()].map(([field, count]) => ({ field, count })).sort((a, b) => b.count - a.count || a.field.localeCompare(b.field)),
    };
  }

  /** Count, quantity and value per (key, unit): quantities of different units never add up. */
  private async grouped(query: Seizures, key: (alias: string) => string): Promise<GroupRow[]> {
    const s = query.alias;
    const rows = await query
      .select([])
      .addSelect(key(s), 'rk')
      .addSelect(`${s}.quantity_unit`, 'ru')
      .addSelect('count(*)::int', 'rc')
      .addSelect(`sum(${s}.quantity_value)`, 'rq')
      .addSelect(`sum(${s}.value_usd)`, 'rv')
      .groupBy('rk')
      .addGroupBy('ru')
      .getRawMany<{ rk: string | number | null; ru: string; rc: number | string; rq: number | string; rv: number | string | null }>();
    return rows.map((row) => ({
      key: row.rk == null ? '' : String(row.rk).trim(),
      unit: row.ru,
      count: Number(row.rc),
      quantity: Number(row.rq),
      value: row.rv == null ? null : Number(row.rv),
    }));
  }

  private async spread(query: Seizures): Promise<{ countries: number; reportingAgencies: number }> {
    const s = query.alias;
    const row = await query
      .select([])
      .addSelect(`count(DISTINCT ${s}.country)::int`, 'countries')
      .addSelect(`count(DISTINCT ${s}.reporting_agency)::int`, 'agencies')
      .getRawOne<{ countries: number | string; agencies: number | string }>();
    return { countries: Number(row?.countries ?? 0), reportingAgencies: Number(row?.agencies ?? 0) };
  }

  private async notable(query: Seizures, order: (query: Seizures, alias: string) => Seizures): Promise<NotableCase[]> {
    const s = query.alias;
    query.andWhere(`${s}.tlp IN (:...reportNameable)`, { reportNameable: NAMEABLE_TLPS }).select([]);
    for (const column of ['reference', 'reporting_agency', 'seized_at', 'country', 'commodity_category', 'commodity_type', 'quantity_value', 'quantity_unit', 'value_usd', 'transport_mode', 'concealment']) {
      query.addSelect(`${s}.${column}`, column);
    }
    const rows = await order(query, s).addOrderBy(`${s}.seized_at`, 'ASC').addOrderBy(`${s}.id`, 'ASC').limit(TOP_CASES).getRawMany<NotableRow>();
    return rows.map((row) => ({
      reference: row.reference,
      reportingAgency: row.reporting_agency,
      seizedOn: isoDate(new Date(row.seized_at)),
      country: row.country.trim(),
      commodityCategory: row.commodity_category,
      commodityType: row.commodity_type,
      quantity: roundQuantity(Number(row.quantity_value)),
      unit: row.quantity_unit,
      valueUsd: row.value_usd == null ? null : roundMoney(Number(row.value_usd)),
      transportMode: row.transport_mode,
      concealment: row.concealment?.trim() || null,
    }));
  }

  /** The participants' reports in the operation period against the equally long period before (what every reader may read). */
  private async trends(audience: readonly AudienceAgency[], operation: OperationEntity): Promise<ReportTrends> {
    const length = operation.endsAt.getTime() - operation.startsAt.getTime();
    const beforeFrom = new Date(operation.startsAt.getTime() - length);
    const beforeTo = new Date(operation.startsAt.getTime() - 1);
    const duringTo = new Date(operation.endsAt.getTime() - 1);
    const byCategory = async (from: Date, to: Date) => {
      const query = this.source(audience, (a, p) => [
        `${a}.reporting_agency IN (${operation.participants.map((agency) => p.add(agency)).join(', ') || 'NULL'})`,
        `${a}.seized_at >= ${p.add(from)}`,
        `${a}.seized_at <= ${p.add(to)}`,
      ]);
      const s = query.alias;
      const rows = await query
        .select([])
        .addSelect(`${s}.commodity_category`, 'tc')
        .addSelect('count(*)::int', 'tn')
        .groupBy('tc')
        .getRawMany<{ tc: string; tn: number | string }>();
      return new Map(rows.map((row) => [row.tc, Number(row.tn)]));
    };
    const before = await byCategory(beforeFrom, beforeTo);
    const during = await byCategory(operation.startsAt, duringTo);
    const categories = [...new Set([...before.keys(), ...during.keys()])];
    const byCommodity = categories
      .map((category) => {
        const b = before.get(category) ?? 0;
        const d = during.get(category) ?? 0;
        return { commodityCategory: category, before: b, during: d, changePercent: changePercent(b, d) };
      })
      .sort((x, y) => y.during - x.during || y.before - x.before || x.commodityCategory.localeCompare(y.commodityCategory));
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    return {
      before: { from: isoDate(beforeFrom), to: isoDate(beforeTo), count: sum(before) },
      during: { from: isoDate(operation.startsAt), to: isoDate(duringTo), count: sum(during) },
      changePercent: changePercent(sum(before), sum(during)),
      byCommodity,
    };
  }

  private async concealmentPatterns(query: Seizures) {
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
      .limit(TOP_PATTERNS)
      .getRawMany<{ mc: string; mt: string; mn: number | string; mv: number | string | null }>();
    return rows.map((row) => ({ concealment: row.mc, transportMode: row.mt, count: Number(row.mn), totalValue: money(row.mv) }));
  }

  private async routes(query: Seizures) {
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
      .limit(TOP_PATTERNS)
      .getRawMany<{ ro: string | null; rd: string | null; rn: number | string; rv: number | string | null }>();
    return rows.map((row) => ({ origin: row.ro?.trim() || null, destination: row.rd?.trim() || null, count: Number(row.rn), totalValue: money(row.rv) }));
  }
}

interface NotableRow {
  reference: string;
  reporting_agency: string;
  seized_at: Date | string;
  country: string;
  commodity_category: string;
  commodity_type: string | null;
  quantity_value: number | string;
  quantity_unit: string;
  value_usd: number | string | null;
  transport_mode: string;
  concealment: string | null;
}

function money(value: number | string | null): number | null {
  return value == null ? null : roundMoney(Number(value));
}

export function weeksOf(operation: Pick<OperationEntity, 'startsAt' | 'endsAt'>): number {
  return Math.max(1, Math.ceil((operation.endsAt.getTime() - operation.startsAt.getTime()) / WEEK_MS));
}

function emptyBucket(keys: string[]): ReportBucket {
  return { keys, count: 0, totalQuantity: null, quantityUnit: null, totalValue: null, quantities: [] };
}

/** Folds (key, unit) rows into one bucket per key, with the SeizureStatBucket rules for mixed units. */
function fold(rows: GroupRow[], keyOf: (row: GroupRow) => string): ReportBucket[] {
  const byKey = new Map<string, GroupRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  return [...byKey.entries()].map(([key, group]) => {
    const quantities: UnitTotal[] = group
      .map((row) => ({ unit: row.unit, count: row.count, quantity: roundQuantity(row.quantity), value: row.value == null ? null : roundMoney(row.value) }))
      .sort((a, b) => b.count - a.count || a.unit.localeCompare(b.unit));
    const values = group.map((row) => row.value).filter((v): v is number => v != null);
    return {
      keys: [key],
      count: group.reduce((sum, row) => sum + row.count, 0),
      totalQuantity: quantities.length === 1 ? quantities[0].quantity : null,
      quantityUnit: quantities.length === 1 ? quantities[0].unit : null,
      totalValue: values.length ? roundMoney(values.reduce((a, b) => a + b, 0)) : null,
      quantities,
    };
  });
}

function sortByCount(buckets: ReportBucket[]): ReportBucket[] {
  return buckets.sort((a, b) => b.count - a.count || a.keys[0].localeCompare(b.keys[0]));
}

/** Week numbers become W1..Wn; linked reports seized outside the period fall in BEFORE or AFTER. */
export function weekLabel(week: number, weeks: number): string {
  if (week < 1) return 'BEFORE';
  if (week > weeks) return 'AFTER';
  return `W${week}`;
}

function foldWeeks(rows: GroupRow[], weeks: number): ReportBucket[] {
  const rank = (label: string) => (label === 'BEFORE' ? 0 : label === 'AFTER' ? weeks + 1 : Number(label.slice(1)));
  return fold(rows, (row) => weekLabel(Number(row.key), weeks)).sort((a, b) => rank(a.keys[0]) - rank(b.keys[0]));
}

function timeline(operation: OperationEntity, weeks: number, buckets: ReportBucket[]): TimelineWeek[] {
  const start = operation.startsAt.getTime();
  const last = operation.endsAt.getTime() - 1;
  return Array.from({ length: weeks }, (_, i) => {
    const bucket = buckets.find((b) => b.keys[0] === `W${i + 1}`);
    const from = start + i * WEEK_MS;
    return {
      week: `W${i + 1}`,
      from: isoDate(new Date(from)),
      to: isoDate(new Date(Math.min(from + WEEK_MS - 1, last))),
      count: bucket?.count ?? 0,
      totalValue: bucket?.totalValue ?? null,
    };
  });
}
