import PDFDocument from 'pdfkit';
import {
  REPORT_DIMENSION_TITLES,
  type NotableCase,
  type ReportBucket,
  type ReportContent,
  type ReportDimension,
} from './report-content.js';
import { formatChange, formatNumber, formatQuantities, formatUsd, keyLabel } from './report-documents.js';

type Doc = InstanceType<typeof PDFDocument>;

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const INK = '#1f2933';
const MUTED = '#616e7c';
const RULE = '#cbd2d9';
const SHADE = '#f0f4f8';
const ACCENT = '#1d4e89';
const ACCENT_2 = '#2f8f83';
const ACCENT_3 = '#c26d1a';
const TLP_COLOURS: Record<string, string> = { CLEAR: '#ffffff', GREEN: '#33ff00', AMBER: '#ffc000', AMBER_STRICT: '#ffc000', RED: '#ff2b2b' };
const ROW = 15;
const TOP_ITEMS = 10;

/**
 * The standard PDF fonts only know WinAnsi: other characters (from recorded free text) would come
 * out as garbage, so they are replaced; arrows get an ASCII form.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function pdfText(value: string): string {
  return Array.from(value.replace(/→/g, '->').replace(/[\r\n\t]+/g, ' '))
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch) ? ch : '?';
    })
    .join('');
}

/**
 * The report as a PDF, drawn with PDFKit's built-in fonts (nothing to install, no browser): cover
 * block, totals, bar charts by country and by commodity, the weekly time line, then the tables.
 * Streams are left uncompressed: the file stays small, and its text stays searchable as is.
 */
export async function renderReportPdf(content: ReportContent): Promise<Buffer> {
  const { operation: op, scope } = content;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 60, left: 50, right: 50 },
    compress: false,
    bufferPages: true,
    info: {
      Title: pdfText(`Operation ${op.codeName} report, version ${scope.version}`),
      Author: 'Windward',
      Subject: pdfText(`TLP:${op.tlp.replace('_', '+')} operation report`),
      CreationDate: new Date(scope.compiledAt),
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  new ReportPdfWriter(doc, content).write();
  doc.end();
  return finished;
}

class ReportPdfWriter {
  private readonly left: number;
  private readonly width: number;

  constructor(
    private readonly doc: Doc,
    private readonly content: ReportContent,
  ) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  write(): void {
    const { content } = this;
    this.cover();
    this.section('Totals');
    this.keyFigures();
    this.table(
      [
        { header: 'Unit', width: 165 },
        { header: 'Seizures', width: 110, align: 'right' },
        { header: 'Quantity', width: 110, align: 'right' },
        { header: 'Value (USD)', width: 110, align: 'right' },
      ],
      content.totals.quantities.map((q) => [q.unit, String(q.count), formatNumber(q.quantity), formatUsd(q.value)]),
    );
    this.section('Seizures by country');
    this.barChart(this.buckets('COUNTRY'), ACCENT);
    this.section('Seizures by commodity category');
    this.barChart(this.buckets('COMMODITY_CATEGORY'), ACCENT_2);
    this.section('Weekly time line');
    this.timeline();
    for (const dimension of ['COUNTRY', 'COMMODITY_CATEGORY', 'TRANSPORT_MODE', 'DETECTION_METHOD', 'CONCEALMENT', 'LOCATION', 'WEEK'] as const) {
      this.section(`By ${REPORT_DIMENSION_TITLES[dimension].toLowerCase()}`);
      this.table(
        [
          { header: REPORT_DIMENSION_TITLES[dimension], width: 165 },
          { header: 'Seizures', width: 70, align: 'right' },
          { header: 'Quantity', width: 160 },
          { header: 'Value (USD)', width: 100, align: 'right' },
        ],
        this.buckets(dimension).map((b) => [keyLabel(b.keys[0] ?? ''), String(b.count), formatQuantities(b.quantities), formatUsd(b.totalValue)]),
      );
    }
    this.section('Notable cases: highest estimated value');
    this.cases(content.notableCases.byValue);
    this.section('Notable cases: most firearms');
    this.cases(content.notableCases.byFirearms);
    this.trends();
    this.section('Modus operandi: concealment by transport mode');
    this.table(
      [
        { header: 'Concealment', width: 205 },
        { header: 'Transport mode', width: 120 },
        { header: 'Seizures', width: 70, align: 'right' },
        { header: 'Value (USD)', width: 100, align: 'right' },
      ],
      content.modusOperandi.concealmentByTransport.map((p) => [p.concealment, p.transportMode, String(p.count), formatUsd(p.totalValue)]),
    );
    this.section('Modus operandi: routes');
    this.table(
      [
        { header: 'Origin -> destination', width: 325 },
        { header: 'Seizures', width: 70, align: 'right' },
        { header: 'Value (USD)', width: 100, align: 'right' },
      ],
      content.modusOperandi.routes.map((r) => [`${r.origin ?? '?'} -> ${r.destination ?? '?'}`, String(r.count), formatUsd(r.totalValue)]),
    );
    this.footers();
  }

  private buckets(dimension: ReportDimension): ReportBucket[] {
    return this.content.breakdowns.find((b) => b.dimension === dimension)?.buckets ?? [];
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  private ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
    this.doc.x = this.left;
  }

  private say(text: string, x: number, y: number, options: { width?: number; align?: 'left' | 'right' | 'center'; font?: string; size?: number; color?: string } = {}): void {
    this.doc
      .font(options.font ?? FONT)
      .fontSize(options.size ?? 8.5)
      .fillColor(options.color ?? INK)
      .text(this.fit(pdfText(text), options.width), x, y, { width: options.width, align: options.align ?? 'left', lineBreak: false });
  }

  /** Cuts text to one line of `width` points, with an ellipsis. */
  private fit(text: string, width: number | undefined): string {
    if (width === undefined || this.doc.widthOfString(text) <= width) return text;
    let cut = text;
    while (cut.length > 1 && this.doc.widthOfString(`${cut}...`) > width) cut = cut.slice(0, -1);
    return `${cut}...`;
  }

  private paragraph(text: string, options: { size?: number; color?: string; font?: string } = {}): void {
    this.doc
      .font(options.font ?? FONT)
      .fontSize(options.size ?? 9.5)
      .fillColor(options.color ?? INK)
      .text(pdfText(text), this.left, this.doc.y, { width: this.width });
  }

  private cover(): void {
    const { operation: op, scope } = this.content;
    const doc = this.doc;
    const label = `TLP:${op.tlp.replace('_', '+')}`;
    doc.font(BOLD).fontSize(10);
    const labelWidth = doc.widthOfString(label) + 14;
    doc.rect(this.left, doc.y, labelWidth, 18).fill('#000000');
    this.say(label, this.left + 7, doc.y + 5, { font: BOLD, size: 10, color: TLP_COLOURS[op.tlp] ?? '#ffffff' });
    doc.y += 28;
    this.paragraph(`Operation ${op.codeName}`, { font: BOLD, size: 22 });
    this.paragraph(`Operation report, version ${scope.version}`, { size: 13, color: MUTED });
    doc.moveDown(0.6);
    const facts: [string, string][] = [
      ['Focus', op.focus],
      ['Period', `${op.startsAt.slice(0, 10)} to ${op.endsAt.slice(0, 10)} (${scope.weeks} weeks), status ${op.status}`],
      ['Lead agency', op.leadAgency],
      ['Participants', op.participants.join(', ')],
      ['Compiled', `${scope.compiledAt.replace('T', ' ').slice(0, 16)} UTC, for ${scope.compiledFor} analysts`],
      ['Reports covered', String(scope.seizures)],
    ];
    for (const [name, value] of facts) {
      const y = doc.y;
      this.say(name, this.left, y, { font: BOLD, size: 9.5, width: 95 });
      doc.font(FONT).fontSize(9.5).fillColor(INK).text(pdfText(value), this.left + 100, y, { width: this.width - 100 });
      doc.moveDown(0.2);
    }
    doc.moveDown(0.5);
    for (const note of scope.notes) this.paragraph(`- ${note}`, { size: 8.5, color: MUTED });
  }

  private section(title: string): void {
    this.ensure(70);
    this.doc.moveDown(1);
    const y = this.doc.y;
    this.say(title, this.left, y, { font: BOLD, size: 12.5, color: ACCENT });
    this.doc.moveTo(this.left, y + 17).lineTo(this.left + this.width, y + 17).lineWidth(0.6).strokeColor(RULE).stroke();
    this.doc.y = y + 24;
  }

  private keyFigures(): void {
    const { totals } = this.content;
    const figures: [string, string][] = [
      ['Seizures', String(totals.count)],
      ['Estimated value (USD)', formatUsd(totals.totalValue)],
      ['Countries', String(totals.countries)],
      ['Reporting agencies', String(totals.reportingAgencies)],
    ];
    const gap = 8;
    const boxWidth = (this.width - gap * (figures.length - 1)) / figures.length;
    this.ensure(56);
    const y = this.doc.y;
    figures.forEach(([name, value], i) => {
      const x = this.left + i * (boxWidth + gap);
      this.doc.rect(x, y, boxWidth, 48).fill(SHADE);
      this.say(value, x + 8, y + 8, { font: BOLD, size: 15, width: boxWidth - 16, color: ACCENT });
      this.say(name, x + 8, y + 31, { size: 8, width: boxWidth - 16, color: MUTED });
    });
    this.doc.y = y + 58;
  }

  /** A table with a shaded header row, repeated on each new page; with no rows, the header alone (or "None."). */
  private table(columns: Column[], rows: string[][], options: { headerOnly?: boolean } = {}): void {
    const doc = this.doc;
    if (rows.length === 0 && !options.headerOnly) {
      this.ensure(ROW);
      this.paragraph('None.', { size: 9, color: MUTED });
      return;
    }
    const header = () => {
      const y = doc.y;
      doc.rect(this.left, y, this.width, ROW).fill(SHADE);
      let x = this.left;
      for (const column of columns) {
        this.say(column.header, x + 3, y + 4, { font: BOLD, width: column.width - 6, align: column.align });
        x += column.width;
      }
      doc.y = y + ROW;
    };
    this.ensure(ROW * 3);
    header();
    rows.forEach((row, index) => {
      if (doc.y + ROW > this.bottom) {
        doc.addPage();
        header();
      }
      const y = doc.y;
      if (index % 2 === 1) doc.rect(this.left, y, this.width, ROW).fill('#f8fafc');
      let x = this.left;
      columns.forEach((column, i) => {
        this.say(row[i] ?? '', x + 3, y + 4, { width: column.width - 6, align: column.align });
        x += column.width;
      });
      doc.moveTo(this.left, y + ROW).lineTo(this.left + this.width, y + ROW).lineWidth(0.3).strokeColor(RULE).stroke();
      doc.y = y + ROW;
    });
    doc.x = this.left;
    if (!options.headerOnly) doc.y += 4;
  }

  /** Horizontal bars: seizures per key (top ten), with the count at the end of each bar. */
  private barChart(buckets: ReportBucket[], colour: string): void {
    const items = buckets.slice(0, TOP_ITEMS);
    if (items.length === 0) {
      this.paragraph('No seizures.', { size: 9, color: MUTED });
      return;
    }
    const labelWidth = 130;
    const barSpace = this.width - labelWidth - 50;
    const max = Math.max(...items.map((b) => b.count));
    const height = 16;
    this.ensure(items.length * height + 10);
    let y = this.doc.y;
    for (const bucket of items) {
      const barWidth = Math.max(1, (bucket.count / max) * barSpace);
      this.say(keyLabel(bucket.keys[0] ?? ''), this.left, y + 3, { width: labelWidth - 8, align: 'right' });
      this.doc.rect(this.left + labelWidth, y + 1, barWidth, height - 4).fill(colour);
      this.say(String(bucket.count), this.left + labelWidth + barWidth + 4, y + 3, { width: 44 });
      y += height;
    }
    if (buckets.length > items.length) {
      this.say(`and ${buckets.length - items.length} more (see the table below)`, this.left + labelWidth, y + 2, { size: 7.5, color: MUTED });
      y += 12;
    }
    this.doc.y = y + 6;
  }

  /** Seizures per week of the operation: bars with a line through their tops. */
  private timeline(): void {
    const weeks = this.content.timeline;
    const chartHeight = 110;
    this.ensure(chartHeight + 40);
    const doc = this.doc;
    const top = doc.y + 8;
    const base = top + chartHeight;
    const max = Math.max(1, ...weeks.map((w) => w.count));
    const slot = this.width / Math.max(1, weeks.length);
    const barWidth = Math.min(30, slot * 0.6);
    doc.moveTo(this.left, base).lineTo(this.left + this.width, base).lineWidth(0.8).strokeColor(MUTED).stroke();
    const tops: [number, number][] = [];
    weeks.forEach((week, i) => {
      const centre = this.left + slot * i + slot / 2;
      const height = (week.count / max) * (chartHeight - 16);
      if (height > 0) doc.rect(centre - barWidth / 2, base - height, barWidth, height).fill(ACCENT_2);
      this.say(String(week.count), centre - slot / 2, base - height - 11, { width: slot, align: 'center', size: 7.5 });
      this.say(week.week, centre - slot / 2, base + 4, { width: slot, align: 'center', size: 7.5, font: BOLD });
      this.say(week.from.slice(5), centre - slot / 2, base + 14, { width: slot, align: 'center', size: 6.5, color: MUTED });
      tops.push([centre, base - height]);
    });
    if (tops.length > 1) {
      doc.moveTo(tops[0][0], tops[0][1]);
      for (const [x, y] of tops.slice(1)) doc.lineTo(x, y);
      doc.lineWidth(1.2).strokeColor(ACCENT_3).stroke();
    }
    doc.y = base + 28;
    doc.x = this.left;
  }

  /** Two lines per case: the facts, then transport and concealment (too long for table cells). */
  private cases(cases: NotableCase[]): void {
    const doc = this.doc;
    if (cases.length === 0) {
      this.paragraph('None.', { size: 9, color: MUTED });
      return;
    }
    const columns: Column[] = [
      { header: 'Reference', width: 130 },
      { header: 'Seized', width: 60 },
      { header: 'Country', width: 45 },
      { header: 'Commodity', width: 120 },
      { header: 'Quantity', width: 60, align: 'right' },
      { header: 'Value (USD)', width: 80, align: 'right' },
    ];
    const height = 27;
    this.table(columns, [], { headerOnly: true });
    cases.forEach((c, index) => {
      if (doc.y + height > this.bottom) doc.addPage();
      const y = doc.y;
      if (index % 2 === 1) doc.rect(this.left, y, this.width, height).fill('#f8fafc');
      const cells = [
        c.reference, c.seizedOn, c.country, c.commodityType ? `${c.commodityCategory} (${c.commodityType})` : c.commodityCategory,
        `${formatNumber(c.quantity)} ${c.unit}`, formatUsd(c.valueUsd),
      ];
      let x = this.left;
      columns.forEach((column, i) => {
        this.say(cells[i], x + 3, y + 4, { width: column.width - 6, align: column.align, font: i === 0 ? BOLD : FONT });
        x += column.width;
      });
      const how = `${c.transportMode}${c.concealment ? `, concealment: ${c.concealment}` : ''} (reported by ${c.reportingAgency})`;
      this.say(how, this.left + 3, y + 15, { width: this.width - 6, size: 7.5, color: MUTED });
      doc.moveTo(this.left, y + height).lineTo(this.left + this.width, y + height).lineWidth(0.3).strokeColor(RULE).stroke();
      doc.y = y + height;
    });
    doc.x = this.left;
    doc.y += 4;
  }

  private trends(): void {
    const { trends } = this.content;
    this.section('Trends');
    this.paragraph(
      `Reports of the participating agencies: ${trends.during.count} in the operation period (${trends.during.from} to ${trends.during.to}) ` +
        `against ${trends.before.count} in the equally long period before (${trends.before.from} to ${trends.before.to}), ` +
        `${formatChange(trends.changePercent, trends.before.count)}.`,
      { size: 9 },
    );
    this.doc.moveDown(0.5);
    this.table(
      [
        { header: 'Commodity category', width: 195 },
        { header: 'Before', width: 100, align: 'right' },
        { header: 'During', width: 100, align: 'right' },
        { header: 'Change', width: 100, align: 'right' },
      ],
      trends.byCommodity.map((t) => [t.commodityCategory, String(t.before), String(t.during), formatChange(t.changePercent, t.before)]),
    );
  }

  /** Label and page number on every page; the bottom margin is lifted so the footer adds no page. */
  private footers(): void {
    const { operation: op, scope } = this.content;
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const margin = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      const y = this.doc.page.height - 36;
      this.say(`TLP:${op.tlp.replace('_', '+')} - Operation ${op.codeName}, report version ${scope.version}`, this.left, y, { size: 7.5, color: MUTED, width: this.width - 80 });
      this.say(`Page ${i - range.start + 1} of ${range.count}`, this.left + this.width - 80, y, { size: 7.5, color: MUTED, width: 80, align: 'right' });
      this.doc.page.margins.bottom = margin;
    }
  }
}
