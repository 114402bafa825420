import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { In } from 'typeorm';
import { PlatformKeyService } from '../../src/keys/platform-key.service.js';
import { OperationReportEntity } from '../../src/operations/reports/operation-report.entity.js';
import type { ReportContent } from '../../src/operations/reports/report-content.js';
import { ReportCompilerService } from '../../src/operations/reports/report-compiler.service.js';
import { GpgHome } from '../support/gpg.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const run = promisify(execFile);

const CREATE = `mutation($i: OperationInput!) { createOperation(input: $i) { id } }`;
const STATUS = `mutation($id: ID!, $s: OperationStatus!) { setOperationStatus(operationId: $id, status: $s) { status } }`;
const COMPILE = `mutation($id: ID!, $o: CompileReportOptions) { compileOperationReport(operationId: $id, options: $o) { id status version language } }`;
const WRITE = `mutation($id: ID!, $i: ReportNarrativeInput!) { writeOperationReportNarrative(reportId: $id, input: $i) { id status marking { tlp floor chosen } executiveSummary assessment } }`;
const APPROVE = `mutation($id: ID!) { approveOperationReport(reportId: $id) { id status reviewedAt } }`;
const REJECT = `mutation($id: ID!, $c: String!) { rejectOperationReport(reportId: $id, comment: $c) { id status reviewComment } }`;
const PUBLISH = `mutation($id: ID!) { publishOperationReport(reportId: $id) { id status } }`;
const OUTCOME = `mutation($id: ID!, $i: OperationOutcomeInput!) { recordOperationOutcome(operationId: $id, input: $i) { agencyCode arrests casesOpened prosecutions controlledDeliveries followUpActions notes } }`;
const REPORT = `query($id: ID!) { operationReport(id: $id) { id status version language summary marking { tlp floor contentTlp operationTlp chosen }
  history { action agency actorEmail comment } } }`;

interface Report {
  id: string;
  status: string;
  version: number;
  language: string;
  summary: string | null;
  marking: { tlp: string; floor: string; contentTlp: string | null; operationTlp: string; chosen: string | null } | null;
  history: { action: string; agency: string; actorEmail: string | null; comment: string | null }[];
}

/** Reads a binary HTTP body as a Buffer. */
function binary(response: { on(event: string, listener: (chunk?: Buffer) => void): void }, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk) => chunks.push(chunk!));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** Each page of a PDF as RGB pixels, rendered by poppler's pdftoppm (PPM: a header, then bytes). */
async function renderPages(pdf: Buffer, dpi = 72): Promise<{ width: number; height: number; rgb: Buffer }[]> {
  const dir = await mkdtemp(join(tmpdir(), 'wwpdf-'));
  try {
    await writeFile(join(dir, 'report.pdf'), pdf);
    await run('pdftoppm', ['-r', String(dpi), join(dir, 'report.pdf'), join(dir, 'page')]);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ppm')).sort();
    return Promise.all(files.map(async (file) => {
      const data = await readFile(join(dir, file));
      const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 40).toString('latin1'))!;
      return { width: Number(header[1]), height: Number(header[2]), rgb: data.subarray(header[0].length) };
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pixels of about `colour` (FIRST's TLP colours) within rows [from, to) of the page. */
function pixelsOf(page: { width: number; rgb: Buffer }, from: number, to: number, colour: [number, number, number]): number {
  let n = 0;
  for (let y = from; y < to; y++) {
    for (let x = 0; x < page.width; x++) {
      const i = (y * page.width + x) * 3;
      if (Math.abs(page.rgb[i] - colour[0]) < 30 && Math.abs(page.rgb[i + 1] - colour[1]) < 30 && Math.abs(page.rgb[i + 2] - colour[2]) < 30) n++;
    }
  }
  return n;
}

describe('operation reports: four-eyes publication, markings, outcomes, languages, signed documents', () => {
  let platform: TestPlatform;
  const k = {} as Record<'analyst' | 'analystReviewer' | 'reviewer' | 'otherReviewer' | 'jm' | 'ky' | 'tt', string>;
  const emails = {} as Record<string, string>;
  let operationId: string;
  let kyReport: string;

  const report = async (key: string, id: string) => {
    const response = await platform.gql<{ operationReport: Report | null }>(key, REPORT, { id });
    expect(response.errors).toBeUndefined();
    return response.data!.operationReport;
  };
  async function compiled(key: string, options: Record<string, unknown> | null = null): Promise<Report> {
    const queued = await platform.gql<{ compileOperationReport: { id: string } }>(key, COMPILE, { id: operationId, o: options });
    expect(queued.errors).toBeUndefined();
    const id = queued.data!.compileOperationReport.id;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const current = await report(key, id);
      if (current && ['READY', 'FAILED'].includes(current.status)) return current;
      if (Date.now() > deadline) throw new Error(`report ${id} is still ${current?.status}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  const code = (response: { errors?: { extensions: { code: string } }[] }) => response.errors?.[0]?.extensions.code;

  beforeAll(async () => {
    platform = await startTestPlatform({ worker: true });
    const make = async (name: keyof typeof k, agency: string, roles: string[]) => {
      const user = await platform.userWithKey(agency, roles);
      k[name] = user.key;
      emails[name] = user.email;
    };
    await make('analyst', 'JIO', ['ANALYST']);
    await make('analystReviewer', 'JIO', ['ANALYST', 'REVIEWER']);
    await make('reviewer', 'JIO', ['REVIEWER']);
    await make('otherReviewer', 'JM', ['REVIEWER']);
    await make('jm', 'JM', ['ELO']);
    await make('ky', 'KY', ['ELO']);
    await make('tt', 'TT', ['ELO']);
    const created = await platform.gql<{ createOperation: { id: string } }>(k.analyst, CREATE, {
      i: { codeName: 'Reef Watch', focus: 'Small arms by sea', tlp: 'GREEN', startsAt: '2026-08-03T00:00:00Z', endsAt: '2026-08-31T00:00:00Z', participants: ['JM', 'KY'] },
    });
    operationId = created.data!.createOperation.id;
    await platform.gql(k.analyst, STATUS, { id: operationId, s: 'ACTIVE' });
    const linked = { operationId };
    await submitSeizure(platform, k.jm, { ...linked, reference: 'RW-JM-1', tlp: 'GREEN', seizedAt: '2026-08-04T10:00:00Z', country: 'JM', location: { name: 'Port of Kingston', unlocode: 'JMKIN' },
      transportMode: 'SEA', commodity: { category: 'FIREARMS', type: 'pistol' }, quantity: { value: 3, unit: 'ITEMS' }, estimatedValue: { amount: 9000, currency: 'USD' }, concealment: 'IN_GOODS: in a barrel under canned food', route: { origin: 'US', destination: 'JM' } });
    await submitSeizure(platform, k.jm, { ...linked, reference: 'RW-JM-2', tlp: 'AMBER', releasableTo: ['JIO'], seizedAt: '2026-08-12T10:00:00Z', country: 'JM',
      transportMode: 'AIR', commodity: { category: 'AMMUNITION' }, quantity: { value: 200, unit: 'ROUNDS' }, estimatedValue: { amount: 600, currency: 'USD' } });
    kyReport = (await submitSeizure(platform, k.ky, { ...linked, reference: 'RW-KY-1', tlp: 'GREEN', seizedAt: '2026-08-20T10:00:00Z', country: 'KY',
      transportMode: 'SEA', commodity: { category: 'FIREARMS' }, quantity: { value: 2, unit: 'ITEMS' }, estimatedValue: { amount: 5000, currency: 'USD' } })).id;
  });
  afterAll(() => platform?.stop());

  it('records follow-up outcomes per participating administration, only during FOLLOW_UP, without contact details', async () => {
    const outcome = { arrests: 2, casesOpened: 1, prosecutions: 1, controlledDeliveries: 0, followUpActions: 3, notes: 'Importer referred for licensing review.' };
    expect(code(await platform.gql(k.jm, OUTCOME, { id: operationId, i: outcome }))).toBe('FORBIDDEN'); // still ACTIVE
    await platform.gql(k.analyst, STATUS, { id: operationId, s: 'FOLLOW_UP' });
    const recorded = await platform.gql<{ recordOperationOutcome: Record<string, unknown> }>(k.jm, OUTCOME, { id: operationId, i: outcome });
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordOperationOutcome).toEqual({ agencyCode: 'JM', ...outcome });
    expect(code(await platform.gql(k.tt, OUTCOME, { id: operationId, i: outcome }))).toBe('NOT_FOUND'); // TT takes no part
    expect(code(await platform.gql(k.ky, OUTCOME, { id: operationId, i: { ...outcome, notes: 'Call officer at liaison@ky.example' } }))).toBe('BAD_USER_INPUT');
    expect(code(await platform.gql(k.ky, OUTCOME, { id: operationId, i: { ...outcome, notes: 'Passport 12345678 held' } }))).toBe('BAD_USER_INPUT');
    expect(code(await platform.gql(k.ky, OUTCOME, { id: operationId, i: { ...outcome, arrests: -1 } }))).toBe('BAD_USER_INPUT');
    const list = await platform.gql<{ operation: { outcomes: { agencyCode: string }[] } }>(k.ky, `query($id: ID!) { operation(id: $id) { outcomes { agencyCode } } }`, { id: operationId });
    expect(list.data!.operation.outcomes).toEqual([{ agencyCode: 'JM' }]);
    // In the API contract's words: `cases`, counts that may be left out, and the administration as an Agency.
    const CONTRACT_OUTCOME = `mutation($id: ID!, $i: OperationOutcomeInput!) { recordOperationOutcome(operationId: $id, input: $i) { agency { code } arrests cases prosecutions controlledDeliveries notes recordedAt } }`;
    const contract = await platform.gql<{ recordOperationOutcome: Record<string, unknown> }>(k.ky, CONTRACT_OUTCOME, { id: operationId, i: { arrests: 1, cases: 2, notes: 'Two cases opened.' } });
    expect(contract.errors).toBeUndefined();
    expect(contract.data!.recordOperationOutcome).toEqual({ agency: { code: 'KY' }, arrests: 1, cases: 2, prosecutions: 0, controlledDeliveries: 0, notes: 'Two cases opened.', recordedAt: expect.any(String) });
    expect(code(await platform.gql(k.ky, CONTRACT_OUTCOME, { id: operationId, i: { cases: 2, casesOpened: 3 } }))).toBe('BAD_USER_INPUT');
    // Two recordings at once, by two officers of one administration: neither loses the other's count.
    const tt2 = await platform.userWithKey('KY', ['ELO']);
    await Promise.all([
      platform.gql(tt2.key, CONTRACT_OUTCOME, { id: operationId, i: { controlledDeliveries: 4 } }),
      platform.gql(k.ky, CONTRACT_OUTCOME, { id: operationId, i: { arrests: 1 } }),
    ]);
    // One count at a time: what is left out keeps what was recorded before.
    const one = await platform.gql<{ recordOperationOutcome: Record<string, unknown> }>(k.ky, CONTRACT_OUTCOME, { id: operationId, i: { prosecutions: 1 } });
    expect(one.data!.recordOperationOutcome).toMatchObject({ arrests: 1, cases: 2, prosecutions: 1, controlledDeliveries: 4, notes: 'Two cases opened.' });
  });

  it('marks a report at least as restrictively as its content; the analyst may go stricter, never looser', async () => {
    expect(code(await platform.gql(k.analyst, COMPILE, { id: operationId, o: { tlp: 'CLEAR' } }))).toBe('BAD_USER_INPUT'); // below the operation
    const looser = await compiled(k.analyst, { tlp: 'GREEN' }); // above the operation, below the AMBER content
    expect(looser.status).toBe('FAILED');
    const v = await compiled(k.analyst);
    expect(v.marking).toEqual({ tlp: 'AMBER', floor: 'AMBER', contentTlp: 'AMBER', operationTlp: 'GREEN', chosen: null });
    expect(v.summary).toContain('**TLP:AMBER**');
    expect(code(await platform.gql(k.analyst, WRITE, { id: v.id, i: { tlp: 'GREEN' } }))).toBe('BAD_USER_INPUT');
    const stricter = await platform.gql<{ writeOperationReportNarrative: { marking: { tlp: string } } }>(k.analyst, WRITE, { id: v.id, i: { tlp: 'AMBER_STRICT' } });
    expect(stricter.data!.writeOperationReportNarrative.marking.tlp).toBe('AMBER_STRICT');
    expect((await report(k.analyst, v.id))!.summary).toContain('**TLP:AMBER+STRICT**');
  });

  it('puts the TLP label, in its FIRST colour, at the top and the bottom of every PDF page', async () => {
    const v = await compiled(k.analyst);
    const stored = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: v.id });
    // The chart compares with the analyst's previous compiled version (v2; v1 failed).
    expect((stored.content as unknown as ReportContent).comparison).toMatchObject({ kind: 'PREVIOUS_VERSION', version: 2, count: 3, totalValue: 14600 });
    const pdf = stored.pdf!;
    const pages = await renderPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const amber: [number, number, number] = [0xff, 0xc0, 0x00];
    for (const [index, page] of pages.entries()) {
      const band = Math.round(page.height * 0.06);
      const top = pixelsOf(page, 0, band, amber);
      const bottom = pixelsOf(page, page.height - band, page.height, amber);
      if (top < 15 || bottom < 15) throw new Error(`page ${index + 1}: ${top} amber pixels at the top, ${bottom} at the bottom`);
    }
  });

  it('writes computed text in the language chosen at compilation, and the analyst\'s words as written', async () => {
    const fr = await compiled(k.analyst, { language: 'FR' });
    expect(fr.language).toBe('FR');
    const written = await platform.gql<{ writeOperationReportNarrative: { executiveSummary: string } }>(k.analyst, WRITE, { id: fr.id, i: { executiveSummary: 'Key findings, in English.' } });
    expect(written.errors).toBeUndefined();
    const summary = (await report(k.analyst, fr.id))!.summary!;
    expect(summary).toContain('## Synthèse\n\nKey findings, in English.');
    expect(summary).toContain('## Totaux');
    expect(summary).toContain('Jamaïque');
    expect(summary).toContain('Armes à feu');
    expect(summary).toContain('Parmi ou dans des marchandises: in a barrel under canned food');
    expect(summary).toContain('### Jamaica Customs Agency (JM)');
  });

  it('is published only after a second JIO user with REVIEWER approves it; rejections stop it', async () => {
    const v = await compiled(k.analystReviewer);
    const written = await platform.gql(k.analyst, WRITE, { id: v.id, i: { executiveSummary: 'Pistols by sea from Florida.', assessment: '1. Keep the barrel profile.' } });
    expect(written.errors).toBeUndefined();
    // Participants do not see it before publication; the lead's reviewers do.
    expect(await report(k.jm, v.id)).toBeNull();
    expect(await report(k.otherReviewer, v.id)).toBeNull();
    expect((await report(k.reviewer, v.id))!.status).toBe('IN_REVIEW');
    // The compiler cannot approve their own report, nor can the writer; an analyst is no reviewer.
    expect(code(await platform.gql(k.analystReviewer, APPROVE, { id: v.id }))).toBe('FORBIDDEN');
    expect(code(await platform.gql(k.analyst, APPROVE, { id: v.id }))).toBe('FORBIDDEN');
    expect(code(await platform.gql(k.otherReviewer, APPROVE, { id: v.id }))).toBe('NOT_FOUND');
    expect(code(await platform.gql(k.analystReviewer, PUBLISH, { id: v.id }))).toBe('CONFLICT');
    // Rejected, with a comment: it cannot be published.
    expect(code(await platform.gql(k.reviewer, REJECT, { id: v.id, c: '  ' }))).toBe('BAD_USER_INPUT');
    const rejected = await platform.gql<{ rejectOperationReport: { status: string; reviewComment: string } }>(k.reviewer, REJECT, { id: v.id, c: 'The assessment needs a recommendation on parcels.' });
    expect(rejected.data!.rejectOperationReport).toMatchObject({ status: 'REJECTED', reviewComment: 'The assessment needs a recommendation on parcels.' });
    expect(code(await platform.gql(k.analystReviewer, PUBLISH, { id: v.id }))).toBe('CONFLICT');
    expect(code(await platform.gql(k.reviewer, APPROVE, { id: v.id }))).toBe('CONFLICT');
    // Revised by the analyst: awaiting review again, then approved by the reviewer.
    await platform.gql(k.analyst, WRITE, { id: v.id, i: { assessment: '1. Keep the barrel profile.\n2. Screen outbound parcels.' } });
    // The reviewer reads exactly what the participants will get.
    const seenByReviewer = await platform.http().get(`/reports/${v.id}.pdf`).set('authorization', `Bearer ${k.reviewer}`).buffer(true).parse(binary);
    const approved = await platform.gql<{ approveOperationReport: { status: string } }>(k.reviewer, APPROVE, { id: v.id });
    expect(approved.data!.approveOperationReport.status).toBe('APPROVED');
    const published = await platform.gql<{ publishOperationReport: { status: string } }>(k.analystReviewer, PUBLISH, { id: v.id });
    expect(published.data!.publishOperationReport.status).toBe('PUBLISHED');
    const seenByParticipant = await platform.http().get(`/reports/${v.id}.pdf`).set('authorization', `Bearer ${k.jm}`).buffer(true).parse(binary);
    expect(Buffer.compare(seenByParticipant.body as Buffer, seenByReviewer.body as Buffer)).toBe(0);

    // The history, as a participant sees it: who (agency) did what, the rejection's comment.
    const history = (await report(k.jm, v.id))!.history;
    expect(history.map((h) => [h.action, h.agency])).toEqual([['COMPILE', 'JIO'], ['ASSESS', 'JIO'], ['REJECT', 'JIO'], ['ASSESS', 'JIO'], ['APPROVE', 'JIO'], ['PUBLISH', 'JIO']]);
    expect(history.find((h) => h.action === 'REJECT')!.comment).toBe('The assessment needs a recommendation on parcels.');
    expect(history.every((h) => h.actorEmail === null)).toBe(true);
    const ownHistory = (await report(k.analyst, v.id))!.history;
    expect(ownHistory.find((h) => h.action === 'APPROVE')!.actorEmail).toBe(emails.reviewer);
  });

  it('signs every document of a published report, each verifiable with gpg --verify', async () => {
    const published = (await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ status: 'PUBLISHED', operationId }));
    const content = published.content as unknown as ReportContent;
    expect(content.narrative.assessment).toContain('Screen outbound parcels.');
    const gpg = await GpgHome.create();
    try {
      await gpg.import(platform.server.app.get(PlatformKeyService).armoredPublicKey);
      for (const extension of ['pdf', 'csv', 'md', 'json']) {
        const document = await platform.http().get(`/reports/${published.id}.${extension}`).set('authorization', `Bearer ${k.ky}`).buffer(true).parse(binary);
        const signature = await platform.http().get(`/reports/${published.id}.${extension}.asc`).set('authorization', `Bearer ${k.ky}`);
        expect(signature.status).toBe(200);
        expect(signature.headers['content-disposition']).toContain(`.${extension}.asc"`);
        const docPath = gpg.path(`report.${extension}`);
        await writeFile(docPath, document.body as Buffer);
        const verified = await gpg.gpg(['--verify', await gpg.writeFile(`report.${extension}.asc`, signature.text), docPath]);
        if (verified.code !== 0) throw new Error(`${extension}: ${verified.stderr}`);
        const tampered = Buffer.concat([document.body as Buffer, Buffer.from(' ')]);
        await writeFile(gpg.path(`tampered.${extension}`), tampered);
        expect((await gpg.gpg(['--verify', gpg.path(`report.${extension}.asc`), gpg.path(`tampered.${extension}`)])).code).not.toBe(0);
      }
    } finally {
      await gpg.dispose();
    }
    // Unpublished versions have no signatures.
    const ready = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ status: In(['READY', 'IN_REVIEW']), operationId });
    expect((await platform.http().get(`/reports/${ready.id}.pdf.asc`).set('authorization', `Bearer ${k.analyst}`)).status).toBe(409);
  });

  it('takes the assessment by the contract\'s setOperationReportAssessment too: the report is then IN_REVIEW, and approved from there', async () => {
    const v = await compiled(k.analyst);
    const SET = 'mutation($id: ID!, $s: String!, $a: String!) { setOperationReportAssessment(reportId: $id, executiveSummary: $s, assessment: $a) { id status executiveSummary assessment } }';
    const set = await platform.gql<{ setOperationReportAssessment: Record<string, unknown> }>(k.analyst, SET, { id: v.id, s: 'Pistols by sea.', a: '1. Watch the barrels.' });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setOperationReportAssessment).toEqual({ id: v.id, status: 'IN_REVIEW', executiveSummary: 'Pistols by sea.', assessment: '1. Watch the barrels.' });
    const approved = await platform.gql<{ approveOperationReport: { status: string } }>(k.reviewer, APPROVE, { id: v.id });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveOperationReport.status).toBe('APPROVED');
    // The contract's fields of a report: its marking, totals per unit, a withheld count for the compiler, and signed documents once published.
    const CONTRACT_REPORT = 'query($id: ID!) { operationReport(id: $id) { status tlp marking { tlp } totalsByUnit { keys count totalQuantity quantityUnit } withheld documents { format url signature } } }';
    type ContractReport = { status: string; tlp: string; marking: { tlp: string }; totalsByUnit: { keys: string[]; count: number; totalQuantity: number; quantityUnit: string }[]; withheld: number | null; documents: { format: string; url: string; signature: string }[] };
    const before = (await platform.gql<{ operationReport: ContractReport }>(k.analyst, CONTRACT_REPORT, { id: v.id })).data!.operationReport;
    expect(before).toMatchObject({ status: 'APPROVED', withheld: expect.any(Number), documents: [] });
    expect(before.tlp).toBe(before.marking.tlp); // never less restrictive than its content (here AMBER, above the operation's GREEN)
    expect(before.totalsByUnit.map((bucket) => bucket.quantityUnit).sort()).toEqual(['ITEMS', 'ROUNDS']);
    expect(before.totalsByUnit.every((bucket) => bucket.keys[0] === bucket.quantityUnit && bucket.count > 0)).toBe(true);
    expect((await platform.gql<{ operationReport: ContractReport }>(k.reviewer, CONTRACT_REPORT, { id: v.id })).data!.operationReport.withheld).toBeNull();
    expect((await platform.gql(k.analyst, PUBLISH, { id: v.id })).errors).toBeUndefined();
    const after = (await platform.gql<{ operationReport: ContractReport }>(k.analyst, CONTRACT_REPORT, { id: v.id })).data!.operationReport;
    expect(after.documents.map((document) => [document.format, document.url])).toEqual([
      ['PDF', `/reports/${v.id}.pdf`], ['CSV', `/reports/${v.id}.csv`], ['MD', `/reports/${v.id}.md`], ['JSON', `/reports/${v.id}.json`],
    ]);
    for (const document of after.documents) expect(document.signature).toContain('-----BEGIN PGP SIGNATURE-----');
    const pdf = await platform.http().get(after.documents[0].url).set('authorization', `Bearer ${k.analyst}`);
    expect(pdf.status).toBe(200);
  });

  it("takes the language where the contract puts it, compileOperationReport(operationId, language), and refuses two different ones", async () => {
    const queued = await platform.gql<{ compileOperationReport: { id: string; language: string } }>(k.analyst, 'mutation($id: ID!) { compileOperationReport(operationId: $id, language: FR) { id language } }', { id: operationId });
    expect(queued.errors).toBeUndefined();
    expect(queued.data!.compileOperationReport.language).toBe('FR');
    const both = await platform.gql(k.analyst, 'mutation($id: ID!) { compileOperationReport(operationId: $id, language: FR, options: { language: ES }) { id } }', { id: operationId });
    expect(code(both)).toBe('BAD_USER_INPUT');
  });

  it('lets no reviewer approve words they wrote, even after another analyst wrote on the report', async () => {
    const v = await compiled(k.analyst);
    expect((await platform.gql(k.analystReviewer, WRITE, { id: v.id, i: { executiveSummary: 'Mine.', assessment: '1. Also mine.' } })).errors).toBeUndefined();
    // The compiler then only marks it more restrictively: the words are still the analyst-reviewer's.
    expect((await platform.gql(k.analyst, WRITE, { id: v.id, i: { tlp: 'AMBER_STRICT' } })).errors).toBeUndefined();
    expect(code(await platform.gql(k.analystReviewer, APPROVE, { id: v.id }))).toBe('FORBIDDEN');
    expect(code(await platform.gql(k.analystReviewer, REJECT, { id: v.id, c: 'Rejecting my own words.' }))).toBe('FORBIDDEN');
    expect((await report(k.analyst, v.id))!.status).toBe('IN_REVIEW');
    expect((await platform.gql(k.reviewer, APPROVE, { id: v.id })).errors).toBeUndefined();
  });

  const approvedVersion = async () => {
    const v = await compiled(k.analyst);
    expect(v.status).toBe('READY');
    expect((await platform.gql(k.analystReviewer, WRITE, { id: v.id, i: { executiveSummary: 'Pistols by sea.', assessment: '1. Watch the barrels.' } })).errors).toBeUndefined();
    expect((await platform.gql(k.reviewer, APPROVE, { id: v.id })).errors).toBeUndefined();
    return v.id;
  };

  it('publishes a version although reports were linked after it was compiled: they are simply not in it', async () => {
    const v = await approvedVersion();
    await submitSeizure(platform, k.jm, { operationId, reference: 'RW-JM-LATE', tlp: 'GREEN', seizedAt: '2026-08-25T10:00:00Z', country: 'JM', transportMode: 'SEA', commodity: { category: 'FIREARMS' }, quantity: { value: 1, unit: 'ITEMS' } });
    const published = await platform.gql<{ publishOperationReport: { status: string } }>(k.analyst, PUBLISH, { id: v });
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishOperationReport.status).toBe('PUBLISHED');
    const stored = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: v });
    expect(JSON.stringify(stored.content)).not.toContain('RW-JM-LATE');
  });

  it('refuses a version compiled before publication checked its sources', async () => {
    const v = await approvedVersion();
    await platform.server.runtime.dataSource.getRepository(OperationReportEntity).update({ id: v }, { sourceIds: null, sourceDigest: null });
    const refused = await platform.gql(k.analyst, PUBLISH, { id: v });
    expect(code(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toContain('compiled before publication checked');
  });

  it('neither publishes nor compares with a version compiled by an earlier Windward (its audience also read by releases)', async () => {
    const reports = platform.server.runtime.dataSource.getRepository(OperationReportEntity);
    const asEarlier = (id: string) => platform.server.runtime.dataSource.query(
      `UPDATE operation_reports SET content = jsonb_set(content, '{format}', '"windward.operation-report/2"') WHERE id = $1`, [id]);
    const old = await approvedVersion();
    await asEarlier(old);
    const refused = await platform.gql(k.analyst, PUBLISH, { id: old });
    expect(code(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toContain('compiled by an earlier version of Windward');
    // The next version compares with the newest one of today's format, never with the earlier one.
    const next = await compiled(k.analyst);
    const comparison = ((await reports.findOneByOrFail({ id: next.id })).content as unknown as ReportContent).comparison;
    expect(comparison?.version).not.toBe((await reports.findOneByOrFail({ id: old })).version);
  });

  it('publishes only what its audience may still read: a linked report raised to RED after compilation stops it', async () => {
    const stale = await approvedVersion();
    // KY raises its linked report to RED after the compilation: JM may no longer read it.
    const raised = await platform.gql(k.ky, 'mutation($id: ID!) { updateSeizure(id: $id, input: { tlp: RED }) { tlp } }', { id: kyReport });
    expect(raised.errors).toBeUndefined();
    expect((await platform.gql<{ seizure: unknown }>(k.jm, 'query($id: ID!) { seizure(id: $id) { id } }', { id: kyReport })).data!.seizure).toBeNull();
    const refused = await platform.gql(k.analyst, PUBLISH, { id: stale });
    expect(code(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toContain('compile a new version');
    expect((await report(k.analyst, stale))!.status).toBe('APPROVED');
    expect(await report(k.jm, stale)).toBeNull();
    // A version compiled now leaves the RED report out, and is published.
    const fresh = await approvedVersion();
    expect((await platform.gql<{ publishOperationReport: { status: string } }>(k.analyst, PUBLISH, { id: fresh })).data!.publishOperationReport.status).toBe('PUBLISHED');
    const reports = platform.server.runtime.dataSource.getRepository(OperationReportEntity);
    const stored = await reports.findOneByOrFail({ id: fresh });
    expect(JSON.stringify(stored.content)).not.toContain('RW-KY-1');
    // Nor does it quote the stale version's figures, which count the report JM no longer reads.
    expect((stored.content as unknown as ReportContent).comparison?.version).not.toBe((await reports.findOneByOrFail({ id: stale })).version);
  });

  it('keeps in what publication checks every report the content holds, also one linked while it was compiled', async () => {
    const compiler = platform.server.app.get(ReportCompilerService);
    const compile = compiler.compile.bind(compiler);
    let racing: string | undefined;
    // JM links a report just as the content is being read (after the sources were taken).
    compiler.compile = async (...args) => {
      compiler.compile = compile;
      racing = (await submitSeizure(platform, k.jm, { operationId, reference: 'RW-JM-RACE', tlp: 'GREEN', seizedAt: '2026-08-26T10:00:00Z', country: 'JM', transportMode: 'SEA',
        commodity: { category: 'FIREARMS' }, quantity: { value: 40, unit: 'ITEMS' }, estimatedValue: { amount: 900000, currency: 'USD' } })).id;
      return compile(...args);
    };
    const v = await compiled(k.analyst);
    expect(racing).toBeDefined();
    expect(v.summary).toContain('RW-JM-RACE');
    await platform.gql(k.analystReviewer, WRITE, { id: v.id, i: { executiveSummary: 'Raced.', assessment: '1. Raced.' } });
    expect((await platform.gql(k.reviewer, APPROVE, { id: v.id })).errors).toBeUndefined();
    // JM then raises it to RED: the approved version, which names it, must not reach KY.
    expect((await platform.gql(k.jm, 'mutation($id: ID!) { updateSeizure(id: $id, input: { tlp: RED }) { tlp } }', { id: racing })).errors).toBeUndefined();
    expect(code(await platform.gql(k.analyst, PUBLISH, { id: v.id }))).toBe('CONFLICT');
    expect(await report(k.ky, v.id)).toBeNull();
  });

  it('publishes no trend that counts a report its audience no longer reads: one of the period before raised to RED stops it', async () => {
    // KY's own CLEAR report from before the operation, not linked to it: the trends count it.
    const earlier = (await submitSeizure(platform, k.ky, { reference: 'RW-KY-EARLIER', tlp: 'CLEAR', seizedAt: '2026-07-20T10:00:00Z', country: 'KY', transportMode: 'SEA',
      commodity: { category: 'FIREARMS' }, quantity: { value: 1, unit: 'ITEMS' } })).id;
    const v = await approvedVersion();
    const counted = ((await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: v })).content as unknown as ReportContent).trends;
    expect(counted.byCommodity.find((c) => c.commodityCategory === 'FIREARMS')!.before).toBe(1);
    expect((await platform.gql(k.ky, 'mutation($id: ID!) { updateSeizure(id: $id, input: { tlp: RED }) { tlp } }', { id: earlier })).errors).toBeUndefined();
    expect(code(await platform.gql(k.analyst, PUBLISH, { id: v }))).toBe('CONFLICT');
  });

  it('refuses publication once the operation has closed: participants no longer read its reports', async () => {
    const v = await compiled(k.analyst);
    await platform.gql(k.analystReviewer, WRITE, { id: v.id, i: { executiveSummary: 'Closing.', assessment: '1. Done.' } });
    expect((await platform.gql(k.reviewer, APPROVE, { id: v.id })).errors).toBeUndefined();
    expect((await platform.gql(k.analyst, STATUS, { id: operationId, s: 'CLOSED' })).errors).toBeUndefined();
    expect(code(await platform.gql(k.analyst, PUBLISH, { id: v.id }))).toBe('CONFLICT');
  });
});
