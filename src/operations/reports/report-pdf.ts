import PDFDocument from 'pdfkit';
import type { Tlp } from '../../seizures/seizure.enums.js';
import { REPORT_DIMENSIONS, type NotableCase, type ReportBucket, type ReportContent, type ReportDimension } from './report-content.js';
import { countryPoint, insideBox, mapLand } from './report-map.js';
import { TLP_COLOURS } from './report-marking.js';
import { ReportText } from './report-text.js';

type Doc = InstanceType<typeof PDFDocument>;

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';
const INK = '#1f2933';
const MUTED = '#616e7c';
const RULE = '#cbd2d9';
const SHADE = '#f0f4f8';
const ACCENT = '#1d4e89';
const ACCENT_2 = '#2f8f83';
const ACCENT_3 = '#c26d1a';
const SEA = '#dbe9f6';
const LAND = '#f4f1e8';
const COAST = '#8a8f98';
const PAD = 3.5;
const TOP_ITEMS = 10;
/** Header and footer bands: the TLP label sits in each, on every page. */
const HEADER_Y = 18;
const FOOTER_FROM_BOTTOM = 34;
const LABEL_HEIGHT = 16;

/**
 * The standard PDF fonts only know WinAnsi: other characters (from recorded free text) would come
 * out as garbage, so they are replaced; arrows and narrow spaces get a WinAnsi form.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
export function pdfText(value: string): string {
  return Array.from(value.replace(/→/g, '->').replace(/[\u202f\u2009\u2007]/g, ' ').replace(/[\r\n\t]+/g, ' '))
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch) ? ch : '?';
    })
    .join('');
}

/**
 * The report as a PDF, drawn with PDFKit's built-in fonts (nothing to install, no browser): cover
 * with the executive summary, key figures, charts of counts and values, the weekly time line, the
 * map, the tables, the follow-up outcomes and the assessment; the TLP label in the header and the
 * footer of every page. Streams are left uncompressed: the text stays searchable as is.
 */
export async function renderReportPdf(content: ReportContent): Promise<Buffer> {
  const text = new ReportText(content);
  const { operation: op, scope } = content;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 54, bottom: 58, left: 50, right: 50 },
    compress: false,
    bufferPages: true,
    info: {
      Title: pdfText(`${text.msg('report.title', { codeName: op.codeName })}, ${text.msg('report.subtitle', { version: scope.version })}`),
      Author: 'Windward',
      Subject: pdfText(text.tlp),
      CreationDate: new Date(scope.compiledAt),
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  new ReportPdfWriter(doc, content, text).write();
  doc.end();
  return finished;
}

class ReportPdfWriter {
  private readonly left: number;
  private readonly width: number;

  constructor(
    private readonly doc: Doc,
    private readonly content: ReportContent,
    private readonly x: ReportText,
  ) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  write(): void {
    const { content, x } = this;
    this.cover();
    if (content.narrative?.executiveSummary) {
      this.section(x.msg('section.executiveSummary'));
      this.markdown(content.narrative.executiveSummary);
    }
    this.section(x.msg('section.totals'));
    this.keyFigures();
    this.subheading(x.msg('section.quantityPerUnit'));
    this.table(
      [
        { header: x.msg('col.unit'), width: 175 },
        { header: x.msg('col.seizures'), width: 100, align: 'right' },
        { header: x.msg('col.quantity'), width: 110, align: 'right' },
        { header: x.msg('col.valueShort'), width: 110, align: 'right' },
      ],
      content.totals.quantities.map((q) => [x.unit(q.unit), String(q.count), x.t.number(q.quantity), x.usd(q.value)]),
    );
    this.paragraph(x.comparisonText(), { size: 8.5, color: MUTED });
    this.section(x.msg('section.byCountry'));
    this.pairedBars('COUNTRY', ACCENT);
    this.section(x.msg('section.byCommodity'));
    this.pairedBars('COMMODITY_CATEGORY', ACCENT_2);
    this.section(x.msg('section.timeline'));
    this.paragraph(x.weeksNote(), { size: 8.5, color: MUTED });
    this.timeline();
    this.map();
    for (const dimension of REPORT_DIMENSIONS) {
      this.section(x.msg('section.by', { dimension: x.msg(`dim.${dimension}`).toLowerCase() }));
      this.table(
        [
          { header: x.msg(`dim.${dimension}`), width: 190 },
          { header: x.msg('col.seizures'), width: 60, align: 'right' },
          { header: x.msg('col.quantity'), width: 150 },
          { header: x.msg('col.valueShort'), width: 95, align: 'right' },
        ],
        this.buckets(dimension).map((b) => [x.key(dimension, b.keys[0] ?? ''), String(b.count), x.quantities(b.quantities), x.usd(b.totalValue)]),
      );
    }
    this.section(`${x.msg('section.notable')}: ${x.msg('section.notableByValue').toLowerCase()}`);
    this.cases(content.notableCases.byValue);
    this.section(`${x.msg('section.notable')}: ${x.msg('section.notableByFirearms').toLowerCase()}`);
    this.cases(content.notableCases.byFirearms);
    this.trends();
    this.section(`${x.msg('section.mo')}: ${x.msg('section.moConcealment').toLowerCase()}`);
    this.table(
      [
        { header: x.msg('col.concealment'), width: 235 },
        { header: x.msg('col.transport'), width: 100 },
        { header: x.msg('col.seizures'), width: 65, align: 'right' },
        { header: x.msg('col.valueShort'), width: 95, align: 'right' },
      ],
      content.modusOperandi.concealmentByTransport.map((p) => [x.concealment(p.concealment), x.transport(p.transportMode), String(p.count), x.usd(p.totalValue)]),
    );
    this.section(`${x.msg('section.mo')}: ${x.msg('section.moRoutes').toLowerCase()}`);
    this.table(
      [
        { header: x.msg('col.route'), width: 335 },
        { header: x.msg('col.seizures'), width: 65, align: 'right' },
        { header: x.msg('col.valueShort'), width: 95, align: 'right' },
      ],
      content.modusOperandi.routes.map((r) => [x.route(r.origin, r.destination), String(r.count), x.usd(r.totalValue)]),
    );
    this.outcomes();
    if (content.narrative?.assessment) {
      this.section(x.msg('section.assessment'));
      this.markdown(content.narrative.assessment);
    }
    this.bands();
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

  /** One line of text, cut to `width` with an ellipsis: only for labels whose full text is elsewhere. */
  private say(text: string, x: number, y: number, options: { width?: number; align?: 'left' | 'right' | 'center'; font?: string; size?: number; color?: string } = {}): void {
    this.doc
      .font(options.font ?? FONT)
      .fontSize(options.size ?? 8.5)
      .fillColor(options.color ?? INK)
      .text(this.fit(pdfText(text), options.width), x, y, { width: options.width, align: options.align ?? 'left', lineBreak: false });
  }

  private fit(text: string, width: number | undefined): string {
    if (width === undefined || this.doc.widthOfString(text) <= width) return text;
    let cut = text;
    while (cut.length > 1 && this.doc.widthOfString(`${cut}...`) > width) cut = cut.slice(0, -1);
    return `${cut}...`;
  }

  private paragraph(text: string, options: { size?: number; color?: string; font?: string } = {}): void {
    this.doc.font(options.font ?? FONT).fontSize(options.size ?? 9.5);
    this.ensure(Math.min(this.doc.heightOfString(pdfText(text), { width: this.width }), 200));
    this.doc.fillColor(options.color ?? INK).text(pdfText(text), this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  private subheading(text: string): void {
    this.ensure(40);
    this.doc.moveDown(0.4);
    this.say(text, this.left, this.doc.y, { font: BOLD, size: 10, color: INK });
    this.doc.y += 15;
  }

  /**
   * The analyst's Markdown, drawn: headings, bullet and numbered lists, paragraphs and **bold**.
   * Anything else is drawn as the text it is.
   */
  private markdown(source: string): void {
    const doc = this.doc;
    const blocks: { kind: 'heading' | 'bullet' | 'paragraph'; text: string; marker?: string }[] = [];
    let paragraph: string[] = [];
    const flush = () => {
      if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
      paragraph = [];
    };
    for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
      const line = raw.trim();
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      const bullet = /^([-*+]|\d+[.)])\s+(.*)$/.exec(line);
      if (!line) flush();
      else if (heading) {
        flush();
        blocks.push({ kind: 'heading', text: heading[1] });
      } else if (bullet) {
        flush();
        blocks.push({ kind: 'bullet', text: bullet[2], marker: /^\d/.test(bullet[1]) ? bullet[1] : '•' });
      } else paragraph.push(line);
    }
    flush();
    for (const block of blocks) {
      if (block.kind === 'heading') {
        this.ensure(30);
        doc.moveDown(0.3);
        doc.font(BOLD).fontSize(10).fillColor(INK).text(pdfText(block.text.replace(/\*\*/g, '')), this.left, doc.y, { width: this.width });
        doc.moveDown(0.2);
        continue;
      }
      const indent = block.kind === 'bullet' ? 14 : 0;
      doc.font(FONT).fontSize(9.5);
      this.ensure(Math.min(doc.heightOfString(pdfText(block.text), { width: this.width - indent }) + 4, 120));
      const y = doc.y;
      if (block.kind === 'bullet') doc.font(FONT).fontSize(9.5).fillColor(INK).text(pdfText(block.marker!), this.left + 2, y, { lineBreak: false });
      const parts = block.text.split(/(\*\*[^*]+\*\*)/).filter((p) => p !== '');
      parts.forEach((part, i) => {
        const bold = part.startsWith('**') && part.endsWith('**');
        const words = pdfText(bold ? part.slice(2, -2) : part);
        doc.font(bold ? BOLD : FONT).fontSize(9.5).fillColor(INK);
        const last = i === parts.length - 1;
        // PDFKit keeps the first call's position and width for the continued run.
        if (i === 0) doc.text(words, this.left + indent, y, { width: this.width - indent, continued: !last });
        else doc.text(words, { continued: !last });
      });
      doc.moveDown(0.35);
      doc.x = this.left;
    }
  }

  private cover(): void {
    const { content, x } = this;
    const { operation: op, scope } = content;
    const doc = this.doc;
    doc.y += 6;
    this.paragraph(x.msg('report.title', { codeName: op.codeName }), { font: BOLD, size: 22 });
    this.paragraph(x.msg('report.subtitle', { version: scope.version }), { size: 13, color: MUTED });
    doc.moveDown(0.4);
    const facts: [string, string][] = [
      [x.msg('field.marking'), x.tlp],
      [x.msg('field.focus'), op.focus],
      [x.msg('field.period'), x.period()],
      [x.msg('field.lead'), x.agency(op.leadAgency)],
      [x.msg('field.participants'), op.participants.map((p) => x.agencyShort(p)).join('; ')],
      [x.msg('field.compiled'), x.msg('field.compiledValue', { date: scope.compiledAt.replace('T', ' ').slice(0, 16), agency: x.agencyShort(scope.compiledFor) })],
      [x.msg('field.reportsCovered'), String(scope.seizures)],
    ];
    for (const [name, value] of facts) {
      const y = doc.y;
      doc.font(BOLD).fontSize(9.5).fillColor(INK).text(pdfText(name), this.left, y, { width: 100 });
      doc.font(FONT).fontSize(9.5).fillColor(INK).text(pdfText(value), this.left + 105, y, { width: this.width - 105 });
      doc.y = Math.max(doc.y, y + 12);
      doc.moveDown(0.15);
    }
    doc.moveDown(0.4);
    for (const note of x.scopeNotes()) this.paragraph(`- ${note}`, { size: 8, color: MUTED });
  }

  private section(title: string): void {
    this.ensure(80);
    this.doc.moveDown(0.8);
    const y = this.doc.y;
    this.doc.font(BOLD).fontSize(12.5).fillColor(ACCENT).text(pdfText(title), this.left, y, { width: this.width });
    const under = this.doc.y + 2;
    this.doc.moveTo(this.left, under).lineTo(this.left + this.width, under).lineWidth(0.6).strokeColor(RULE).stroke();
    this.doc.y = under + 7;
  }

  private keyFigures(): void {
    const { totals } = this.content;
    const x = this.x;
    const figures: [string, string][] = [
      [x.msg('col.seizures'), String(totals.count)],
      [x.msg('col.value'), x.usdWhole(totals.totalValue)],
      [x.msg('col.countries'), String(totals.countries)],
      [x.msg('col.agencies'), String(totals.reportingAgencies)],
    ];
    const gap = 8;
    const boxWidth = (this.width - gap * (figures.length - 1)) / figures.length;
    this.ensure(56);
    const y = this.doc.y;
    figures.forEach(([name, value], i) => {
      const left = this.left + i * (boxWidth + gap);
      this.doc.rect(left, y, boxWidth, 48).fill(SHADE);
      this.say(value, left + 8, y + 8, { font: BOLD, size: 15, width: boxWidth - 16, color: ACCENT });
      this.say(name, left + 8, y + 31, { size: 8, width: boxWidth - 16, color: MUTED });
    });
    this.doc.y = y + 56;
  }

  /** Heights of a row's cells when wrapped to their columns. */
  private rowHeight(columns: Column[], row: string[], font: string, size: number): number {
    this.doc.font(font).fontSize(size);
    return Math.max(...columns.map((column, i) => this.doc.heightOfString(pdfText(row[i] ?? ''), { width: column.width - 2 * PAD }))) + 2 * PAD;
  }

  private drawRow(columns: Column[], row: string[], y: number, font: string, size: number, color = INK): void {
    let left = this.left;
    columns.forEach((column, i) => {
      this.doc.font(font).fontSize(size).fillColor(color).text(pdfText(row[i] ?? ''), left + PAD, y + PAD, { width: column.width - 2 * PAD, align: column.align ?? 'left' });
      left += column.width;
    });
  }

  /** A table whose cells wrap (nothing is cut off), with its header row repeated on each new page. */
  private table(columns: Column[], rows: string[][], options: { headerOnly?: boolean } = {}): void {
    const doc = this.doc;
    if (rows.length === 0 && !options.headerOnly) {
      this.paragraph(this.x.msg('word.none'), { size: 9, color: MUTED });
      return;
    }
    const headerCells = columns.map((c) => c.header);
    const header = () => {
      const height = this.rowHeight(columns, headerCells, BOLD, 8.5);
      const y = doc.y;
      doc.rect(this.left, y, this.width, height).fill(SHADE);
      this.drawRow(columns, headerCells, y, BOLD, 8.5);
      doc.y = y + height;
    };
    this.ensure(this.rowHeight(columns, headerCells, BOLD, 8.5) + (rows[0] ? this.rowHeight(columns, rows[0], FONT, 8.5) : 0) + 4);
    header();
    rows.forEach((row, index) => {
      const height = this.rowHeight(columns, row, FONT, 8.5);
      if (doc.y + height > this.bottom) {
        doc.addPage();
        header();
      }
      const y = doc.y;
      if (index % 2 === 1) doc.rect(this.left, y, this.width, height).fill('#f8fafc');
      this.drawRow(columns, row, y, FONT, 8.5);
      doc.moveTo(this.left, y + height).lineTo(this.left + this.width, y + height).lineWidth(0.3).strokeColor(RULE).stroke();
      doc.y = y + height;
    });
    doc.x = this.left;
    if (!options.headerOnly) doc.y += 6;
  }

  /** A "nice" axis step: 1, 2 or 5 times a power of ten, giving about `ticks` ticks up to `max`. */
  private step(max: number, ticks: number): number {
    const raw = Math.max(max, 1) / ticks;
    const power = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  }

  /**
   * Two horizontal bar panels side by side for the top ten keys: the number of seizures and their
   * estimated value (USD thousands), each with a labelled, ticked axis. The previous report's
   * counts, where there is one to compare with, are the thin dark bars.
   */
  private pairedBars(dimension: ReportDimension, colour: string): void {
    const { x } = this;
    const buckets = this.buckets(dimension);
    const items = buckets.slice(0, TOP_ITEMS);
    if (items.length === 0) {
      this.paragraph(x.msg('word.none'), { size: 9, color: MUTED });
      return;
    }
    const previous = dimension === 'COMMODITY_CATEGORY' && this.content.comparison
      ? new Map(this.content.comparison.byCommodity.map((c) => [c.commodityCategory, c.count]))
      : null;
    const labelWidth = 150;
    const gap = 22;
    const panel = (this.width - labelWidth - gap) / 2;
    const rowHeight = 15;
    const height = items.length * rowHeight;
    this.ensure(height + 62);
    const top = this.doc.y + 4;
    const countLeft = this.left + labelWidth;
    const valueLeft = countLeft + panel + gap;
    const maxCount = Math.max(...items.map((b) => Math.max(b.count, previous?.get(b.keys[0]) ?? 0)));
    const maxValue = Math.max(...items.map((b) => (b.totalValue ?? 0) / 1000));
    const countStep = this.step(maxCount, 4);
    const valueStep = this.step(maxValue, 3);
    const countMax = Math.ceil(maxCount / countStep) * countStep || countStep;
    const valueMax = Math.ceil(maxValue / valueStep) * valueStep || valueStep;
    const axis = (left: number, max: number, stepSize: number, title: string) => {
      for (let v = 0; v <= max + 1e-9; v += stepSize) {
        const at = left + (v / max) * (panel - 30);
        this.doc.moveTo(at, top).lineTo(at, top + height).lineWidth(0.3).strokeColor(RULE).stroke();
        this.say(x.t.number(v), at - 20, top + height + 3, { width: 40, align: 'center', size: 7, color: MUTED });
      }
      this.doc.moveTo(left, top + height).lineTo(left + panel - 30, top + height).lineWidth(0.8).strokeColor(MUTED).stroke();
      this.say(title, left, top + height + 13, { width: panel - 30, align: 'center', size: 7.5, font: BOLD, color: INK });
    };
    axis(countLeft, countMax, countStep, x.msg('chart.count'));
    axis(valueLeft, valueMax, valueStep, x.msg('chart.value'));
    items.forEach((bucket, i) => {
      const y = top + i * rowHeight;
      this.say(x.key(dimension, bucket.keys[0] ?? ''), this.left, y + 3, { width: labelWidth - 8, align: 'right' });
      const countWidth = Math.max(1, (bucket.count / countMax) * (panel - 30));
      this.doc.rect(countLeft, y + 2, countWidth, rowHeight - 6).fill(colour);
      this.say(String(bucket.count), countLeft + countWidth + 3, y + 3, { width: 28, size: 7.5 });
      const before = previous?.get(bucket.keys[0]);
      if (before != null) this.doc.rect(countLeft, y + rowHeight - 5, Math.max(1, (before / countMax) * (panel - 30)), 2).fill(INK);
      const value = (bucket.totalValue ?? 0) / 1000;
      const valueWidth = (value / valueMax) * (panel - 30);
      if (valueWidth > 0) this.doc.rect(valueLeft, y + 2, valueWidth, rowHeight - 6).fill(ACCENT_3);
      this.say(bucket.totalValue == null ? '–' : x.t.number(Math.round(value)), valueLeft + valueWidth + 3, y + 3, { width: 30, size: 7.5 });
    });
    let y = top + height + 26;
    if (previous) {
      this.doc.rect(countLeft, y + 3, 14, 2).fill(INK);
      this.say(x.comparisonReference() ?? '', countLeft + 18, y, { width: this.width - labelWidth - 18, size: 7.5, color: MUTED });
      y += 11;
    }
    if (buckets.length > items.length) {
      this.say(x.msg('chart.more', { count: buckets.length - items.length }), countLeft, y, { size: 7.5, color: MUTED });
      y += 11;
    }
    this.doc.y = y + 4;
    this.doc.x = this.left;
  }

  /** Seizures per week (bars, left axis) and their estimated value (line, right axis). */
  private timeline(): void {
    const { x } = this;
    const weeks = this.content.timeline;
    const chartHeight = 120;
    this.ensure(chartHeight + 60);
    const doc = this.doc;
    const top = doc.y + 10;
    const base = top + chartHeight;
    const plotLeft = this.left + 40;
    const plotWidth = this.width - 80;
    const maxCount = Math.max(1, ...weeks.map((w) => w.count));
    const maxValue = Math.max(1, ...weeks.map((w) => (w.totalValue ?? 0) / 1000));
    const countStep = this.step(maxCount, 4);
    const valueStep = this.step(maxValue, 4);
    const countMax = Math.ceil(maxCount / countStep) * countStep;
    const valueMax = Math.ceil(maxValue / valueStep) * valueStep;
    for (let v = 0; v <= countMax + 1e-9; v += countStep) {
      const y = base - (v / countMax) * chartHeight;
      doc.moveTo(plotLeft, y).lineTo(plotLeft + plotWidth, y).lineWidth(0.3).strokeColor(RULE).stroke();
      this.say(x.t.number(v), plotLeft - 34, y - 3, { width: 30, align: 'right', size: 7, color: ACCENT_2 });
    }
    for (let v = 0; v <= valueMax + 1e-9; v += valueStep) {
      const y = base - (v / valueMax) * chartHeight;
      this.say(x.t.number(v), plotLeft + plotWidth + 4, y - 3, { width: 36, size: 7, color: ACCENT_3 });
    }
    doc.save();
    doc.rotate(-90, { origin: [this.left + 2, base] });
    this.say(x.msg('chart.count'), this.left + 2, base - 8, { width: chartHeight, align: 'center', size: 7.5, font: BOLD, color: ACCENT_2 });
    doc.restore();
    doc.save();
    doc.rotate(-90, { origin: [this.left + this.width - 2, base] });
    this.say(x.msg('chart.value'), this.left + this.width - 2, base - 8, { width: chartHeight, align: 'center', size: 7.5, font: BOLD, color: ACCENT_3 });
    doc.restore();
    doc.moveTo(plotLeft, base).lineTo(plotLeft + plotWidth, base).lineWidth(0.8).strokeColor(MUTED).stroke();
    const slot = plotWidth / Math.max(1, weeks.length);
    const barWidth = Math.min(34, slot * 0.55);
    const points: [number, number][] = [];
    weeks.forEach((week, i) => {
      const centre = plotLeft + slot * i + slot / 2;
      const height = (week.count / countMax) * chartHeight;
      if (height > 0) doc.rect(centre - barWidth / 2, base - height, barWidth, height).fill(ACCENT_2);
      this.say(String(week.count), centre - slot / 2, base - height - 10, { width: slot, align: 'center', size: 7.5 });
      this.say(x.week(week.week), centre - slot / 2, base + 4, { width: slot, align: 'center', size: 7.5, font: BOLD });
      this.say(x.t.shortDate(week.from), centre - slot / 2, base + 14, { width: slot, align: 'center', size: 6.5, color: MUTED });
      points.push([centre, base - ((week.totalValue ?? 0) / 1000 / valueMax) * chartHeight]);
    });
    if (points.length > 1) {
      doc.moveTo(points[0][0], points[0][1]);
      for (const [px, py] of points.slice(1)) doc.lineTo(px, py);
      doc.lineWidth(1.4).strokeColor(ACCENT_3).stroke();
    }
    for (const [px, py] of points) doc.circle(px, py, 2.2).fill(ACCENT_3);
    this.say(x.msg('chart.week'), plotLeft, base + 26, { width: plotWidth, align: 'center', size: 7.5, font: BOLD });
    doc.y = base + 42;
    doc.x = this.left;
  }

  /** Seizure places and routes on the Caribbean coastlines shipped with the product. */
  private map(): void {
    const { x, content } = this;
    const doc = this.doc;
    const { box: mapBox } = mapLand();
    // The heading goes with the map: both on a new page when the map does not fit under it.
    const mapHeight = this.width / (((mapBox.east - mapBox.west) * Math.cos(((mapBox.north + mapBox.south) / 2) * (Math.PI / 180))) / (mapBox.north - mapBox.south));
    this.ensure(mapHeight + 130);
    this.section(x.msg('section.map'));
    const { box, land } = mapLand();
    const midLat = ((box.north + box.south) / 2) * (Math.PI / 180);
    const aspect = ((box.east - box.west) * Math.cos(midLat)) / (box.north - box.south);
    const width = this.width;
    const height = width / aspect;
    this.ensure(height + 60);
    const top = doc.y;
    const project = (lat: number, lon: number): [number, number] => [
      this.left + ((lon - box.west) / (box.east - box.west)) * width,
      top + ((box.north - lat) / (box.north - box.south)) * height,
    ];
    doc.save();
    doc.rect(this.left, top, width, height).clip();
    doc.rect(this.left, top, width, height).fill(SEA);
    for (const piece of land) {
      const [first, ...rest] = piece.ring;
      doc.moveTo(...project(first[1], first[0]));
      for (const [lon, lat] of rest) doc.lineTo(...project(lat, lon));
      doc.closePath();
      doc.lineWidth(0.3).fillAndStroke(LAND, COAST);
    }
    // Graticule every 5 degrees, labelled at the edges.
    for (let lon = Math.ceil(box.west / 5) * 5; lon <= box.east; lon += 5) {
      const [px] = project(box.south, lon);
      doc.moveTo(px, top).lineTo(px, top + height).lineWidth(0.2).dash(1, { space: 2 }).strokeColor('#9fb3c8').stroke().undash();
    }
    for (let lat = Math.ceil(box.south / 5) * 5; lat <= box.north; lat += 5) {
      const [, py] = project(lat, box.west);
      doc.moveTo(this.left, py).lineTo(this.left + width, py).lineWidth(0.2).dash(1, { space: 2 }).strokeColor('#9fb3c8').stroke().undash();
    }
    // Routes: from the origin country's point to the destination's, width by count.
    const outside = new Set<string>();
    const pointOf = (country: string) => content.map.points.find((p) => p.country === country && p.label === p.country) ?? null;
    for (const route of content.modusOperandi.routes) {
      if (!route.origin || !route.destination) continue;
      const from = routeEnd(route.origin, pointOf(route.origin));
      const to = routeEnd(route.destination, pointOf(route.destination));
      if (!from) outside.add(x.country(route.origin));
      if (!to) outside.add(x.country(route.destination));
      if (!from || !to) continue;
      const [x0, y0] = project(from.latitude, from.longitude);
      const [x1, y1] = project(to.latitude, to.longitude);
      const bend = 0.18;
      const cx = (x0 + x1) / 2 - (y1 - y0) * bend;
      const cy = (y0 + y1) / 2 + (x1 - x0) * bend;
      doc.moveTo(x0, y0).quadraticCurveTo(cx, cy, x1, y1).lineWidth(0.6 + route.count * 0.5).strokeColor(ACCENT_3).strokeOpacity(0.75).stroke().strokeOpacity(1);
      const angle = Math.atan2(y1 - cy, x1 - cx);
      doc.polygon([x1, y1], [x1 - 6 * Math.cos(angle - 0.4), y1 - 6 * Math.sin(angle - 0.4)], [x1 - 6 * Math.cos(angle + 0.4), y1 - 6 * Math.sin(angle + 0.4)]).fill(ACCENT_3);
    }
    // Seizure places: circles whose area is the number of seizures; labels where they do not collide.
    const maxCount = Math.max(1, ...content.map.points.map((p) => p.count));
    const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
    const shown = content.map.points.filter((p) => insideBox(p.latitude, p.longitude, box));
    for (const point of shown) {
      const [px, py] = project(point.latitude, point.longitude);
      const radius = 2.5 + 7 * Math.sqrt(point.count / maxCount);
      doc.circle(px, py, radius).fillOpacity(0.85).fillAndStroke(ACCENT, '#ffffff').fillOpacity(1);
      placed.push({ x0: px - radius, y0: py - radius, x1: px + radius, y1: py + radius });
    }
    const labels: typeof placed = [];
    for (const point of shown) {
      const [px, py] = project(point.latitude, point.longitude);
      const radius = 2.5 + 7 * Math.sqrt(point.count / maxCount);
      const text = pdfText(`${point.label === point.country ? x.country(point.country) : point.label} (${point.count})`);
      doc.font(FONT).fontSize(6.5);
      const w = doc.widthOfString(text) + 2;
      const others = [...labels, ...placed.filter((c) => !(c.x0 <= px && px <= c.x1 && c.y0 <= py && py <= c.y1))];
      // Right of the circle, else left, else above, else below: the first place where it collides with nothing.
      const candidate = [
        { x0: px + radius + 2, y0: py - 4 },
        { x0: px - radius - 2 - w, y0: py - 4 },
        { x0: px - w / 2, y0: py - radius - 10 },
        { x0: px - w / 2, y0: py + radius + 1 },
      ]
        .map((c) => ({ ...c, x1: c.x0 + w, y1: c.y0 + 9 }))
        .find((c) => c.x0 >= this.left && c.x1 <= this.left + width && c.y0 >= top && c.y1 <= top + height
          && !others.some((o) => c.x0 < o.x1 && c.x1 > o.x0 && c.y0 < o.y1 && c.y1 > o.y0));
      if (!candidate) continue;
      doc.rect(candidate.x0, candidate.y0, w, 9).fillOpacity(0.7).fill('#ffffff').fillOpacity(1);
      doc.fillColor(INK).text(text, candidate.x0 + 1, candidate.y0 + 1.5, { lineBreak: false });
      labels.push(candidate);
    }
    doc.restore();
    doc.rect(this.left, top, width, height).lineWidth(0.6).strokeColor(MUTED).stroke();
    const legendY = top + height + 6;
    doc.circle(this.left + 5, legendY + 4, 3.5).fill(ACCENT);
    this.say(x.msg('map.legendPoint'), this.left + 13, legendY + 1, { size: 7.5, width: 235 });
    doc.moveTo(this.left + 255, legendY + 4).lineTo(this.left + 272, legendY + 4).lineWidth(1.5).strokeColor(ACCENT_3).stroke();
    this.say(x.msg('map.legendRoute'), this.left + 276, legendY + 1, { size: 7.5, width: this.width - 276 });
    doc.x = this.left;
    doc.y = legendY + 14;
    if (content.map.points.length === 0) this.paragraph(x.msg('map.none'), { size: 8, color: MUTED });
    if (outside.size) this.paragraph(x.msg('map.outside', { places: [...outside].sort().join(', ') }), { size: 8, color: MUTED });
    this.paragraph(x.msg('map.source'), { size: 7, color: MUTED });
  }

  /** Reference, date, country, commodity, quantity and value; then how, on a wrapped line of its own. */
  private cases(cases: NotableCase[]): void {
    const { x } = this;
    const doc = this.doc;
    if (cases.length === 0) {
      this.paragraph(x.msg('word.none'), { size: 9, color: MUTED });
      return;
    }
    const columns: Column[] = [
      { header: x.msg('col.reference'), width: 80 },
      { header: x.msg('col.seized'), width: 65 },
      { header: x.msg('col.country'), width: 80 },
      { header: x.msg('col.commodity'), width: 120 },
      { header: x.msg('col.quantity'), width: 70, align: 'right' },
      { header: x.msg('col.valueShort'), width: 80, align: 'right' },
    ];
    this.table(columns, [], { headerOnly: true });
    cases.forEach((c, index) => {
      const cells = x.caseCells(c);
      const how = x.caseHow(c);
      doc.font(FONT).fontSize(7.5);
      const howHeight = doc.heightOfString(pdfText(how), { width: this.width - 2 * PAD });
      const height = this.rowHeight(columns, cells, FONT, 8.5) + howHeight + 2;
      if (doc.y + height > this.bottom) doc.addPage();
      const y = doc.y;
      if (index % 2 === 1) doc.rect(this.left, y, this.width, height).fill('#f8fafc');
      this.drawRow(columns, cells, y, FONT, 8.5);
      const howY = y + this.rowHeight(columns, cells, FONT, 8.5) - PAD + 1;
      doc.font(FONT).fontSize(7.5).fillColor(MUTED).text(pdfText(how), this.left + PAD, howY, { width: this.width - 2 * PAD });
      doc.moveTo(this.left, y + height).lineTo(this.left + this.width, y + height).lineWidth(0.3).strokeColor(RULE).stroke();
      doc.y = y + height;
    });
    doc.x = this.left;
    doc.y += 6;
  }

  private trends(): void {
    const { x, content } = this;
    this.section(x.msg('section.trends'));
    this.paragraph(x.trendsText(), { size: 9 });
    this.table(
      [
        { header: x.msg('col.commodityCategory'), width: 215 },
        { header: x.msg('col.before'), width: 90, align: 'right' },
        { header: x.msg('col.during'), width: 90, align: 'right' },
        { header: x.msg('col.change'), width: 100, align: 'right' },
      ],
      content.trends.byCommodity.map((t) => [x.t.word('commodity', t.commodityCategory), String(t.before), String(t.during), x.change(t.changePercent, t.before)]),
    );
  }

  /** A section per participating administration: its counts and its note, as recorded. */
  private outcomes(): void {
    const { x, content } = this;
    const doc = this.doc;
    this.section(x.msg('section.outcomes'));
    this.paragraph(x.msg('outcomes.intro'), { size: 8.5, color: MUTED });
    const columns: Column[] = [
      { header: x.msg('col.arrests'), width: 99, align: 'right' },
      { header: x.msg('col.casesOpened'), width: 99, align: 'right' },
      { header: x.msg('col.prosecutions'), width: 99, align: 'right' },
      { header: x.msg('col.controlledDeliveries'), width: 99, align: 'right' },
      { header: x.msg('col.followUpActions'), width: 99, align: 'right' },
    ];
    const recorded = (content.outcomes ?? []).filter((o) => o.recorded);
    if (recorded.length) {
      const sum = (field: 'arrests' | 'casesOpened' | 'prosecutions' | 'controlledDeliveries' | 'followUpActions') => String(recorded.reduce((a, o) => a + o[field], 0));
      doc.font(BOLD).fontSize(10).fillColor(INK).text(pdfText(`${x.msg('outcomes.total')} (${recorded.length}/${content.outcomes.length})`), this.left, doc.y + 4, { width: this.width });
      doc.moveDown(0.2);
      this.table(columns, [[sum('arrests'), sum('casesOpened'), sum('prosecutions'), sum('controlledDeliveries'), sum('followUpActions')]]);
    }
    for (const outcome of content.outcomes ?? []) {
      this.ensure(outcome.recorded ? 70 : 30);
      doc.font(BOLD).fontSize(10).fillColor(INK).text(pdfText(x.agency(outcome.agency)), this.left, doc.y + 4, { width: this.width });
      doc.moveDown(0.2);
      if (!outcome.recorded) {
        this.paragraph(x.msg('outcomes.none'), { size: 8.5, color: MUTED });
        continue;
      }
      this.table(columns, [[outcome.arrests, outcome.casesOpened, outcome.prosecutions, outcome.controlledDeliveries, outcome.followUpActions].map(String)]);
      if (outcome.notes) this.paragraph(outcome.notes, { size: 8.5, font: ITALIC });
    }
  }

  /**
   * The TLP label, in FIRST's colours (the label's colour on black), at the top and at the bottom
   * of every page, with the report's name and the page number. The margins are lifted while
   * drawing so that nothing here adds a page.
   */
  private bands(): void {
    const { content, x } = this;
    const tlp = (content.marking?.tlp ?? content.operation.tlp) as Tlp;
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const margins = { ...this.doc.page.margins };
      this.doc.page.margins.bottom = 0;
      this.doc.page.margins.top = 0;
      const footerY = this.doc.page.height - FOOTER_FROM_BOTTOM;
      const labelWidth = this.label(tlp, this.left + this.width, HEADER_Y, 'right');
      this.say(x.msg('report.footer', { codeName: content.operation.codeName, version: content.scope.version }), this.left, HEADER_Y + 4, { size: 7.5, color: MUTED, width: this.width - labelWidth - 10 });
      this.label(tlp, this.left, footerY, 'left');
      this.say(x.msg('report.page', { page: i - range.start + 1, pages: range.count }), this.left + this.width - 120, footerY + 4, { size: 7.5, color: MUTED, width: 120, align: 'right' });
      this.doc.page.margins.bottom = margins.bottom;
      this.doc.page.margins.top = margins.top;
    }
  }

  /** Draws the TLP label (black box, label colour) at (x, y), left- or right-aligned; returns its width. */
  private label(tlp: Tlp, xAt: number, y: number, align: 'left' | 'right'): number {
    const text = this.x.tlp;
    this.doc.font(BOLD).fontSize(10);
    const width = this.doc.widthOfString(text) + 16;
    const left = align === 'right' ? xAt - width : xAt;
    this.doc.rect(left, y, width, LABEL_HEIGHT).fill('#000000');
    this.doc.font(BOLD).fontSize(10).fillColor(TLP_COLOURS[tlp] ?? '#FFFFFF').text(text, left + 8, y + 4, { lineBreak: false });
    return width;
  }
}

/** Where a route starts or ends on the map: the country's point, if the map shows it. */
function routeEnd(country: string, known: { latitude: number; longitude: number } | null): { latitude: number; longitude: number } | null {
  if (known && insideBox(known.latitude, known.longitude)) return known;
  const point = countryPointCache(country);
  return point && insideBox(point.latitude, point.longitude) ? point : null;
}

const countryPoints = new Map<string, { latitude: number; longitude: number } | null>();
function countryPointCache(country: string) {
  if (!countryPoints.has(country)) countryPoints.set(country, countryPoint(country));
  return countryPoints.get(country) ?? null;
}
