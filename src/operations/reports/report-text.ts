import { isLanguage, translator, type Translator } from '../../i18n/catalog.js';
import type { NotableCase, ReportContent, ReportDimension, UnitTotal } from './report-content.js';
import { tlpLabel } from './report-marking.js';

/**
 * The words of a report: codes as names (countries, agencies) and as words (commodity, transport,
 * detection, concealment, units) in the report's language. Both documents use it, so the Markdown
 * and the PDF say the same thing.
 */
export class ReportText {
  readonly t: Translator;

  constructor(private readonly content: ReportContent) {
    this.t = translator(isLanguage(content.language) ? content.language : 'en');
  }

  msg(key: string, params: Record<string, string | number> = {}): string {
    return this.t.t(key, params);
  }

  get tlp(): string {
    return tlpLabel(this.content.marking?.tlp ?? this.content.operation.tlp);
  }

  country(code: string | null | undefined): string {
    if (!code) return this.msg('word.notRecorded');
    return this.content.names?.countries?.[code] ?? this.t.country(code);
  }

  agency(code: string): string {
    const name = this.content.names?.agencies?.[code];
    return name ? `${name} (${code})` : code;
  }

  agencyShort(code: string): string {
    return this.content.names?.agencies?.[code] ?? code;
  }

  commodity(category: string, type?: string | null): string {
    const word = this.t.word('commodity', category);
    return type ? `${word} (${type})` : word;
  }

  /** Recorded concealment is `CODE: description`; the code becomes words, the description stays as written. */
  concealment(value: string | null | undefined): string {
    if (!value) return this.msg('word.notRecorded');
    const match = /^([A-Z][A-Z_]+)(?::\s*(.*))?$/s.exec(value.trim());
    if (!match) return value;
    const word = this.t.word('concealment', match[1]);
    if (word === match[1]) return value;
    return match[2] ? `${word}: ${match[2]}` : word;
  }

  unit(unit: string): string {
    return this.t.word('unit', unit);
  }

  quantity(quantity: number, unit: string): string {
    const word = quantity === 1 && this.t.has(`unitOne.${unit}`) ? this.t.word('unitOne', unit) : this.unit(unit);
    return `${this.t.number(quantity)} ${word}`;
  }

  quantities(quantities: UnitTotal[]): string {
    return quantities.map((q) => this.quantity(q.quantity, q.unit)).join('; ');
  }

  usd(value: number | null): string {
    return value == null ? '–' : this.t.number(value, 2);
  }

  /** Whole dollars, for key figures and charts. */
  usdWhole(value: number | null): string {
    return value == null ? '–' : this.t.number(Math.round(value), 0);
  }

  date(iso: string): string {
    return this.t.date(iso);
  }

  change(change: number | null, before: number): string {
    if (change == null) return before === 0 ? this.msg('word.new') : '–';
    return `${change > 0 ? '+' : ''}${this.t.number(change, 1)} %`.replace(' %', this.t.language === 'en' ? '%' : ' %');
  }

  week(key: string): string {
    if (key === 'BEFORE' || key === 'AFTER') return this.msg(`week.${key}`);
    const n = /^W(\d+)$/.exec(key);
    return n ? this.msg('week.label', { n: n[1] }) : key;
  }

  /** A breakdown key in words. */
  key(dimension: ReportDimension, key: string): string {
    if (key === '') return this.msg('word.notRecorded');
    switch (dimension) {
      case 'COUNTRY':
        return this.country(key);
      case 'COMMODITY_CATEGORY':
        return this.t.word('commodity', key);
      case 'TRANSPORT_MODE':
        return this.t.word('transport', key);
      case 'DETECTION_METHOD':
        return this.t.word('detection', key);
      case 'CONCEALMENT':
        return this.concealment(key);
      case 'WEEK':
        return this.week(key);
      default:
        return key;
    }
  }

  transport(mode: string): string {
    return this.t.word('transport', mode);
  }

  route(origin: string | null, destination: string | null): string {
    return `${origin ? this.country(origin) : this.msg('word.unknown')} → ${destination ? this.country(destination) : this.msg('word.unknown')}`;
  }

  caseCells(c: NotableCase): string[] {
    return [c.reference, this.date(c.seizedOn), this.country(c.country), this.commodity(c.commodityCategory, c.commodityType), this.quantity(c.quantity, c.unit), this.usd(c.valueUsd)];
  }

  caseHow(c: NotableCase): string {
    return `${this.transport(c.transportMode)}; ${this.concealment(c.concealment)}; ${this.msg('word.reportedBy', { agency: this.agencyShort(c.reportingAgency) })}`;
  }

  period(): string {
    const op = this.content.operation;
    return this.msg('period.value', {
      from: this.date(op.startsAt),
      to: this.date(op.lastDay ?? op.endsAt),
      weeks: this.content.scope.weeks,
      status: this.t.word('status', op.status),
    });
  }

  weeksNote(): string {
    const first = this.content.timeline[0];
    const op = this.content.operation;
    return this.msg('weeks.note', { from: this.date(first?.from ?? op.startsAt), to: this.date(first?.to ?? op.startsAt), last: this.date(op.lastDay ?? op.endsAt) });
  }

  markingNote(): string {
    const m = this.content.marking;
    if (m.chosen && m.chosen !== m.floor) return this.msg('marking.noteChosen', { tlp: tlpLabel(m.tlp), floor: tlpLabel(m.floor) });
    return this.msg('marking.note', { tlp: tlpLabel(m.tlp), content: m.contentTlp ? tlpLabel(m.contentTlp) : this.msg('marking.noContent'), operation: tlpLabel(m.operationTlp) });
  }

  scopeNotes(): string[] {
    return [
      this.markingNote(),
      // The audience: the lead and the participants the report was compiled for.
      this.msg('note.covers', { agencies: [...new Set([this.content.operation.leadAgency, ...this.content.operation.participants])].join(', ') }),
      this.msg('note.noRed'),
      this.msg('note.notable'),
      this.msg('note.units'),
      this.msg('note.analystText'),
    ];
  }

  trendsText(): string {
    const trends = this.content.trends;
    return this.msg('trends.text', {
      during: trends.during.count,
      duringFrom: this.date(trends.during.from),
      duringTo: this.date(trends.during.to),
      before: trends.before.count,
      beforeFrom: this.date(trends.before.from),
      beforeTo: this.date(trends.before.to),
      change: this.change(trends.changePercent, trends.before.count),
    });
  }

  comparisonReference(): string | null {
    const c = this.content.comparison;
    if (!c) return null;
    return c.kind === 'PREVIOUS_VERSION'
      ? this.msg('comparison.previousVersion', { version: c.version })
      : this.msg('comparison.previousOperation', { codeName: c.codeName, from: this.date(c.from), to: this.date(c.to) });
  }

  comparisonText(): string {
    const c = this.content.comparison;
    if (!c) return this.msg('comparison.none');
    const totals = this.content.totals;
    const valueChange = c.totalValue && totals.totalValue != null ? Math.round(((totals.totalValue - c.totalValue) / c.totalValue) * 1000) / 10 : null;
    const countChange = c.count ? Math.round(((totals.count - c.count) / c.count) * 1000) / 10 : null;
    return this.msg('comparison.text', {
      reference: this.comparisonReference()!,
      count: c.count,
      countChange: this.change(countChange, c.count),
      value: this.usdWhole(c.totalValue),
      valueChange: this.change(valueChange, c.totalValue ?? 0),
    });
  }
}
