import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AuditEventEntity } from '../../src/audit/audit-event.entity.js';
import { loadPlatformPublicKey } from '../../src/crypto/platform-key.js';
import { verifyDetachedSignature } from '../../src/crypto/sealed-envelope.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { PlatformKeyService } from '../../src/keys/platform-key.service.js';
import { OperationReportEntity } from '../../src/operations/reports/operation-report.entity.js';
import type { ReportContent } from '../../src/operations/reports/report-content.js';
import { GpgHome } from '../support/gpg.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const CREATE = `mutation($i: OperationInput!) { createOperation(input: $i) { id } }`;
const STATUS = `mutation($id: ID!, $s: OperationStatus!) { setOperationStatus(operationId: $id, status: $s) { status } }`;
const COMPILE = `mutation($id: ID!) { compileOperationReport(operationId: $id) { id status version compiledAt operation { codeName } } }`;
const PUBLISH = `mutation($id: ID!) { publishOperationReport(reportId: $id) { id status publishedAt signature { signerFingerprint verified signedAt detached signedContent } } }`;
const REPORT = `query($id: ID!) {
  operationReport(id: $id) {
    id status version compiledAt publishedAt summary failureReason progress
    operation { codeName }
    totals { keys count totalQuantity quantityUnit totalValue }
    breakdowns { dimension buckets { keys count totalQuantity quantityUnit totalValue } }
    signature { signerFingerprint verified signedAt detached signedContent }
  }
}`;
const REPORTS_OF = `query($id: ID!) { operation(id: $id) { reports { id version status } } }`;

interface Bucket {
  keys: string[];
  count: number;
  totalQuantity: number | null;
  quantityUnit: string | null;
  totalValue: number | null;
}
interface Report {
  id: string;
  status: string;
  version: number;
  compiledAt: string | null;
  publishedAt: string | null;
  summary: string | null;
  failureReason: string | null;
  progress: number | null;
  operation: { codeName: string };
  totals: Bucket;
  breakdowns: { dimension: string; buckets: Bucket[] }[];
  signature: { signerFingerprint: string; verified: boolean; signedAt: string; detached: string; signedContent: string } | null;
}

/** The text PDFKit draws: the hex strings of each TJ array, joined per text run. */
function pdfStrings(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const runs: string[] = [];
  for (const match of raw.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)) {
    runs.push([...match[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) => Buffer.from(hex[1], 'hex').toString('latin1')).join(''));
  }
  return runs.join('\n');
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Reads a binary HTTP body as a Buffer (supertest only buffers text types by default). */
function binary(response: { on(event: string, listener: (chunk?: Buffer) => void): void }, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk) => chunks.push(chunk!));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('operation reports: compile over what the analyst sees, publish signed, download', () => {
  let platform: TestPlatform;
  const k = {} as Record<'jio' | 'jio2' | 'jm' | 'ky' | 'kyAnalyst' | 'ttAnalyst' | 'admin' | 'reviewer', string>;
  let operationId: string;
  let first: Report;
  const marker = `MRK${randomBytes(6).toString('hex').toUpperCase()}`;
  const markers = [`${marker}-NARRATIVE`, `${marker}-PERSON`, `${marker}-COMPANY`, `${marker}-IDENT`, `${marker}CONV`];
  const hiddenReference = `HIDDEN-${marker}`;

  async function report(key: string, id: string): Promise<Report | null> {
    const response = await platform.gql<{ operationReport: Report | null }>(key, REPORT, { id });
    expect(response.errors).toBeUndefined();
    return response.data!.operationReport;
  }

  async function untilSettled(id: string): Promise<Report> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const current = await report(k.jio, id);
      if (current && ['READY', 'FAILED', 'PUBLISHED'].includes(current.status)) return current;
      if (Date.now() > deadline) throw new Error(`report ${id} is still ${current?.status}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  async function compile(key: string, id = operationId) {
    return platform.gql<{ compileOperationReport: { id: string; status: string; version: number; compiledAt: string | null; operation: { codeName: string } } }>(key, COMPILE, { id });
  }

  function sensitive(overrides: Record<string, unknown> = {}) {
    return {
      sensitive: { narrative: markers[0], persons: [{ name: markers[1], nationality: 'JM', role: 'courier' }], companies: [markers[2]], identifiers: [markers[3]] },
      conveyance: { type: 'SEA_CONTAINER', identifier: markers[4] },
      ...overrides,
    };
  }

  beforeAll(async () => {
    platform = await startTestPlatform({ worker: true });
    k.jio = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    k.jio2 = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    k.jm = (await platform.userWithKey('JM', ['ELO'])).key;
    k.ky = (await platform.userWithKey('KY', ['ELO'])).key;
    k.kyAnalyst = (await platform.userWithKey('KY', ['ANALYST'])).key;
    k.ttAnalyst = (await platform.userWithKey('TT', ['ANALYST'])).key;
    k.admin = (await platform.userWithKey('WCO', ['PLATFORM_ADMIN'])).key;
    k.reviewer = (await platform.userWithKey('JIO', ['REVIEWER'])).key;

    const created = await platform.gql<{ createOperation: { id: string } }>(k.jio, CREATE, {
      i: { codeName: 'Coral Ledger', focus: 'Firearms and cocaine by sea and air', tlp: 'AMBER', startsAt: '2026-08-03T00:00:00Z', endsAt: '2026-09-14T00:00:00Z', participants: ['JM', 'KY'] },
    });
    expect(created.errors).toBeUndefined();
    operationId = created.data!.createOperation.id;
    await platform.gql(k.jio, STATUS, { id: operationId, s: 'ACTIVE' });

    const linked = { operationId, evaluation: { scheme: 'ADMIRALTY_6X6', source: 'A', information: '1' } };
    // The known dataset: five linked reports the JIO analyst sees.
    await submitSeizure(platform, k.jm, { ...linked, ...sensitive(), reference: 'CL-JM-1', tlp: 'GREEN', seizedAt: '2026-08-04T10:00:00Z', country: 'JM',
      location: { name: 'Port of Kingston', unlocode: 'JMKIN', latitude: 17.97, longitude: -76.79 }, transportMode: 'SEA', commodity: { category: 'FIREARMS', type: 'pistol' },
      quantity: { value: 4, unit: 'ITEMS' }, estimatedValue: { amount: 10000, currency: 'USD' }, concealment: 'CONTAINER_STRUCTURE', detectionMethod: 'NII_XRAY', route: { origin: 'US', destination: 'JM' } });
    await submitSeizure(platform, k.jm, { ...linked, ...sensitive(), reference: 'CL-JM-2', tlp: 'AMBER', seizedAt: '2026-08-12T10:00:00Z', country: 'JM',
      location: { name: 'Norman Manley International Airport', unlocode: 'JMKIN' }, transportMode: 'AIR', commodity: { category: 'FIREARMS', type: 'rifle' },
      quantity: { value: 2, unit: 'ITEMS' }, estimatedValue: { amount: 8000, currency: 'USD' }, concealment: 'BAGGAGE', detectionMethod: 'DETECTOR_DOG', route: { origin: 'US', destination: 'JM' } });
    await submitSeizure(platform, k.ky, { ...linked, ...sensitive(), reference: 'CL-KY-1', tlp: 'GREEN', seizedAt: '2026-08-20T10:00:00Z', country: 'KY',
      location: { name: 'George Town', unlocode: 'KYGEC' }, transportMode: 'SEA', commodity: { category: 'DRUGS', type: 'cocaine' },
      quantity: { value: 12.5, unit: 'KG' }, estimatedValue: { amount: 250000, currency: 'USD' }, concealment: 'VESSEL_HULL', detectionMethod: 'RISK_PROFILE', route: { origin: 'CO', destination: 'KY' } });
    await submitSeizure(platform, k.ky, { ...linked, ...sensitive(), reference: 'CL-KY-2', tlp: 'AMBER', seizedAt: '2026-08-21T10:00:00Z', country: 'KY',
      location: null, transportMode: 'POSTAL', commodity: { category: 'DRUGS', type: 'cannabis' },
      quantity: { value: 30, unit: 'KG' }, estimatedValue: { amount: 60000, currency: 'USD' }, concealment: 'MAIL_PARCEL', detectionMethod: 'INTELLIGENCE', route: { origin: 'JM', destination: 'KY' } });
    await submitSeizure(platform, k.jm, { ...linked, ...sensitive(), reference: 'CL-JM-3', tlp: 'GREEN', seizedAt: '2026-09-08T10:00:00Z', country: 'JM',
      location: null, transportMode: 'ROAD', commodity: { category: 'AMMUNITION', type: '9mm' },
      quantity: { value: 500, unit: 'ROUNDS' }, estimatedValue: null, concealment: 'VEHICLE_STRUCTURE', detectionMethod: 'ROUTINE_CONTROL', route: null });
    // Linked but not visible to the JIO: AMBER+STRICT of JM released to nobody, and a RED report.
    await submitSeizure(platform, k.jm, { ...linked, ...sensitive(), reference: hiddenReference, tlp: 'AMBER_STRICT', seizedAt: '2026-08-05T10:00:00Z', country: 'JM',
      transportMode: 'SEA', commodity: { category: 'FIREARMS', type: 'rifle' }, quantity: { value: 100, unit: 'ITEMS' }, estimatedValue: { amount: 999999, currency: 'USD' } });
    await submitSeizure(platform, k.jm, { ...linked, ...sensitive(), reference: `${hiddenReference}-RED`, tlp: 'RED', seizedAt: '2026-08-06T10:00:00Z', country: 'JM',
      transportMode: 'AIR', commodity: { category: 'CURRENCY' }, quantity: { value: 77777, unit: 'CURRENCY_AMOUNT' }, estimatedValue: { amount: 77777, currency: 'USD' } });
    // For the trends: participants' reports before and during the operation, not linked; and a
    // non-participant's report in the period, which must not count.
    await submitSeizure(platform, k.jm, { reference: 'CL-BEFORE-1', tlp: 'GREEN', seizedAt: '2026-07-10T10:00:00Z', commodity: { category: 'FIREARMS' }, quantity: { value: 1, unit: 'ITEMS' } });
    await submitSeizure(platform, k.jm, { reference: 'CL-BEFORE-2', tlp: 'GREEN', seizedAt: '2026-07-15T10:00:00Z', commodity: { category: 'DRUGS' }, quantity: { value: 1, unit: 'KG' } });
    await submitSeizure(platform, k.ky, { reference: 'CL-DURING-1', tlp: 'GREEN', seizedAt: '2026-08-25T10:00:00Z', country: 'KY', commodity: { category: 'DRUGS' }, quantity: { value: 2, unit: 'KG' } });
    await submitSeizure(platform, k.ttAnalyst, { reference: 'CL-TT-1', tlp: 'GREEN', seizedAt: '2026-08-25T10:00:00Z', country: 'TT', commodity: { category: 'TOBACCO' }, quantity: { value: 9, unit: 'STICKS' } });
  });
  afterAll(() => platform?.stop());

  it('lets only the lead agency\'s analysts ask for a compilation', async () => {
    expect((await compile(k.kyAnalyst)).errors![0].extensions.code).toBe('FORBIDDEN');
    expect((await compile(k.ttAnalyst)).errors![0].extensions.code).toBe('NOT_FOUND');
    expect((await compile(k.jm)).errors![0].extensions.code).toBe('FORBIDDEN'); // an ELO: refused by role
    expect((await compile(k.jio, randomUUID())).errors![0].extensions.code).toBe('NOT_FOUND');
  });

  it('queues version 1 and compiles it to READY with exact totals and breakdowns, without what the analyst cannot see', async () => {
    const queued = await compile(k.jio);
    expect(queued.errors).toBeUndefined();
    expect(queued.data!.compileOperationReport).toMatchObject({ status: 'QUEUED', version: 1, compiledAt: null, operation: { codeName: 'CORAL LEDGER' } });
    first = await untilSettled(queued.data!.compileOperationReport.id);
    expect(first).toMatchObject({ status: 'READY', version: 1, failureReason: null, progress: 100 });
    expect(first.compiledAt).not.toBeNull();

    expect(first.totals).toEqual({ keys: [], count: 5, totalQuantity: null, quantityUnit: null, totalValue: 328000 });
    const breakdown = (dimension: string) => first.breakdowns.find((b) => b.dimension === dimension)!.buckets;
    expect(first.breakdowns.map((b) => b.dimension)).toEqual(['COUNTRY', 'COMMODITY_CATEGORY', 'TRANSPORT_MODE', 'DETECTION_METHOD', 'CONCEALMENT', 'LOCATION', 'WEEK']);
    expect(breakdown('COUNTRY')).toEqual([
      { keys: ['JM'], count: 3, totalQuantity: null, quantityUnit: null, totalValue: 18000 },
      { keys: ['KY'], count: 2, totalQuantity: 42.5, quantityUnit: 'KG', totalValue: 310000 },
    ]);
    expect(breakdown('COMMODITY_CATEGORY')).toEqual([
      { keys: ['DRUGS'], count: 2, totalQuantity: 42.5, quantityUnit: 'KG', totalValue: 310000 },
      { keys: ['FIREARMS'], count: 2, totalQuantity: 6, quantityUnit: 'ITEMS', totalValue: 18000 },
      { keys: ['AMMUNITION'], count: 1, totalQuantity: 500, quantityUnit: 'ROUNDS', totalValue: null },
    ]);
    expect(breakdown('TRANSPORT_MODE').map((b) => [b.keys[0], b.count])).toEqual([['SEA', 2], ['AIR', 1], ['POSTAL', 1], ['ROAD', 1]]);
    expect(breakdown('DETECTION_METHOD').map((b) => b.keys[0]).sort()).toEqual(['DETECTOR_DOG', 'INTELLIGENCE', 'NII_XRAY', 'RISK_PROFILE', 'ROUTINE_CONTROL']);
    expect(breakdown('CONCEALMENT').map((b) => b.keys[0]).sort()).toEqual(['BAGGAGE', 'CONTAINER_STRUCTURE', 'MAIL_PARCEL', 'VEHICLE_STRUCTURE', 'VESSEL_HULL']);
    expect(breakdown('LOCATION').map((b) => [b.keys[0], b.count])).toEqual([['', 2], ['George Town', 1], ['Norman Manley International Airport', 1], ['Port of Kingston', 1]]);
    expect(breakdown('WEEK').map((b) => [b.keys[0], b.count, b.totalValue])).toEqual([['W1', 1, 10000], ['W2', 1, 8000], ['W3', 2, 310000], ['W6', 1, null]]);

    const stored = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: first.id });
    const content = stored.content as unknown as ReportContent;
    expect(content.totals.quantities).toEqual([
      { unit: 'ITEMS', count: 2, quantity: 6, value: 18000 },
      { unit: 'KG', count: 2, quantity: 42.5, value: 310000 },
      { unit: 'ROUNDS', count: 1, quantity: 500, value: null },
    ]);
    expect(content.totals).toMatchObject({ countries: 2, reportingAgencies: 2 });
    expect(content.timeline.map((w) => [w.week, w.from, w.count])).toEqual([
      ['W1', '2026-08-03', 1], ['W2', '2026-08-10', 1], ['W3', '2026-08-17', 2], ['W4', '2026-08-24', 0], ['W5', '2026-08-31', 0], ['W6', '2026-09-07', 1],
    ]);
    expect(content.notableCases.byValue.map((c) => [c.reference, c.valueUsd])).toEqual([['CL-KY-1', 250000], ['CL-KY-2', 60000], ['CL-JM-1', 10000], ['CL-JM-2', 8000]]);
    expect(content.notableCases.byFirearms.map((c) => [c.reference, c.quantity, c.concealment])).toEqual([['CL-JM-1', 4, 'CONTAINER_STRUCTURE'], ['CL-JM-2', 2, 'BAGGAGE']]);
    // During: the reports the report covers (not CL-DURING-1, which is not linked); before: the
    // participants' reports of the same commodity categories.
    expect(content.trends).toEqual({
      before: { from: '2026-06-22', to: '2026-08-02', count: 2 },
      during: { from: '2026-08-03', to: '2026-09-13', count: 5 },
      changePercent: 150,
      byCommodity: [
        { commodityCategory: 'DRUGS', before: 1, during: 2, changePercent: 100 },
        { commodityCategory: 'FIREARMS', before: 1, during: 2, changePercent: 100 },
        { commodityCategory: 'AMMUNITION', before: 0, during: 1, changePercent: null },
      ],
    });
    expect(content.marking).toEqual({ tlp: 'AMBER', floor: 'AMBER', operationTlp: 'AMBER', contentTlp: 'AMBER', chosen: null });
    expect(content.names.countries).toMatchObject({ JM: 'Jamaica', KY: 'Cayman Islands', US: 'United States', CO: 'Colombia' });
    // Places by UN/LOCODE from the shipped map data; without a location, the country.
    expect(content.map.points.map((p) => [p.label, p.country, p.count])).toEqual([
      ['Kingston Freeport Terminal, Port of Kingston', 'JM', 2], ['George Town cargo port, Grand Cayman', 'KY', 1], ['JM', 'JM', 1], ['KY', 'KY', 1],
    ]);
    expect(content.modusOperandi.routes).toEqual([
      { origin: 'US', destination: 'JM', count: 2, totalValue: 18000 },
      { origin: 'CO', destination: 'KY', count: 1, totalValue: 250000 },
      { origin: 'JM', destination: 'KY', count: 1, totalValue: 60000 },
    ]);
    expect(content.modusOperandi.concealmentByTransport).toHaveLength(5);
    expect(content.modusOperandi.concealmentByTransport[0]).toEqual({ concealment: 'BAGGAGE', transportMode: 'AIR', count: 1, totalValue: 8000 });

    expect(stored.csv!.split('\r\n').slice(0, 4)).toEqual([
      'dimension,key,count,total_quantity,unit,total_value_usd,label',
      'TOTAL,,2,6,ITEMS,18000,',
      'TOTAL,,2,42.5,KG,310000,',
      'TOTAL,,1,500,ROUNDS,,',
    ]);
    expect(stored.csv).toContain('COUNTRY,JM,2,6,ITEMS,18000,Jamaica\r\nCOUNTRY,JM,1,500,ROUNDS,,Jamaica\r\nCOUNTRY,KY,2,42.5,KG,310000,Cayman Islands\r\n');
    expect(stored.csv).toContain('WEEK,W3,2,42.5,KG,310000,W3');
    expect(first.summary).toContain('# Operation CORAL LEDGER: report, version 1');
    expect(first.summary).toContain('**TLP:AMBER**');
    for (const heading of ['## Scope', '## Totals', '## Breakdowns', '## Weekly time line', '## Notable cases', '## Trends', '## Modus operandi']) {
      expect(first.summary).toContain(heading);
    }
    expect(first.summary).toContain('| CL-KY-1 | 20 Aug 2026 | Cayman Islands | Drugs (cocaine) | 12.5 kg | 250,000.00 | Sea | In the hull of a vessel |');
    expect(first.summary).toContain('**Period:** 3 Aug 2026 to 13 Sept 2026 (6 weeks)');
  });

  it('keeps nominal data and invisible reports out of every part of the report', async () => {
    const stored = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: first.id });
    const pdfText = pdfStrings(stored.pdf!);
    const documents = { summary: stored.summary!, csv: stored.csv!, content: JSON.stringify(stored.content), pdfText };
    for (const [part, text] of Object.entries(documents)) {
      for (const forbidden of [...markers, hiddenReference, '999999', '77777', 'CURRENCY', 'CL-TT-1']) {
        if (text.includes(forbidden)) throw new Error(`${part} contains ${forbidden}`);
      }
    }
    // The raw PDF bytes too (metadata, fonts, streams); numbers are left out, as offsets may match.
    const raw = stored.pdf!.toString('latin1');
    for (const forbidden of [...markers, hiddenReference]) expect(raw).not.toContain(forbidden);
  });

  it('renders a PDF with the operation, the tables and the charts', async () => {
    const stored = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: first.id });
    const pdf = stored.pdf!;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    expect(pdf.toString('latin1').match(/\/Type \/Page(?!s)/g)!.length).toBeGreaterThanOrEqual(1);
    const text = pdfStrings(pdf);
    expect(text).toContain('Operation CORAL LEDGER');
    for (const expected of ['Seizures and estimated value by country', 'Estimated value (USD thousands)', 'Seizures (number)', 'Weekly time line', 'Seizure locations and routes', 'Notable cases: highest estimated value', 'Trends', 'CL-KY-1', 'Port of Kingston', 'TLP:AMBER', 'Cayman Islands', 'In the hull of a vessel']) {
      expect(text).toContain(expected);
    }
  });

  it('numbers each compilation as a new version, also when two are asked for at once', async () => {
    const second = await compile(k.jio);
    expect(second.data!.compileOperationReport.version).toBe(2);
    // Concurrent requests only on a real PostgreSQL: the embedded database's socket server
    // (pglite-socket) can interleave the protocol messages of concurrent connections.
    const [a, b] = process.env.DATABASE_URL ? await Promise.all([compile(k.jio), compile(k.jio2)]) : [await compile(k.jio), await compile(k.jio2)];
    expect(a.errors ?? b.errors).toBeUndefined();
    expect([a.data!.compileOperationReport.version, b.data!.compileOperationReport.version].sort()).toEqual([3, 4]);
    const settled = await untilSettled(b.data!.compileOperationReport.id);
    expect(settled.status).toBe('READY');
    // The content does not depend on who compiles it: it is compiled for the audience.
    expect(settled.totals).toEqual(first.totals);
    // Platform administrators administer; they neither compile nor read reports.
    expect((await compile(k.admin)).errors![0].extensions.code).toBe('FORBIDDEN');
    await untilSettled(second.data!.compileOperationReport.id);
    await untilSettled(a.data!.compileOperationReport.id);
  });

  it('shows unpublished reports to the lead only', async () => {
    expect(await report(k.ky, first.id)).toBeNull();
    expect(await report(k.ttAnalyst, first.id)).toBeNull();
    const ky = await platform.gql<{ operation: { reports: unknown[] } }>(k.ky, REPORTS_OF, { id: operationId });
    expect(ky.data!.operation.reports).toEqual([]);
    const jio = await platform.gql<{ operation: { reports: { version: number }[] } }>(k.jio, REPORTS_OF, { id: operationId });
    expect(jio.data!.operation.reports.map((r) => r.version)).toEqual([4, 3, 2, 1]);
    expect((await platform.http().get(`/reports/${first.id}.pdf`).set('authorization', `Bearer ${k.ky}`)).status).toBe(404);
  });

  it('fails a compilation whose analyst is gone, with a short reason, without a new version', async () => {
    const repository = platform.server.runtime.dataSource.getRepository(OperationReportEntity);
    const orphan = await repository.save(repository.create({ operationId, leadAgency: 'JIO', version: 99, status: 'QUEUED', requestedBy: randomUUID(), requestedAt: new Date() }));
    await platform.server.app.get(JobsService).enqueue('operations.compile-report', { reportId: orphan.id }, { jobId: orphan.id });
    const failed = await untilSettled(orphan.id);
    expect(failed).toMatchObject({ status: 'FAILED', failureReason: "The requesting analyst's account is no longer active", progress: null, summary: null });
    expect(await repository.countBy({ operationId })).toBe(5);
    expect((await platform.gql(k.jio, PUBLISH, { id: orphan.id })).errors![0].extensions.code).toBe('CONFLICT');
    await repository.delete({ id: orphan.id });
  });

  it('publishes with a platform signature that OpenPGP.js and GnuPG verify', async () => {
    expect((await platform.gql(k.kyAnalyst, PUBLISH, { id: first.id })).errors![0].extensions.code).toBe('NOT_FOUND');
    // Four eyes: not before a reviewer of the lead agency approved it.
    expect((await platform.gql(k.jio, PUBLISH, { id: first.id })).errors![0].extensions.code).toBe('CONFLICT');
    const approved = await platform.gql<{ approveOperationReport: { status: string } }>(k.reviewer, `mutation($id: ID!) { approveOperationReport(reportId: $id) { status } }`, { id: first.id });
    expect(approved.data?.approveOperationReport.status).toBe('APPROVED');
    const published = await platform.gql<{ publishOperationReport: { status: string; publishedAt: string; signature: NonNullable<Report['signature']> } }>(k.jio, PUBLISH, { id: first.id });
    expect(published.errors).toBeUndefined();
    const { signature } = published.data!.publishOperationReport;
    expect(published.data!.publishOperationReport.status).toBe('PUBLISHED');
    const platformKey = platform.server.app.get(PlatformKeyService);
    expect(signature).toMatchObject({ signerFingerprint: platformKey.fingerprint, verified: true });
    expect((await platform.gql(k.jio, PUBLISH, { id: first.id })).errors![0].extensions.code).toBe('CONFLICT');

    const signed = JSON.parse(signature.signedContent) as Record<string, unknown>;
    const stored = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: first.id });
    expect(signed).toMatchObject({ reportId: first.id, operationId, version: 1, compiledAt: new Date(first.compiledAt!).toISOString(), summarySha256: sha256(stored.summary!), csvSha256: sha256(stored.csv!), pdfSha256: sha256(stored.pdf!) });
    expect(signed.content).toEqual(stored.content);
    // The audience is signed with the report: a copy cannot claim to be for more agencies.
    expect(signed.audience).toEqual(stored.audience);
    expect([...(signed.audience as string[])].sort()).toEqual(['JIO', 'JM', 'KY']);

    const publicKey = await loadPlatformPublicKey(platformKey.armoredPublicKey);
    expect(await verifyDetachedSignature({ content: signature.signedContent, armoredSignature: signature.detached, keys: [publicKey] })).toMatchObject({ valid: true, signerFingerprint: platformKey.fingerprint });
    expect((await verifyDetachedSignature({ content: signature.signedContent.replace('"version":1', '"version":2'), armoredSignature: signature.detached, keys: [publicKey] })).valid).toBe(false);

    const gpg = await GpgHome.create();
    try {
      await gpg.import(platformKey.armoredPublicKey);
      const json = (await platform.http().get(`/reports/${first.id}.json`).set('authorization', `Bearer ${k.ky}`)).text;
      const sig = (await platform.http().get(`/reports/${first.id}.sig.asc`).set('authorization', `Bearer ${k.ky}`)).text;
      expect(json).toBe(signature.signedContent);
      const verified = await gpg.gpg(['--verify', await gpg.writeFile('report.sig.asc', sig), await gpg.writeFile('report.json', json)]);
      expect(verified.code).toBe(0);
      expect(verified.status.some((line) => line.startsWith(`VALIDSIG ${platformKey.fingerprint}`))).toBe(true);
      const tampered = await gpg.gpg(['--verify', gpg.path('report.sig.asc'), await gpg.writeFile('tampered.json', json.replace('"version":1', '"version":2'))]);
      expect(tampered.code).not.toBe(0);
    } finally {
      await gpg.dispose();
    }

    const events = await platform.server.runtime.dataSource.getRepository(AuditEventEntity).findBy({ resourceId: first.id });
    expect(events.map((e) => e.action).sort()).toEqual(['operation-report.approve', 'operation-report.compile', 'operation-report.publish']);
  });

  it('shows the published report to every participant and to nobody else', async () => {
    const ky = await report(k.ky, first.id);
    expect(ky).toMatchObject({ status: 'PUBLISHED', version: 1, totals: { count: 5, totalValue: 328000 }, signature: { verified: true } });
    expect(ky!.summary).toBe(first.summary);
    const kyList = await platform.gql<{ operation: { reports: { id: string }[] } }>(k.ky, REPORTS_OF, { id: operationId });
    expect(kyList.data!.operation.reports.map((r) => r.id)).toEqual([first.id]);
    expect(await report(k.ttAnalyst, first.id)).toBeNull();
  });

  it('serves the documents over HTTP with the same access rules', async () => {
    const stored = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: first.id });
    const pdf = await platform.http().get(`/reports/${first.id}.pdf`).set('authorization', `Bearer ${k.ky}`).buffer(true).parse(binary);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="coral-ledger-report-v1.pdf"');
    expect(Buffer.compare(pdf.body as Buffer, stored.pdf!)).toBe(0);

    const csv = await platform.http().get(`/reports/${first.id}.csv`).set('authorization', `Bearer ${k.jio}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.text).toBe(stored.csv);
    const md = await platform.http().get(`/reports/${first.id}.md`).set('authorization', `Bearer ${k.jio}`);
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.text).toBe(stored.summary);

    const outsider = await platform.http().get(`/reports/${first.id}.pdf`).set('authorization', `Bearer ${k.ttAnalyst}`);
    expect(outsider.status).toBe(404);
    expect(outsider.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Report not found' } });
    expect((await platform.http().get(`/reports/${first.id}.pdf`)).status).toBe(401);
    expect((await platform.http().get(`/reports/${first.id}.exe`).set('authorization', `Bearer ${k.jio}`)).status).toBe(404);
    expect((await platform.http().get(`/reports/${randomUUID()}.csv`).set('authorization', `Bearer ${k.jio}`)).status).toBe(404);
  });
});
