import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import type { RequestContext } from '../auth/request-context.js';
import { SeizureSearchService } from '../seizures/seizure-search.service.js';
import type { SeizureEntity } from '../seizures/seizure.entity.js';
import type { Tlp } from '../seizures/seizure.enums.js';
import type { OperationEntity } from './operation.entity.js';
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

type Seizures = SelectQueryBuilder<SeizureEntity>;

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
}

/**
 * Computes a report's content with the requesting analyst's context. Every query starts from
 * SeizureSearchService.visible(), so the analyst's access rules are in each WHERE; only
 * non-nominal columns are ever selected.
 */
@Injectable()
export class ReportCompilerService {
  constructor(private readonly search: SeizureSearchService) {}

  async compile(ctx: RequestContext, request: CompileRequest): Promise<ReportContent> {
    const { operation } = request;
    const weeks = weeksOf(operation);
    const linked = () => this.withoutRed(this.search.visible(ctx, { operationId: operation.id })).setParameter('reportWeekStart', operation.startsAt);

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
          `Covers the reports linked to the operation that analysts of ${ctx.principal.agencyCode} could see when the report was compiled.`,
          'TLP:RED reports are never included, and no nominal data (persons, narratives, companies, identifiers) is used.',
          'Notable cases name only reports shared with every participant (TLP:CLEAR, TLP:GREEN or TLP:AMBER).',
          'Quantities are added up within one unit only; values are estimates in US dollars.',
        ],
      },
      totals: { ...(totals ?? emptyBucket([])), keys: [], ...spread },
      breakdowns,
      timeline: timeline(operation, weeks, breakdowns.find((b) => b.dimension === 'WEEK')?.buckets ?? []),
      notableCases: {
        byValue: await this.notable(linked(), (q, s) => q.andWhere(`${s}.value_usd IS NOT NULL`).orderBy(`${s}.valueUsd`, 'DESC')),
        byFirearms: await this.notable(linked(), (q, s) =>
          q.andWhere(`${s}.commodity_category = 'FIREARMS' AND ${s}.quantity_unit IN ('ITEMS', 'PIECES')`).orderBy(`${s}.quantityValue`, 'DESC'),
        ),
      },
      trends: await this.trends(ctx, operation),
      modusOperandi: {
        concealmentByTransport: await this.concealmentPatterns(linked()),
        routes: await this.routes(linked()),
      },
    };
  }

  private withoutRed(query: Seizures): Seizures {
    return query.andWhere(`${query.alias}.tlp <> :reportExcludedTlp`, { reportExcludedTlp: EXCLUDED_TLP });
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
    query
      .andWhere(`${s}.tlp IN (:...reportNameable)`, { reportNameable: NAMEABLE_TLPS })
      .select([`${s}.id`, `${s}.reference`, `${s}.reportingAgency`, `${s}.seizedAt`, `${s}.country`, `${s}.commodityCategory`, `${s}.commodityType`])
      .addSelect([`${s}.quantityValue`, `${s}.quantityUnit`, `${s}.valueUsd`, `${s}.transportMode`, `${s}.concealment`]);
    const rows = await order(query, s).addOrderBy(`${s}.seizedAt`, 'ASC').addOrderBy(`${s}.id`, 'ASC').limit(TOP_CASES).getMany();
    return rows.map((row) => ({
      reference: row.reference,
      reportingAgency: row.reportingAgency,
      seizedOn: isoDate(row.seizedAt),
      country: row.country,
      commodityCategory: row.commodityCategory,
      commodityType: row.commodityType,
      quantity: roundQuantity(row.quantityValue),
      unit: row.quantityUnit,
      valueUsd: row.valueUsd == null ? null : roundMoney(row.valueUsd),
      transportMode: row.transportMode,
      concealment: row.concealment?.trim() || null,
    }));
  }

  /** The participants' reports in the operation period against the equally long period before. */
  private async trends(ctx: RequestContext, operation: OperationEntity): Promise<ReportTrends> {
    const length = operation.endsAt.getTime() - operation.startsAt.getTime();
    const beforeFrom = new Date(operation.startsAt.getTime() - length);
    const beforeTo = new Date(operation.startsAt.getTime() - 1);
    const duringTo = new Date(operation.endsAt.getTime() - 1);
    const byCategory = async (from: Date, to: Date) => {
      const query = this.withoutRed(this.search.visible(ctx, { reportingAgencies: operation.participants, seizedFrom: from, seizedTo: to }));
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
