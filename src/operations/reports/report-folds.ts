import {
  isoDate,
  roundMoney,
  roundQuantity,
  type ReportBucket,
  type TimelineWeek,
  type UnitTotal,
} from './report-content.js';

/**
 * The pure folds of the report compiler: SQL returns one row per (key, unit) and these turn the
 * rows into buckets. Kept apart from the queries so that they can be tested on their own.
 */

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** One row of a grouped query: count, quantity and value of one key in one unit. */
export interface GroupRow {
  key: string;
  unit: string;
  count: number;
  quantity: number;
  value: number | null;
}

export function emptyBucket(keys: string[]): ReportBucket {
  return { keys, count: 0, totalQuantity: null, quantityUnit: null, totalValue: null, quantities: [] };
}

/** Adds up rows of the same unit: quantities only ever add up within one unit. */
export function foldUnits(rows: GroupRow[]): UnitTotal[] {
  const byUnit = new Map<string, { count: number; quantity: number; value: number | null }>();
  for (const row of rows) {
    const sum = byUnit.get(row.unit) ?? { count: 0, quantity: 0, value: null };
    sum.count += row.count;
    sum.quantity += row.quantity;
    if (row.value != null) sum.value = (sum.value ?? 0) + row.value;
    byUnit.set(row.unit, sum);
  }
  return [...byUnit.entries()]
    .map(([unit, sum]) => ({ unit, count: sum.count, quantity: roundQuantity(sum.quantity), value: sum.value == null ? null : roundMoney(sum.value) }))
    .sort((a, b) => b.count - a.count || a.unit.localeCompare(b.unit));
}

/** One bucket over all the rows given: one quantity per unit, the SeizureStatBucket rules for mixed units. */
export function foldBucket(keys: string[], rows: GroupRow[]): ReportBucket {
  const quantities = foldUnits(rows);
  const values = rows.map((row) => row.value).filter((v): v is number => v != null);
  return {
    keys,
    count: rows.reduce((sum, row) => sum + row.count, 0),
    totalQuantity: quantities.length === 1 ? quantities[0].quantity : null,
    quantityUnit: quantities.length === 1 ? quantities[0].unit : null,
    totalValue: values.length ? roundMoney(values.reduce((a, b) => a + b, 0)) : null,
    quantities,
  };
}

/** Folds (key, unit) rows into one bucket per key. */
export function fold(rows: GroupRow[], keyOf: (row: GroupRow) => string): ReportBucket[] {
  const byKey = new Map<string, GroupRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  return [...byKey.entries()].map(([key, group]) => foldBucket([key], group));
}

/**
 * The totals from any one dimension's rows (every report has exactly one key per dimension): the
 * keys are dropped and the rows added up per unit, so there is one quantity per unit.
 */
export function foldTotals(rows: GroupRow[]): ReportBucket {
  return rows.length ? foldBucket([], rows) : emptyBucket([]);
}

export function sortByCount(buckets: ReportBucket[]): ReportBucket[] {
  return buckets.sort((a, b) => b.count - a.count || a.keys[0].localeCompare(b.keys[0]));
}

/** Week numbers become W1..Wn; linked reports seized outside the period fall in BEFORE or AFTER. */
export function weekLabel(week: number, weeks: number): string {
  if (week < 1) return 'BEFORE';
  if (week > weeks) return 'AFTER';
  return `W${week}`;
}

export function foldWeeks(rows: GroupRow[], weeks: number): ReportBucket[] {
  const rank = (label: string) => (label === 'BEFORE' ? 0 : label === 'AFTER' ? weeks + 1 : Number(label.slice(1)));
  return fold(rows, (row) => weekLabel(Number(row.key), weeks)).sort((a, b) => rank(a.keys[0]) - rank(b.keys[0]));
}

export function weeksOf(operation: { startsAt: Date; endsAt: Date }): number {
  return Math.max(1, Math.ceil((operation.endsAt.getTime() - operation.startsAt.getTime()) / WEEK_MS));
}

/** The operation's last day: `endsAt` is exclusive (midnight after the last day). */
export function lastDayOf(endsAt: Date): string {
  return isoDate(new Date(endsAt.getTime() - 1));
}

/** Weeks counted from the operation's start (W1 starts on its first day); the last may be short. */
export function timeline(operation: { startsAt: Date; endsAt: Date }, weeks: number, buckets: ReportBucket[]): TimelineWeek[] {
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
