import { weekLabel } from './report-compiler.service.js';
import { REPORT_CONTENT_FORMAT, changePercent, type ReportBucket, type ReportContent } from './report-content.js';
import { renderReportCsv, renderReportMarkdown } from './report-documents.js';
import { renderReportPdf } from './report-pdf.js';

function bucket(key: string, count: number, unit: string, quantity: number, value: number | null): ReportBucket {
  return { keys: [key], count, totalQuantity: quantity, quantityUnit: unit, totalValue: value, quantities: [{ unit, count, quantity, value }] };
}

function content(concealment: string): ReportContent {
  return {
    format: REPORT_CONTENT_FORMAT,
    operation: { id: 'op', codeName: 'TEST WAVE', focus: 'Focus', tlp: 'GREEN', status: 'ACTIVE', leadAgency: 'JIO', participants: ['JIO', 'JM'], startsAt: '2026-08-03T00:00:00.000Z', endsAt: '2026-08-17T00:00:00.000Z' },
    scope: { version: 1, compiledAt: '2026-08-20T00:00:00.000Z', compiledFor: 'JIO', seizures: 1, weeks: 2, notes: [] },
    totals: { ...bucket('', 1, 'KG', 2, 10), keys: [], countries: 1, reportingAgencies: 1 },
    breakdowns: [{ dimension: 'CONCEALMENT', buckets: [bucket(concealment, 1, 'KG', 2, 10)] }],
    timeline: [{ week: 'W1', from: '2026-08-03', to: '2026-08-09', count: 1, totalValue: 10 }, { week: 'W2', from: '2026-08-10', to: '2026-08-16', count: 0, totalValue: null }],
    notableCases: { byValue: [], byFirearms: [] },
    trends: { before: { from: '2026-07-20', to: '2026-08-02', count: 0 }, during: { from: '2026-08-03', to: '2026-08-16', count: 1 }, changePercent: null, byCommodity: [] },
    modusOperandi: { concealmentByTransport: [], routes: [] },
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

  it('keeps recorded text from breaking the CSV or running as a spreadsheet formula', () => {
    const csv = renderReportCsv(content('=HYPERLINK("http://x","a, b")'));
    expect(csv.split('\r\n')[2]).toBe(`CONCEALMENT,"'=HYPERLINK(""http://x"",""a, b"")",1,2,KG,10`);
  });

  it('keeps recorded text from breaking the Markdown tables or adding HTML or links', () => {
    const markdown = renderReportMarkdown(content('a|b <script>[x](javascript:y)'));
    expect(markdown).toContain('| a\\|b &lt;script&gt;\\[x\\](javascript:y) | 1 | 2 KG | 10.00 |');
  });

  it('draws a PDF whatever characters the recorded text has', async () => {
    const pdf = await renderReportPdf(content('東京 → Zürich'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/Type \/Page(?!s)/);
  });
});
