import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgencyEntity } from '../../agencies/agency.entity.js';
import type { RequestContext } from '../../access/request-context.js';
import { translator, type Language } from '../../i18n/catalog.js';
import { REPORT_EXCLUDED_TLP, REPORT_GUARDED_FIELDS, SeizureReportAggregates, type ReportScope } from '../../seizures/data/seizure-report-aggregates.js';
import type { Tlp } from '../../seizures/seizure.enums.js';
import { OperationOutcomeEntity } from './operation-outcome.entity.js';
import { OperationReportEntity } from './operation-report.entity.js';
import { OperationEntity } from '../operation.entity.js';
import { ReportAudienceService, type AudienceAgency } from './report-audience.js';
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
  type ReportTrends,
} from './report-content.js';
import { fold, foldTotals, foldWeeks, lastDayOf, sortByCount, timeline, weeksOf } from './report-folds.js';
import { seizurePlace } from './report-map.js';
import { reportMarking } from './report-marking.js';
import { COMMODITY_CATEGORIES, TLPS } from '../../seizures/seizure.enums.js';

export { weekLabel, weeksOf } from './report-folds.js';
const TOP_CASES = 5;
const TOP_PATTERNS = 10;
/**
 * Notable cases name single reports, and a published report reaches every participant: only the
 * labels the operation rule shares with participants may be named there.
 */
const NAMEABLE_TLPS: Tlp[] = ['CLEAR', 'GREEN', 'AMBER'];

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
 * Computes a report's content for its audience. Every figure comes from SeizureReportAggregates,
 * which reads only records every reader may read (the intersection of the readers' abilities,
 * compiled to SQL by the CASL->SQL compiler), with each field that not every reader may read set
 * to null, and only non-nominal columns. The requesting analyst's own access plays no part in the
 * content. This service folds those rows and words the report.
 */
@Injectable()
export class ReportCompilerService {
  constructor(
    private readonly aggregates: SeizureReportAggregates,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audiences: ReportAudienceService,
  ) {}

  async compile(ctx: RequestContext, request: CompileRequest): Promise<ReportContent> {
    const { operation, audience } = request;
    const weeks = weeksOf(operation);
    const linked: ReportScope = { operationId: operation.id };

    const breakdowns: ReportBreakdown[] = [];
    let totals: ReportBucket | undefined;
    for (const dimension of REPORT_DIMENSIONS) {
      const rows = await this.aggregates.grouped(audience, linked, dimension, operation.startsAt);
      const buckets = dimension === 'WEEK' ? foldWeeks(rows, weeks) : sortByCount(fold(rows, (row) => row.key));
      breakdowns.push({ dimension, buckets });
      // Every report has exactly one key per dimension, so any dimension's rows also give the totals.
      totals ??= foldTotals(rows);
    }
    const spread = await this.aggregates.spread(audience, linked);
    const tlps = (await this.aggregates.tlps(audience, linked)).filter((tlp): tlp is Tlp => (TLPS as readonly string[]).includes(tlp));
    const marking = reportMarking(operation.tlp, tlps, request.requestedTlp);
    const notableCases = {
      byValue: await this.notable(audience, linked, 'VALUE'),
      byFirearms: await this.notable(audience, linked, 'FIREARMS'),
    };
    const modusOperandi = { concealmentByTransport: await this.concealmentPatterns(audience, linked), routes: await this.routes(audience, linked) };
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
      map: { points: await this.mapPoints(audience, linked) },
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
      trends: await this.trends(audience, operation, (breakdowns.find((b) => b.dimension === 'COMMODITY_CATEGORY')?.buckets ?? []).map((b) => b.keys[0])),
      modusOperandi,
    };
  }

  /**
   * What a report of this operation is computed from, for this audience as the records and the
   * audience's access stand now (ids and fingerprint): taken at compilation, and at publication for
   * the compiled rows (`only`) to compare.
   */
  async sources(operation: TrendedOperation, audience: readonly AudienceAgency[], only?: readonly string[]): Promise<{ ids: string[]; digest: string }> {
    const linked = await this.aggregates.sources(audience, { operationId: operation.id }, only);
    // The trends count the participants' reports of the period before too (of every category:
    // which ones they name is known only from the content).
    const before = await this.aggregates.sources(audience, { ...periodBefore(operation), reportingAgencies: operation.participants, commodityCategories: COMMODITY_CATEGORIES }, only);
    if (before.ids.length === 0) return linked;
    return { ids: [...new Set([...linked.ids, ...before.ids])], digest: createHash('sha256').update(`${linked.digest}\n${before.digest}`).digest('hex') };
  }

  /**
   * Whether a compiled version's rows are still what its audience reads of them (publication's
   * check): false for one compiled before versions kept their sources.
   */
  async sourcesUnchanged(operation: TrendedOperation, report: Pick<OperationReportEntity, 'leadAgency' | 'audience' | 'sourceIds' | 'sourceDigest'>): Promise<boolean> {
    if (!report.sourceIds || !report.sourceDigest) return false;
    const audience = await this.audiences.of({ leadAgency: report.leadAgency, participants: report.audience });
    return (await this.sources(operation, audience, report.sourceIds)).digest === report.sourceDigest;
  }

  /**
   * For the compiling analyst: the linked reports they may read that the report leaves out, and
   * why, and how many included reports had fields left out. Never part of the report's content.
   */
  async withheld(ctx: RequestContext, operation: OperationEntity, audience: readonly AudienceAgency[]): Promise<WithheldSummary> {
    const rows = await this.aggregates.withheld(ctx, operation.id, audience);
    const reasons = new Map<string, WithheldReason>();
    const fieldCounts = new Map<string, number>();
    let included = 0;
    for (const row of rows) {
      const unreadableBy = audience.filter((_a, i) => !row.readableBy[i]).map((a) => a.agency);
      let reason: WithheldReason | null = null;
      if (row.tlp === REPORT_EXCLUDED_TLP) reason = { reason: 'TLP_RED', agencies: [], count: 0 };
      else if (unreadableBy.length) reason = { reason: 'NOT_READABLE_BY_EVERY_READER', agencies: unreadableBy, count: 0 };
      if (reason) {
        const key = `${reason.reason}:${reason.agencies.join(',')}`;
        const kept = reasons.get(key) ?? reason;
        kept.count += 1;
        reasons.set(key, kept);
        continue;
      }
      included += 1;
      REPORT_GUARDED_FIELDS.forEach((field, i) => {
        if (!row.fieldReadable[i]) fieldCounts.set(field, (fieldCounts.get(field) ?? 0) + 1);
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
    const versions = await reports.createQueryBuilder('r')
      .select(['r.id', 'r.version', 'r.status', 'r.leadAgency', 'r.audience', 'r.operationId', 'r.sourceIds', 'r.sourceDigest'])
      .where('r.operation_id = :operationId AND r.version < :version', { operationId: operation.id, version: request.version })
      .andWhere('r.status IN (:...statuses)', { statuses: ['READY', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'PUBLISHED'] })
      .andWhere('r.audience @> CAST(:audience AS text[])', { audience: request.audience.map((a) => a.agency) })
      // An unpublished version of an earlier format was compiled under other rules (REPORT_CONTENT_FORMAT).
      .andWhere("(r.status = 'PUBLISHED' OR r.content->>'format' = :format)", { format: REPORT_CONTENT_FORMAT })
      .orderBy('r.version', 'DESC')
      .getMany();
    for (const version of versions) {
      // An unpublished version's figures never reached the audience: only while publishing it would
      // still pass (its rows read by its audience as they were) may this one quote them, else a
      // report retracted or raised to RED since would show in the difference.
      if (version.status !== 'PUBLISHED' && !(await this.sourcesUnchanged(operation, version))) continue;
      const previous = await reports.findOne({ where: { id: version.id }, select: { id: true, version: true, content: true } });
      if (previous?.content) return comparisonOf('PREVIOUS_VERSION', previous.version, previous.content as unknown as ReportContent);
    }
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
  private async mapPoints(audience: readonly AudienceAgency[], scope: ReportScope): Promise<MapPoint[]> {
    const points = new Map<string, MapPoint>();
    for (const row of await this.aggregates.places(audience, scope)) {
      const place = seizurePlace(row.unlocode, row.country);
      if (!place) continue;
      const key = `${place.latitude},${place.longitude}`;
      const point = points.get(key) ?? { label: place.label ?? row.country, country: row.country, latitude: place.latitude, longitude: place.longitude, count: 0, totalValue: null };
      point.count += row.count;
      if (row.value != null) point.totalValue = roundMoney((point.totalValue ?? 0) + row.value);
      points.set(key, point);
    }
    return [...points.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  }

  private async notable(audience: readonly AudienceAgency[], scope: ReportScope, by: 'VALUE' | 'FIREARMS'): Promise<NotableCase[]> {
    const rows = await this.aggregates.topCases(audience, scope, by, NAMEABLE_TLPS, TOP_CASES);
    return rows.map((row) => ({
      reference: row.reference,
      reportingAgency: row.reportingAgency,
      seizedOn: isoDate(row.seizedAt),
      country: row.country.trim(),
      commodityCategory: row.commodityCategory,
      commodityType: row.commodityType,
      quantity: roundQuantity(row.quantityValue),
      unit: row.quantityUnit,
      valueUsd: money(row.valueUsd),
      transportMode: row.transportMode,
      concealment: row.concealment?.trim() || null,
    }));
  }

  /**
   * The reports the report covers that were seized in the operation period, against the
   * participants' reports of the same commodity categories in the equally long period before
   * (there was no operation to link them to then); both only what every reader may read.
   */
  private async trends(audience: readonly AudienceAgency[], operation: OperationEntity, focusCategories: string[]): Promise<ReportTrends> {
    const { seizedFrom: beforeFrom, seizedTo: beforeTo } = periodBefore(operation);
    const duringTo = new Date(operation.endsAt.getTime() - 1);
    const before = focusCategories.length
      ? await this.aggregates.countByCategory(audience, { reportingAgencies: operation.participants, commodityCategories: focusCategories, seizedFrom: beforeFrom, seizedTo: beforeTo })
      : new Map<string, number>();
    const during = await this.aggregates.countByCategory(audience, { operationId: operation.id, seizedFrom: operation.startsAt, seizedTo: duringTo });
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

  private async concealmentPatterns(audience: readonly AudienceAgency[], scope: ReportScope) {
    const rows = await this.aggregates.concealmentPatterns(audience, scope, TOP_PATTERNS);
    return rows.map((row) => ({ concealment: row.concealment, transportMode: row.transportMode, count: row.count, totalValue: money(row.totalValue) }));
  }

  private async routes(audience: readonly AudienceAgency[], scope: ReportScope) {
    const rows = await this.aggregates.routes(audience, scope, TOP_PATTERNS);
    return rows.map((row) => ({ origin: row.origin?.trim() || null, destination: row.destination?.trim() || null, count: row.count, totalValue: money(row.totalValue) }));
  }
}

/** What a report's sources are taken of: the operation, its participants and its period. */
type TrendedOperation = Pick<OperationEntity, 'id' | 'participants' | 'startsAt' | 'endsAt'>;

/** The period before the operation that its trends compare with: as long as the operation. */
function periodBefore(operation: Pick<OperationEntity, 'startsAt' | 'endsAt'>): { seizedFrom: Date; seizedTo: Date } {
  const length = operation.endsAt.getTime() - operation.startsAt.getTime();
  return { seizedFrom: new Date(operation.startsAt.getTime() - length), seizedTo: new Date(operation.startsAt.getTime() - 1) };
}

function money(value: number | null): number | null {
  return value == null ? null : roundMoney(value);
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
