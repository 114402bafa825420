import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import { SeizureVersionEntity } from '../../src/seizures/data/seizure-version.entity.js';
import { SUBMIT, seizureInput, submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type GraphqlResponse, type TestPlatform } from '../support/test-platform.js';

type PageData = { seizures: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe('submitting and changing seizure reports', () => {
  let platform: TestPlatform;
  let elo: string;
  let other: string;

  const count = () => platform.server.runtime.dataSource.getRepository(SeizureEntity).count();

  beforeAll(async () => {
    platform = await startTestPlatform();
    elo = (await platform.userWithKey('JM', ['ELO'])).key;
    other = (await platform.userWithKey('KY', ['ELO'])).key;
  });
  afterAll(() => platform.stop());

  /** One bad value per field family; each must name its field and write nothing. */
  const BAD_INPUTS: [string, Record<string, unknown>, string][] = [
    ['country code', { country: 'XX' }, 'country'],
    ['country of a route', { route: { origin: 'ZZ', transit: ['US', 'Q1'] } }, 'route.origin'],
    ['currency', { estimatedValue: { amount: 10, currency: 'ABC' } }, 'estimatedValue.currency'],
    ['negative value', { estimatedValue: { amount: -1, currency: 'USD' } }, 'estimatedValue.amount'],
    ['UN/LOCODE', { location: { name: 'Kingston', unlocode: 'JM-KIN' } }, 'location.unlocode'],
    ['latitude', { location: { name: 'Kingston', latitude: 123, longitude: 0 } }, 'location.latitude'],
    ['unit', { quantity: { value: 3, unit: 'BARRELS' } }, 'quantity.unit'],
    ['zero quantity', { quantity: { value: 0, unit: 'KG' } }, 'quantity.value'],
    ['evaluation grade of the scheme', { evaluation: { scheme: 'EUROPOL_4X4', source: 'E', information: '1' } }, 'evaluation.source'],
    ['handling code', { handling: { code: 'H9' } }, 'handling.code'],
    ['handling conditions required', { handling: { code: 'H3' } }, 'handling.conditions'],
    ['future seizure date', { seizedAt: '2099-01-01T00:00:00Z' }, 'seizedAt'],
    ['reference characters', { reference: 'bad reference!' }, 'reference'],
    ['long concealment', { concealment: 'x'.repeat(501) }, 'concealment'],
    ['person nationality', { sensitive: { persons: [{ name: 'X', nationality: 'Atlantis' }] } }, 'sensitive.persons.0.nationality'],
    ['server-blind outside RED', { tlp: 'AMBER', serverBlind: true }, 'serverBlind'],
    ['named users outside RED', { tlp: 'AMBER', releasableToUsers: ['8d3c4b7e-0000-4000-8000-000000000000'] }, 'releasableToUsers'],
    ['unknown agency', { releasableTo: ['NOPE'] }, 'releasableTo'],
  ];

  it.each(BAD_INPUTS)('refuses a bad %s with BAD_USER_INPUT naming the field, writing nothing', async (_name, override, field) => {
    const before = await count();
    const { errors, data } = await platform.gql<{ submitSeizure: unknown }>(elo, SUBMIT, { input: seizureInput(override) });
    expect(data?.submitSeizure ?? null).toBeNull();
    expect(errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors![0].extensions.fields).toContain(field);
    expect(await count()).toBe(before);
  });

  it('refuses a value of the wrong GraphQL type before running anything', async () => {
    const { errors } = await platform.gql(elo, SUBMIT, { input: seizureInput({ transportMode: 'SUBMARINE' }) });
    expect(errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('treats the same reference with the same content as the same report, and other content as CONFLICT', async () => {
    const input = seizureInput();
    const first = await platform.gql<{ submitSeizure: { id: string } }>(elo, SUBMIT, { input });
    const again = await platform.gql<{ submitSeizure: { id: string } }>(elo, SUBMIT, { input });
    expect(again.data!.submitSeizure.id).toBe(first.data!.submitSeizure.id);
    const changed = await platform.gql(elo, SUBMIT, { input: { ...input, quantity: { value: 99, unit: 'ITEMS' } } });
    expect(changed.errors![0].extensions.code).toBe('CONFLICT');
    // Another agency may use the same reference for its own report.
    const elsewhere = await platform.gql<{ submitSeizure: { id: string } }>(other, SUBMIT, { input: { ...input, country: 'KY' } });
    expect(elsewhere.data!.submitSeizure.id).not.toBe(first.data!.submitSeizure.id);
  });

  it('keeps one report when the same submission races itself', async () => {
    const input = seizureInput();
    const results = await Promise.all(Array.from({ length: 6 }, () => platform.gql<{ submitSeizure: { id: string } }>(elo, SUBMIT, { input })));
    const ids = new Set(results.map((r) => r.data?.submitSeizure.id));
    expect(ids.size).toBe(1);
    expect(results.every((r) => r.errors === undefined)).toBe(true);
  });

  it('raises the TLP to what the handling code implies (the most restrictive wins)', async () => {
    const report = await submitSeizure(platform, elo, { tlp: 'GREEN', handling: { code: 'H2' } });
    expect(report.tlp).toBe('AMBER_STRICT');
  });

  it('flags low evaluation grades', async () => {
    const report = await submitSeizure(platform, elo, { evaluation: { scheme: 'ADMIRALTY_6X6', source: 'E', information: '5' } });
    const { data } = await platform.gql<{ seizure: { lowGrade: boolean } }>(elo, 'query($id: ID!) { seizure(id: $id) { lowGrade } }', { id: report.id });
    expect(data!.seizure.lowGrade).toBe(true);
  });

  it("takes an explicit null where the contract gives a default (serverBlind = false, scheme = ADMIRALTY_6X6)", async () => {
    const report = await submitSeizure(platform, elo, { serverBlind: null, evaluation: { scheme: null, source: 'E', information: '5' } });
    const { data } = await platform.gql<{ seizure: { lowGrade: boolean } }>(elo, 'query($id: ID!) { seizure(id: $id) { lowGrade } }', { id: report.id });
    expect(data!.seizure).toEqual({ lowGrade: true });
  });

  it('versions updates and keeps the history', async () => {
    const report = await submitSeizure(platform, elo, { tlp: 'AMBER' });
    const { data, errors } = await platform.gql<{ updateSeizure: { version: number; concealment: string; tlp: string } }>(
      elo,
      'mutation($id: ID!) { updateSeizure(id: $id, input: { concealment: "IN_GOODS", tlp: AMBER_STRICT }) { version concealment tlp } }',
      { id: report.id },
    );
    expect(errors).toBeUndefined();
    expect(data!.updateSeizure).toEqual({ version: 2, concealment: 'IN_GOODS', tlp: 'AMBER_STRICT' });
    const history = await platform.server.runtime.dataSource.getRepository(SeizureVersionEntity).find({ where: { seizureId: report.id }, order: { version: 'ASC' } });
    expect(history.map((h) => [h.version, h.change])).toEqual([[1, 'SUBMITTED'], [2, 'UPDATED']]);
    expect(history[1].changedFields).toEqual(expect.arrayContaining(['tlp', 'concealment']));
    expect(JSON.stringify(history.map((h) => h.snapshot))).not.toContain('Consignee'); // history never holds nominal data
  });

  it('retracts with a reason; the report stays, marked, and out of default searches', async () => {
    const report = await submitSeizure(platform, elo, { commodity: { category: 'CURRENCY', type: 'retract-me' } });
    const short = await platform.gql(elo, 'mutation($id: ID!) { retractSeizure(id: $id, reason: "") { id } }', { id: report.id });
    expect(short.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    const { data } = await platform.gql<{ retractSeizure: { status: string; retractionReason: string; version: number } }>(
      elo,
      'mutation($id: ID!) { retractSeizure(id: $id, reason: "Duplicate of JM-17") { status retractionReason version } }',
      { id: report.id },
    );
    expect(data!.retractSeizure).toEqual({ status: 'RETRACTED', retractionReason: 'Duplicate of JM-17', version: 2 });
    const search = await platform.gql<{ a: { totalCount: number }; b: { totalCount: number } }>(
      elo,
      '{ a: seizures(filter: { text: "retract-me" }) { totalCount } b: seizures(filter: { text: "retract-me", includeRetracted: true }) { totalCount } }',
    );
    expect(search.data).toEqual({ a: { totalCount: 0 }, b: { totalCount: 1 } });
    const again = await platform.gql(elo, 'mutation($id: ID!) { updateSeizure(id: $id, input: { concealment: "X" }) { id } }', { id: report.id });
    expect(again.errors![0].extensions.code).toBe('CONFLICT');
  });

  it('pages without skipping or repeating while new reports arrive between pages', async () => {
    const tag = `page${Date.now().toString(36)}`;
    for (let i = 0; i < 23; i += 1) {
      await submitSeizure(platform, elo, { commodity: { category: 'TOBACCO', type: tag }, seizedAt: new Date(Date.UTC(2026, 5, 1 + (i % 5), i)).toISOString() });
    }
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { data, errors }: GraphqlResponse<PageData> = await platform.gql<PageData>(
        elo,
        'query($after: String, $f: SeizureFilter) { seizures(filter: $f, first: 5, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        { after, f: { text: tag } },
      );
      expect(errors).toBeUndefined();
      seen.push(...data!.seizures.edges.map((e) => e.node.id));
      after = data!.seizures.pageInfo.hasNextPage ? data!.seizures.pageInfo.endCursor : null;
      pages += 1;
      // Newer and older reports arrive while the client pages.
      await submitSeizure(platform, elo, { commodity: { category: 'TOBACCO', type: `${tag}x` }, seizedAt: new Date(Date.UTC(2026, 5, 3, pages)).toISOString() });
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(23);
    const bad = await platform.gql(elo, '{ seizures(after: "not-a-cursor") { totalCount } }');
    expect(bad.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    const tooMany = await platform.gql(elo, '{ seizures(first: 1000) { totalCount } }');
    expect(tooMany.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
