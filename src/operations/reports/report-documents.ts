import {
  REPORT_DIMENSIONS,
  type NotableCase,
  type ReportBucket,
  type ReportContent,
  type ReportDimension,
} from './report-content.js';
import { ReportText } from './report-text.js';

/** Report documents made from the content alone: what is not in the content cannot leak into them. */

/** A Markdown table cell: recorded text brings no pipes, line breaks, links, code spans or HTML. */
function cell(value: string | number | null | undefined): string {
  if (value == null || value === '') return '–';
  return String(value)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\|[\]`]/g, (ch) => `\\${ch}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * The analyst's Markdown as written, with no HTML (angle brackets become entities) and its
 * headings moved below the report's own section level.
 */
export function analystMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .split('\n')
    .map((line) => line.replace(/^#{1,6}\s+/, '#### '))
    .join('\n')
    .trim();
}

function table(headers: string[], rows: (string | number | null)[][], align: ('l' | 'r')[] = [], none = '_None._'): string[] {
  if (rows.length === 0) return [none, ''];
  const rule = headers.map((_h, i) => (align[i] === 'r' ? '---:' : '---'));
  return [`| ${headers.map(cell).join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`), ''];
}

/** The report as a Markdown document, in its language: the same sections, in the same order, as the PDF. */
export function renderReportMarkdown(content: ReportContent): string {
  const x = new ReportText(content);
  const { operation: op, scope, totals, trends, modusOperandi: mo } = content;
  const none = `_${x.msg('word.none')}_`;
  const caseTable = (cases: NotableCase[]) =>
    table(
      [x.msg('col.reference'), x.msg('col.seized'), x.msg('col.country'), x.msg('col.commodity'), x.msg('col.quantity'), x.msg('col.valueShort'), x.msg('col.transport'), x.msg('col.concealment')],
      cases.map((c) => [...x.caseCells(c), x.transport(c.transportMode), x.concealment(c.concealment)]),
      ['l', 'l', 'l', 'l', 'r', 'r', 'l', 'l'],
      none,
    );
  const bucketTable = (dimension: ReportDimension, buckets: ReportBucket[]) =>
    table(
      [x.msg(`dim.${dimension}`), x.msg('col.seizures'), x.msg('col.quantity'), x.msg('col.valueShort')],
      buckets.map((b) => [x.key(dimension, b.keys[0] ?? ''), b.count, x.quantities(b.quantities), x.usd(b.totalValue)]),
      ['l', 'r', 'l', 'r'],
      none,
    );
  const narrative = (title: string, text: string | null) => (text ? [`## ${title}`, '', analystMarkdown(text), ''] : []);

  const lines: string[] = [
    `# ${x.msg('report.heading', { codeName: op.codeName, version: scope.version })}`,
    '',
    `**${x.tlp}** · ${x.msg('report.compiledLine', { date: scope.compiledAt.replace('T', ' ').slice(0, 16), agency: x.agencyShort(scope.compiledFor) })}`,
    '',
    ...narrative(x.msg('section.executiveSummary'), content.narrative?.executiveSummary ?? null),
    `## ${x.msg('section.scope')}`,
    '',
    `- **${x.msg('field.marking')}:** ${x.tlp}`,
    `- **${x.msg('field.focus')}:** ${cell(op.focus)}`,
    `- **${x.msg('field.period')}:** ${x.period()}`,
    `- **${x.msg('field.lead')}:** ${x.agency(op.leadAgency)}`,
    `- **${x.msg('field.participants')}:** ${op.participants.map((p) => x.agency(p)).join(', ')}`,
    `- **${x.msg('field.reportsCovered')}:** ${scope.seizures}`,
    ...x.scopeNotes().map((note) => `- ${note}`),
    '',
    `## ${x.msg('section.totals')}`,
    '',
    ...table(
      [x.msg('col.seizures'), x.msg('col.value'), x.msg('col.countries'), x.msg('col.agencies')],
      [[totals.count, x.usd(totals.totalValue), totals.countries, totals.reportingAgencies]],
      ['r', 'r', 'r', 'r'],
    ),
    `### ${x.msg('section.quantityPerUnit')}`,
    '',
    ...table(
      [x.msg('col.unit'), x.msg('col.seizures'), x.msg('col.quantity'), x.msg('col.valueShort')],
      totals.quantities.map((q) => [x.unit(q.unit), q.count, x.t.number(q.quantity), x.usd(q.value)]),
      ['l', 'r', 'r', 'r'],
      none,
    ),
    `## ${x.msg('section.comparison')}`,
    '',
    x.comparisonText(),
    '',
    `## ${x.msg('section.timeline')}`,
    '',
    x.weeksNote(),
    '',
    ...table(
      [x.msg('col.week'), x.msg('col.from'), x.msg('col.to'), x.msg('col.seizures'), x.msg('col.valueShort')],
      content.timeline.map((w) => [x.week(w.week), x.date(w.from), x.date(w.to), w.count, x.usd(w.totalValue)]),
      ['l', 'l', 'l', 'r', 'r'],
    ),
    `## ${x.msg('section.map')}`,
    '',
    ...table(
      [x.msg('col.place'), x.msg('col.country'), x.msg('col.seizures'), x.msg('col.valueShort')],
      content.map.points.map((p) => [p.label === p.country ? x.country(p.country) : p.label, x.country(p.country), p.count, x.usd(p.totalValue)]),
      ['l', 'l', 'r', 'r'],
      none,
    ),
    `## ${x.msg('section.breakdowns')}`,
    '',
  ];
  for (const dimension of REPORT_DIMENSIONS) {
    const buckets = content.breakdowns.find((b) => b.dimension === dimension)?.buckets ?? [];
    lines.push(`### ${x.msg('section.by', { dimension: x.msg(`dim.${dimension}`).toLowerCase() })}`, '', ...bucketTable(dimension, buckets));
  }
  lines.push(
    `## ${x.msg('section.notable')}`,
    '',
    `### ${x.msg('section.notableByValue')}`,
    '',
    ...caseTable(content.notableCases.byValue),
    `### ${x.msg('section.notableByFirearms')}`,
    '',
    ...caseTable(content.notableCases.byFirearms),
    `## ${x.msg('section.trends')}`,
    '',
    x.trendsText(),
    '',
    ...table(
      [x.msg('col.commodityCategory'), x.msg('col.before'), x.msg('col.during'), x.msg('col.change')],
      trends.byCommodity.map((t) => [x.t.word('commodity', t.commodityCategory), t.before, t.during, x.change(t.changePercent, t.before)]),
      ['l', 'r', 'r', 'r'],
      none,
    ),
    `## ${x.msg('section.mo')}`,
    '',
    `### ${x.msg('section.moConcealment')}`,
    '',
    ...table(
      [x.msg('col.concealment'), x.msg('col.transport'), x.msg('col.seizures'), x.msg('col.valueShort')],
      mo.concealmentByTransport.map((p) => [x.concealment(p.concealment), x.transport(p.transportMode), p.count, x.usd(p.totalValue)]),
      ['l', 'l', 'r', 'r'],
      none,
    ),
    `### ${x.msg('section.moRoutes')}`,
    '',
    ...table([x.msg('col.route'), x.msg('col.seizures'), x.msg('col.valueShort')], mo.routes.map((r) => [x.route(r.origin, r.destination), r.count, x.usd(r.totalValue)]), ['l', 'r', 'r'], none),
    `## ${x.msg('section.outcomes')}`,
    '',
    x.msg('outcomes.intro'),
    '',
  );
  const recorded = (content.outcomes ?? []).filter((o) => o.recorded);
  if (recorded.length) {
    const sum = (field: 'arrests' | 'casesOpened' | 'prosecutions' | 'controlledDeliveries' | 'followUpActions') => recorded.reduce((a, o) => a + o[field], 0);
    lines.push(
      `### ${x.msg('outcomes.total')} (${recorded.length}/${content.outcomes.length})`,
      '',
      ...table(
        [x.msg('col.arrests'), x.msg('col.casesOpened'), x.msg('col.prosecutions'), x.msg('col.controlledDeliveries'), x.msg('col.followUpActions')],
        [[sum('arrests'), sum('casesOpened'), sum('prosecutions'), sum('controlledDeliveries'), sum('followUpActions')]],
        ['r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  for (const outcome of content.outcomes ?? []) {
    lines.push(`### ${x.agency(outcome.agency)}`, '');
    if (!outcome.recorded) {
      lines.push(`_${x.msg('outcomes.none')}_`, '');
      continue;
    }
    lines.push(
      ...table(
        [x.msg('col.arrests'), x.msg('col.casesOpened'), x.msg('col.prosecutions'), x.msg('col.controlledDeliveries'), x.msg('col.followUpActions')],
        [[outcome.arrests, outcome.casesOpened, outcome.prosecutions, outcome.controlledDeliveries, outcome.followUpActions]],
        ['r', 'r', 'r', 'r', 'r'],
      ),
    );
    if (outcome.notes) lines.push(`> ${cell(outcome.notes)}`, '');
  }
  lines.push(...narrative(x.msg('section.assessment'), content.narrative?.assessment ?? null));
  return `${lines.join('\n').trimEnd()}\n`;
}

export const REPORT_CSV_HEADER = ['dimension', 'key', 'count', 'total_quantity', 'unit', 'total_value_usd', 'label'] as const;

/**
 * Text a spreadsheet may take for a formula: a sign first, also after blanks or a line break, or in
 * its full-width form (which some spreadsheets read as the ASCII one).
 */
export const FORMULA_LIKE = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/;

/** RFC 4180 field; text that a spreadsheet would run as a formula is prefixed with a quote. */
function csvField(value: string | number | null): string {
  if (value == null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_LIKE.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per dimension, key and unit (quantities only add up within a unit), the totals first
 * as dimension TOTAL, one row per unit; the key as recorded (codes, for machines) and its label in
 * the report's language.
 */
export function renderReportCsv(content: ReportContent): string {
  const x = new ReportText(content);
  const rows: (string | number | null)[][] = [[...REPORT_CSV_HEADER]];
  const unitRows = (dimension: string, key: string, label: string, bucket: ReportBucket) => {
    for (const q of bucket.quantities) rows.push([dimension, key, q.count, q.quantity, q.unit, q.value, label]);
  };
  unitRows('TOTAL', '', '', content.totals);
  for (const breakdown of content.breakdowns) {
    for (const bucket of breakdown.buckets) unitRows(breakdown.dimension, bucket.keys[0] ?? '', x.key(breakdown.dimension, bucket.keys[0] ?? ''), bucket);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
