import type { Language } from '../../i18n/catalog.js';
import type { StatBucket } from '../../seizures/data/seizure-search.service.js';
import type { ReportMarking } from './report-marking.js';

/**
 * What a compiled operation report holds (the `content` jsonb column, and what publishing signs).
 * Only non-nominal facts and aggregates: never persons, narratives, companies, identifiers,
 * conveyance identifiers or coordinates.
 */
export const REPORT_CONTENT_FORMAT = 'windward.operation-report/3';
/*
 * 2: with the analyst's assessment. 3: compiled for an audience that reads as if no report were
 * released to anyone (report-audience.ts). Versions of an earlier format are neither reviewed,
 * published nor compared with: their content may depend on what the audience may not read.
 */

/** Breakdown dimensions, in the order the documents show them. */
export const REPORT_DIMENSIONS = ['COUNTRY', 'COMMODITY_CATEGORY', 'TRANSPORT_MODE', 'DETECTION_METHOD', 'CONCEALMENT', 'LOCATION', 'WEEK'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export const REPORT_DIMENSION_TITLES: Record<ReportDimension, string> = {
  COUNTRY: 'Country',
  COMMODITY_CATEGORY: 'Commodity category',
  TRANSPORT_MODE: 'Transport mode',
  DETECTION_METHOD: 'Detection method',
  CONCEALMENT: 'Concealment',
  LOCATION: 'Location',
  WEEK: 'Week of the operation',
};

/** One unit's share of a bucket: quantities only add up within a unit. */
export interface UnitTotal {
  unit: string;
  count: number;
  quantity: number;
  /** Sum of estimated values in US dollars; null when none of them has a value. */
  value: number | null;
}

/** A SeizureStatBucket plus the quantity of each unit in it. */
export interface ReportBucket extends StatBucket {
  quantities: UnitTotal[];
}

export interface ReportBreakdown {
  dimension: ReportDimension;
  buckets: ReportBucket[];
}

export interface ReportTotals extends ReportBucket {
  countries: number;
  reportingAgencies: number;
}

export interface TimelineWeek {
  week: string;
  /** First and last day (UTC, inclusive) of the week, counted from the operation's start. */
  from: string;
  to: string;
  count: number;
  totalValue: number | null;
}

export interface NotableCase {
  reference: string;
  reportingAgency: string;
  seizedOn: string;
  country: string;
  commodityCategory: string;
  commodityType: string | null;
  quantity: number;
  unit: string;
  valueUsd: number | null;
  transportMode: string;
  concealment: string | null;
}

export interface TrendRow {
  commodityCategory: string;
  before: number;
  during: number;
  /** Null when there was nothing before (a new category, not a percentage). */
  changePercent: number | null;
}

export interface ReportTrends {
  /** The period before the operation, as long as the operation (inclusive ISO dates). */
  before: { from: string; to: string; count: number };
  during: { from: string; to: string; count: number };
  changePercent: number | null;
  byCommodity: TrendRow[];
}

export interface ConcealmentPattern {
  concealment: string;
  transportMode: string;
  count: number;
  totalValue: number | null;
}

export interface RoutePattern {
  origin: string | null;
  destination: string | null;
  count: number;
  totalValue: number | null;
}

/** What one participating administration recorded during follow-up: counts and a short non-nominal note. */
export interface ParticipantOutcome {
  agency: string;
  recorded: boolean;
  arrests: number;
  casesOpened: number;
  prosecutions: number;
  controlledDeliveries: number;
  followUpActions: number;
  notes: string | null;
  recordedAt: string | null;
}

/** The figures of the report it is compared with: the previous version, or the previous operation of the same focus. */
export interface ReportComparison {
  kind: 'PREVIOUS_VERSION' | 'PREVIOUS_OPERATION';
  version: number;
  codeName: string;
  from: string;
  to: string;
  count: number;
  totalValue: number | null;
  byCommodity: { commodityCategory: string; count: number; totalValue: number | null }[];
}

/** A place on the map: a port or airport known by UN/LOCODE, else the country. */
export interface MapPoint {
  label: string;
  country: string;
  latitude: number;
  longitude: number;
  count: number;
  totalValue: number | null;
}

/** The analyst's own words, in Markdown, written on the compiled report before publication. */
export interface ReportNarrative {
  executiveSummary: string | null;
  assessment: string | null;
  writtenAt: string | null;
  writtenByAgency: string | null;
}

export interface ReportContent {
  format: typeof REPORT_CONTENT_FORMAT;
  /** The language of the computed text (the analyst's text is as written). */
  language: Language;
  marking: ReportMarking;
  /** Names for the codes the report uses: countries (in the report's language) and agencies. */
  names: { countries: Record<string, string>; agencies: Record<string, string> };
  narrative: ReportNarrative;
  outcomes: ParticipantOutcome[];
  comparison: ReportComparison | null;
  map: { points: MapPoint[] };
  operation: {
    id: string;
    codeName: string;
    focus: string;
    tlp: string;
    status: string;
    leadAgency: string;
    participants: string[];
    startsAt: string;
    endsAt: string;
    /** The last day of the operation (endsAt is the exclusive end). */
    lastDay: string;
  };
  scope: {
    version: number;
    compiledAt: string;
    /** The agency whose analyst's access the compilation used. */
    compiledFor: string;
    seizures: number;
    weeks: number;
    notes: string[];
  };
  totals: ReportTotals;
  breakdowns: ReportBreakdown[];
  timeline: TimelineWeek[];
  notableCases: { byValue: NotableCase[]; byFirearms: NotableCase[] };
  trends: ReportTrends;
  modusOperandi: { concealmentByTransport: ConcealmentPattern[]; routes: RoutePattern[] };
}

/** The statistics bucket of GraphQL's SeizureStatBucket (without the per-unit detail). */
export function toStatBucket(bucket: StatBucket): StatBucket {
  return { keys: bucket.keys, count: bucket.count, totalQuantity: bucket.totalQuantity, quantityUnit: bucket.quantityUnit, totalValue: bucket.totalValue };
}

export const EMPTY_TOTALS: StatBucket = { keys: [], count: 0, totalQuantity: null, quantityUnit: null, totalValue: null };

export function roundMoney(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Sums of doubles pick up noise (0.1 + 0.2); quantities are shown to six decimals at most. */
export function roundQuantity(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Percentage change, one decimal; null when there is no base to compare with. */
export function changePercent(before: number, during: number): number | null {
  if (before === 0) return null;
  return Math.round(((during - before) / before) * 1000) / 10;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
