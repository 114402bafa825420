import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { AgencyEntity } from '../../agencies/agency.entity.js';
import type { RequestContext } from '../../access/request-context.js';
import { NamedParameters } from '../../access/sql-parameters.js';
import { translator, type Language } from '../../i18n/catalog.js';
import { SeizureSearchService } from '../../seizures/data/seizure-search.service.js';
import { SeizureEntity } from '../../seizures/data/seizure.entity.js';
import type { Tlp } from '../../seizures/seizure.enums.js';
import { OperationOutcomeEntity } from './operation-outcome.entity.js';
import { OperationReportEntity } from './operation-report.entity.js';
import { OperationEntity } from '../operation.entity.js';
import { agencyReadsInto, audienceReadsFieldsInto, audienceReadsInto, type AudienceAgency } from './report-audience.js';
import {
  REPORT_CONTENT_FORMAT,
  REPORT_DIMENSIONS,
  changePercent,
  isoDate,
  roundMoney,
  roundQuantity,
  type MapPoint,
  type NotableCase,
  type ParticipantOutcome,
  type ReportBreakdown,
  type ReportBucket,
  type ReportComparison,
  type ReportContent,
  type ReportDimension,
  type ReportTrends,
} from './report-content.js';
import { WEEK_MS, fold, foldTotals, foldWeeks, lastDayOf, sortByCount, timeline, weeksOf, type GroupRow } from './report-folds.js';
import { seizurePlace } from './report-map.js';
import { reportMarking } from './report-marking.js';
import { TLPS } from '../../seizures/seizure.enums.js';

export { weekLabel, weeksOf } from './report-folds.js';
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
  /** The language of the computed text. */
  language: Language;
  /** The analyst's marking, when more restrictive than the content requires. */
  requestedTlp: Tlp | null;
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
      totals ??= foldTotals(rows);
    }
    const spread = await this.spread(linked());
    const marking = reportMarking(operation.tlp, await this.tlps(linked()), request.requestedTlp);
    const notableCases = {
      byValue: await this.notable(linked(), (q, s) => q.andWhere(`${s}.value_usd IS NOT NULL`).orderBy(`${s}.value_usd`, 'DESC')),
      byFirearms: await this.notable(linked(), (q, s) =>
        q.andWhere(`${s}.commodity_category = 'FIREARMS' AND ${s}.quantity_unit IN ('ITEMS', 'PIECES')`).orderBy(`${s}.quantity_value`, 'DESC'),
      ),
    };
    const modusOperandi = { concealmentByTransport: await this.concealmentPatterns(linked()), routes: await this.routes(linked()) };
    const countryCodes = new Set<string>([
      ...(breakdowns.find((b) => b.dimension === 'COUNTRY')?.buckets ?? []).map((b) => b.keys[0]),
      ...[...notableCases.byValue, ...notableCases.byFirearms].map((c) => c.country),
      ...modusOperandi.routes.flatMap((r) => [r.origin, r.destination]).filter((c): c is string => c != null),
    ]);

    return {
      format: REPORT_CONTENT_FORMAT,
      language: request.language,
      marking,
      names: await this.names(request.language, [...countryCodes], [operation.leadAgency, ...operation.participants, ...notableCases.byValue.map((c) => c.reportingAgency), ...notableCases.byFirearms.map((c) => c.reportingAgency)]),
      narrative: { executiveSummary: null, assessment: null, writtenAt: null, writtenByAgency: null },
      outcomes: await this.outcomes(operation),
      comparison: await this.comparison(operation, request),
      map: { points: await this.mapPoints(linked()) },
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
        lastDay: lastDayOf(operation.endsAt),
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
      totals: { ...(totals ?? foldTotals([])), keys: [], ...spread },
      breakdowns,
      timeline: timeline(operation, weeks, breakdowns.find((b) => b.dimension === 'WEEK')?.buckets ?? []),
      notableCases,
      trends: await this.trends(audience, operation, linked, (breakdowns.find((b) => b.dimension === 'COMMODITY_CATEGORY')?.buckets ?? []).map((b) => b.keys[0])),
      modusOperandi,
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

  /** The TLPs of the reports the report covers: its marking is at least the most restrictive of them. */
  private async tlps(query: Seizures): Promise<Tlp[]> {
    const s = query.alias;
    const rows = await query.select([]).addSelect(`${s}.tlp`, 'tt').groupBy('tt').getRawMany<{ tt: string }>();
    return rows.map((row) => row.tt).filter((tlp): tlp is Tlp => (TLPS as readonly string[]).includes(tlp));
  }

  /** Countries in the report's language; agencies as the directory names them. */
  private async names(language: Language, countryCodes: string[], agencyCodes: string[]): Promise<ReportContent['names']> {
    const t = translator(language);
    const agencies = await this.dataSource.getRepository(AgencyEntity).createQueryBuilder('a')
      .select(['a.code', 'a.name'])
      .where('a.code IN (:...codes)', { codes: [...new Set(agencyCodes), ''] })
      .getMany();
    return {
      countries: Object.fromEntries([...new Set(countryCodes)].sort().map((code) => [code, t.country(code)])),
      agencies: Object.fromEntries(agencies.sort((a, b) => a.code.localeCompare(b.code)).map((a) => [a.code, a.name])),
    };
  }

  /** One entry per participant, in the order of the participants: what each recorded in follow-up. */
  private async outcomes(operation: OperationEntity): Promise<ParticipantOutcome[]> {
    const recorded = await this.dataSource.getRepository(OperationOutcomeEntity).findBy({ operationId: operation.id });
    return operation.participants.map((agency) => {
      const row = recorded.find((r) => r.agencyCode === agency);
      return {
        agency,
        recorded: row != null,
        arrests: row?.arrests ?? 0,
        casesOpened: row?.casesOpened ?? 0,
        prosecutions: row?.prosecutions ?? 0,
        controlledDeliveries: row?.controlledDeliveries ?? 0,
        followUpActions: row?.followUpActions ?? 0,
        notes: row?.notes ?? null,
        recordedAt: row ? row.recordedAt.toISOString() : null,
      };
    });
  }

  /**
   * What to compare with: the previous compiled version of this report, else the newest published
   * report of the previous operation with the same lead and focus; in both cases only one compiled
   * for an audience that includes all of this one's (so every reader of this report could read it).
   */
  private async comparison(operation: OperationEntity, request: CompileRequest): Promise<ReportComparison | null> {
    const reports = this.dataSource.getRepository(OperationReportEntity);
    // Only a version compiled for every one of this version's readers (at least): its content was
    // what all of them could read, so comparing with it discloses nothing more to any of them.
    const previous = await reports.createQueryBuilder('r')
      .select(['r.id', 'r.version', 'r.content'])
      .where('r.operation_id = :operationId AND r.version < :version', { operationId: operation.id, version: request.version })
      .andWhere('r.status IN (:...statuses)', { statuses: ['READY', 'APPROVED', 'REJECTED', 'PUBLISHED'] })
      .andWhere('r.audience @> CAST(:audience AS text[])', { audience: request.audience.map((a) => a.agency) })
      .orderBy('r.version', 'DESC')
      .getOne();
    if (previous?.content) return comparisonOf('PREVIOUS_VERSION', previous.version, previous.content as unknown as ReportContent);
    // The previous operation's newest published report that was for every one of this report's readers.
    const report = await reports.createQueryBuilder('r')
      .innerJoin(OperationEntity, 'o', 'o.id = r.operation_id')
      .select(['r.id', 'r.version', 'r.content'])
      .where("r.status = 'PUBLISHED' AND r.audience @> CAST(:audience AS text[])", { audience: request.audience.map((a) => a.agency) })
      .andWhere('o.id <> :id AND o.lead_agency = :lead AND lower(o.focus) = lower(:focus) AND o.ends_at <= :startsAt', {
        id: operation.id, lead: operation.leadAgency, focus: operation.focus, startsAt: operation.startsAt,
      })
      .orderBy('o.ends_at', 'DESC')
      .addOrderBy('r.version', 'DESC')
      .getOne();
    return report?.content ? comparisonOf('PREVIOUS_OPERATION', report.version, report.content as unknown as ReportContent) : null;
  }

  /** Seizures per place: the port or airport by UN/LOCODE where the map data knows it, else the country. */
  private async mapPoints(query: Seizures): Promise<MapPoint[]> {
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
    const points = new Map<string, MapPoint>();
    for (const row of rows) {
      const place = seizurePlace(row.pl, row.pc);
      if (!place) continue;
      const key = `${place.latitude},${place.longitude}`;
      const point = points.get(key) ?? { label: place.label ?? row.pc, country: row.pc, latitude: place.latitude, longitude: place.longitude, count: 0, totalValue: null };
      point.count += Number(row.pn);
      if (row.pv != null) point.totalValue = roundMoney((point.totalValue ?? 0) + Number(row.pv));
      points.set(key, point);
    }
    return [...points.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
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

  /**
   * The reports the report covers that were seized in the operation period, against the
   * participants' reports of the same commodity categories in the equally long period before
   * (there was no operation to link them to then); both only what every reader may read.
   */
  private async trends(audience: readonly AudienceAgency[], operation: OperationEntity, linked: () => Seizures, focusCategories: string[]): Promise<ReportTrends> {
    const length = operation.endsAt.getTime() - operation.startsAt.getTime();
    const beforeFrom = new Date(operation.startsAt.getTime() - length);
    const beforeTo = new Date(operation.startsAt.getTime() - 1);
    const duringTo = new Date(operation.endsAt.getTime() - 1);
    const byCategory = async (from: Date, to: Date, during: boolean) => {
      let query: Seizures;
      if (during) {
        query = linked();
        query.andWhere(`${query.alias}.seized_at >= :trendFrom AND ${query.alias}.seized_at <= :trendTo`, { trendFrom: from, trendTo: to });
      } else {
        query = this.source(audience, (a, p) => [
          `${a}.reporting_agency IN (${operation.participants.map((agency) => p.add(agency)).join(', ') || 'NULL'})`,
          `${a}.seized_at >= ${p.add(from)}`,
          `${a}.seized_at <= ${p.add(to)}`,
          `${a}.commodity_category IN (${focusCategories.map((category) => p.add(category)).join(', ') || 'NULL'})`,
        ]);
      }
      const s = query.alias;
      const rows = await query
        .select([])
        .addSelect(`${s}.commodity_category`, 'tc')
        .addSelect('count(*)::int', 'tn')
        .groupBy('tc')
        .getRawMany<{ tc: string; tn: number | string }>();
      return new Map(rows.map((row) => [row.tc, Number(row.tn)]));
    };
    const before = focusCategories.length ? await byCategory(beforeFrom, beforeTo, false) : new Map<string, number>();
    const during = await byCategory(operation.startsAt, duringTo, true);
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

/** The figures of an earlier report to compare with. */
function comparisonOf(kind: ReportComparison['kind'], version: number, content: ReportContent): ReportComparison {
  const byCommodity = content.breakdowns.find((b) => b.dimension === 'COMMODITY_CATEGORY')?.buckets ?? [];
  return {
    kind,
    version,
    codeName: content.operation.codeName,
    from: content.operation.startsAt.slice(0, 10),
    to: content.operation.lastDay ?? isoDate(new Date(new Date(content.operation.endsAt).getTime() - 1)),
    count: content.totals.count,
    totalValue: content.totals.totalValue,
    byCommodity: byCommodity.map((b) => ({ commodityCategory: b.keys[0], count: b.count, totalValue: b.totalValue })),
  };
}
