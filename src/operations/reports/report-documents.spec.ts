import { REPORT_CONTENT_FORMAT, changePercent, type ReportBucket, type ReportContent } from './report-content.js';
import { FORMULA_LIKE, renderReportCsv, renderReportMarkdown } from './report-documents.js';
import { weekLabel } from './report-folds.js';
import { reportMarking } from './report-marking.js';
import { renderReportPdf } from './report-pdf.js';

function bucket(key: string, count: number, unit: string, quantity: number, value: number | null): ReportBucket {
  return { keys: [key], count, totalQuantity: quantity, quantityUnit: unit, totalValue: value, quantities: [{ unit, count, quantity, value }] };
}

export function sampleContent(concealment: string, overrides: Partial<ReportContent> = {}): ReportContent {
  return {
    format: REPORT_CONTENT_FORMAT,
    language: 'en',
    marking: reportMarking('GREEN', ['GREEN'], null),
    names: { countries: { JM: 'Jamaica' }, agencies: { JIO: 'CCLEC/WCO Joint Intelligence Office', JM: 'Jamaica Customs Agency' } },
    narrative: { executiveSummary: null, assessment: null, writtenAt: null, writtenByAgency: null },
    outcomes: [],
    comparison: null,
    map: { points: [] },
    operation: { id: 'op', codeName: 'TEST WAVE', focus: 'Focus', tlp: 'GREEN', status: 'ACTIVE', leadAgency: 'JIO', participants: ['JIO', 'JM'], startsAt: '2026-08-03T00:00:00.000Z', endsAt: '2026-08-17T00:00:00.000Z', lastDay: '2026-08-16' },
    scope: { version: 1, compiledAt: '2026-08-20T00:00:00.000Z', compiledFor: 'JIO', seizures: 1, weeks: 2, notes: [] },
    totals: { ...bucket('', 1, 'KG', 2, 10), keys: [], countries: 1, reportingAgencies: 1 },
    breakdowns: [{ dimension: 'CONCEALMENT', buckets: [bucket(concealment, 1, 'KG', 2, 10)] }],
    timeline: [{ week: 'W1', from: '2026-08-03', to: '2026-08-09', count: 1, totalValue: 10 }, { week: 'W2', from: '2026-08-10', to: '2026-08-16', count: 0, totalValue: null }],
    notableCases: { byValue: [], byFirearms: [] },
    trends: { before: { from: '2026-07-20', to: '2026-08-02', count: 0 }, during: { from: '2026-08-03', to: '2026-08-16', count: 1 }, changePercent: null, byCommodity: [] },
    modusOperandi: { concealmentByTransport: [], routes: [] },
    ...overrides,
  };
}

describe('report documents', () => {
  it('labels weeks of the operation, and what falls outside it', () => {
    expect([0, 1, 6, 7].map((week) => weekLabel(week, 6))).toEqual(['BEFORE', 'W1', 'W6', 'AFTER']);
  });

  it('gives a percentage change only when there is a base', () => {
    expect(changePercent(0, 3)).toBeNull();
    expect(changePercent(3, 4)).toBe(33.3);
    expect(changePercent(4, 1)).toBe(-75);
  });

  it('takes for a formula what a spreadsheet might: signs after blanks or a line break, and full-width signs', () => {
    for (const text of ['=1+1', ' =1+1', '\u3000=1', '\n=1', '\t1', '\uFF1DSUM(A1)', '\uFF0B1', '\uFF0D1', '\uFF20A1', '+1', '-1', '@SUM(A1)']) {
      expect(FORMULA_LIKE.test(text)).toBe(true);
    }
    for (const text of ['Kingston', 'a=b', '1-2', 'e-mail', '']) expect(FORMULA_LIKE.test(text)).toBe(false);
  });

  it('keeps recorded text from breaking the CSV or running as a spreadsheet formula', () => {
    const csv = renderReportCsv(sampleContent('=HYPERLINK("http://x","a, b")'));
    expect(csv.split('\r\n')[2]).toBe(`CONCEALMENT,"'=HYPERLINK(""http://x"",""a, b"")",1,2,KG,10,"'=HYPERLINK(""http://x"",""a, b"")"`);
  });

  it('keeps recorded text from breaking the Markdown tables or adding HTML or links', () => {
    const markdown = renderReportMarkdown(sampleContent('a|b <script>[x](javascript:y)'));
    expect(markdown).toContain('| a\\|b &lt;script&gt;\\[x\\](javascript:y) | 1 | 2 kg | 10.00 |');
  });

  it("keeps the analyst's Markdown free of HTML and below the report's own headings", () => {
    const markdown = renderReportMarkdown(sampleContent('IN_GOODS: in a barrel', {
      narrative: { executiveSummary: '# Findings\n\n- **Pistols** by sea <img src=x>', assessment: 'Recommend joint targeting.', writtenAt: null, writtenByAgency: 'JIO' },
    }));
    expect(markdown).toContain('## Executive summary\n\n#### Findings\n\n- **Pistols** by sea &lt;img src=x&gt;');
    expect(markdown).toContain("## Analyst's assessment\n\nRecommend joint targeting.");
    expect(markdown).toContain('| Among or inside goods: in a barrel | 1 | 2 kg | 10.00 |');
  });

  it('writes the period to the last day of the operation and says how weeks are counted', () => {
    const markdown = renderReportMarkdown(sampleContent('X'));
    expect(markdown).toContain('**Period:** 3 Aug 2026 to 16 Aug 2026 (2 weeks)');
    expect(markdown).toContain("Weeks are counted from the operation's first day: W1 runs from 3 Aug 2026 to 9 Aug 2026, and the last week ends with the operation on 16 Aug 2026.");
  });

  it('translates computed text but not the recorded or written text', () => {
    const content = sampleContent('VESSEL_HULL: false bulkhead', { language: 'es', narrative: { executiveSummary: 'Written in English.', assessment: null, writtenAt: null, writtenByAgency: 'JIO' } });
    const es = renderReportMarkdown(content);
    expect(es).toContain('## Resumen ejecutivo\n\nWritten in English.');
    expect(es).toContain('En el casco de una embarcación: false bulkhead');
    expect(es).toContain('## Totales');
    const fr = renderReportMarkdown({ ...content, language: 'fr' });
    expect(fr).toContain('## Synthèse');
    expect(fr).toContain("Dans la coque d'un navire: false bulkhead");
  });

  it('draws a PDF whatever characters the recorded text has', async () => {
    const pdf = await renderReportPdf(sampleContent('東京 → Zürich'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/Type \/Page(?!s)/);
  });
});
