import {
  REPORT_DIMENSION_TITLES,
  type NotableCase,
  type ReportBucket,
  type ReportContent,
  type UnitTotal,
} from './report-content.js';

/** Report documents made from the content alone: what is not in the content cannot leak into them. */

const NOT_RECORDED = '(not recorded)';

/** A Markdown table cell: recorded text brings no pipes, line breaks, links, code spans or HTML. */
function cell(value: string | number | null | undefined): string {
  if (value == null || value === '') return '–';
  return String(value)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\|[\]`]/g, (ch) => `\\${ch}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function table(headers: string[], rows: (string | number | null)[][], align: ('l' | 'r')[] = []): string[] {
  if (rows.length === 0) return ['_None._', ''];
  const rule = headers.map((_h, i) => (align[i] === 'r' ? '---:' : '---'));
  return [`| ${headers.map(cell).join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`), ''];
}

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export function formatUsd(value: number | null): string {
  return value == null ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatQuantities(quantities: UnitTotal[]): string {
  return quantities.map((q) => `${formatNumber(q.quantity)} ${q.unit}`).join('; ');
}

export function keyLabel(key: string): string {
  return key === '' ? NOT_RECORDED : key;
}

export function formatChange(change: number | null, before: number): string {
  if (change == null) return before === 0 ? 'new' : '–';
  return `${change > 0 ? '+' : ''}${change.toFixed(1)}%`;
}

export function formatRoute(origin: string | null, destination: string | null): string {
  return `${origin ?? '?'} → ${destination ?? '?'}`;
}

function caseRows(cases: NotableCase[]): (string | number | null)[][] {
  return cases.map((c) => [
    c.reference,
    c.seizedOn,
    c.country,
    c.commodityType ? `${c.commodityCategory} (${c.commodityType})` : c.commodityCategory,
    `${formatNumber(c.quantity)} ${c.unit}`,
    formatUsd(c.valueUsd),
    c.transportMode,
    c.concealment,
  ]);
}

function bucketRows(buckets: ReportBucket[]): (string | number | null)[][] {
  return buckets.map((b) => [keyLabel(b.keys[0] ?? ''), b.count, formatQuantities(b.quantities), formatUsd(b.totalValue)]);
}

/** The report as a Markdown document: scope, totals, breakdowns, notable cases, trends, MO. */
export function renderReportMarkdown(content: ReportContent): string {
  const { operation: op, scope, totals, trends, modusOperandi: mo } = content;
  const lines: string[] = [
    `# Operation ${op.codeName}: report, version ${scope.version}`,
    '',
    `**TLP:${op.tlp.replace('_', '+')}** · compiled ${scope.compiledAt} for ${scope.compiledFor} analysts`,
    '',
    '## Scope',
    '',
    `- **Focus:** ${cell(op.focus)}`,
    `- **Period:** ${op.startsAt.slice(0, 10)} to ${op.endsAt.slice(0, 10)} (${scope.weeks} week${scope.weeks === 1 ? '' : 's'}), status ${op.status}`,
    `- **Lead agency:** ${op.leadAgency}`,
    `- **Participants:** ${op.participants.join(', ')}`,
    `- **Reports covered:** ${scope.seizures}`,
    ...scope.notes.map((note) => `- ${note}`),
    '',
    '## Totals',
    '',
    ...table(
      ['Seizures', 'Estimated value (USD)', 'Countries', 'Reporting agencies'],
      [[totals.count, formatUsd(totals.totalValue), totals.countries, totals.reportingAgencies]],
      ['r', 'r', 'r', 'r'],
    ),
    '### Quantity per unit',
    '',
    ...table(['Unit', 'Seizures', 'Quantity', 'Value (USD)'], totals.quantities.map((q) => [q.unit, q.count, formatNumber(q.quantity), formatUsd(q.value)]), ['l', 'r', 'r', 'r']),
    '## Breakdowns',
    '',
  ];
  for (const breakdown of content.breakdowns) {
    const title = REPORT_DIMENSION_TITLES[breakdown.dimension];
    lines.push(`### By ${title.toLowerCase()}`, '', ...table([title, 'Seizures', 'Quantity', 'Value (USD)'], bucketRows(breakdown.buckets), ['l', 'r', 'l', 'r']));
  }
  lines.push(
    '## Weekly time line',
    '',
    ...table(['Week', 'From', 'To', 'Seizures', 'Value (USD)'], content.timeline.map((w) => [w.week, w.from, w.to, w.count, formatUsd(w.totalValue)]), ['l', 'l', 'l', 'r', 'r']),
    '## Notable cases',
    '',
    '### Highest estimated value',
    '',
    ...table(['Reference', 'Seized', 'Country', 'Commodity', 'Quantity', 'Value (USD)', 'Transport', 'Concealment'], caseRows(content.notableCases.byValue)),
    '### Most firearms',
    '',
    ...table(['Reference', 'Seized', 'Country', 'Commodity', 'Quantity', 'Value (USD)', 'Transport', 'Concealment'], caseRows(content.notableCases.byFirearms)),
    '## Trends',
    '',
    `Reports of the participating agencies: ${trends.during.count} in the operation period (${trends.during.from} to ${trends.during.to}) against ${trends.before.count} in the equally long period before (${trends.before.from} to ${trends.before.to}), ${formatChange(trends.changePercent, trends.before.count)}.`,
    '',
    ...table(
      ['Commodity category', 'Before', 'During', 'Change'],
      trends.byCommodity.map((t) => [t.commodityCategory, t.before, t.during, formatChange(t.changePercent, t.before)]),
      ['l', 'r', 'r', 'r'],
    ),
    '## Modus operandi',
    '',
    '### Concealment by transport mode',
    '',
    ...table(['Concealment', 'Transport mode', 'Seizures', 'Value (USD)'], mo.concealmentByTransport.map((p) => [p.concealment, p.transportMode, p.count, formatUsd(p.totalValue)]), ['l', 'l', 'r', 'r']),
    '### Routes',
    '',
    ...table(['Route (origin → destination)', 'Seizures', 'Value (USD)'], mo.routes.map((r) => [formatRoute(r.origin, r.destination), r.count, formatUsd(r.totalValue)]), ['l', 'r', 'r']),
  );
  return `${lines.join('\n').trimEnd()}\n`;
}

export const REPORT_CSV_HEADER = ['dimension', 'key', 'count', 'total_quantity', 'unit', 'total_value_usd'] as const;

/** RFC 4180 field; text that a spreadsheet would run as a formula is prefixed with a quote. */
function csvField(value: string | number | null): string {
  if (value == null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per dimension, key and unit (quantities only add up within a unit), the totals first
 * as dimension TOTAL.
 */
export function renderReportCsv(content: ReportContent): string {
  const rows: (string | number | null)[][] = [[...REPORT_CSV_HEADER]];
  const unitRows = (dimension: string, key: string, bucket: ReportBucket) => {
    for (const q of bucket.quantities) rows.push([dimension, key, q.count, q.quantity, q.unit, q.value]);
  };
  unitRows('TOTAL', '', content.totals);
  for (const breakdown of content.breakdowns) {
    for (const bucket of breakdown.buckets) unitRows(breakdown.dimension, bucket.keys[0] ?? '', bucket);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
