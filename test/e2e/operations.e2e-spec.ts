import { AuditEventEntity } from '../../src/audit/audit-event.entity.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { selectsNaming, statementsDuring } from '../support/statements.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const CREATE = `mutation($i: OperationInput!) { createOperation(input: $i) { id codeName status leadAgency { code } participants { code } } }`;
const STATUS = `mutation($id: ID!, $s: OperationStatus!) { setOperationStatus(operationId: $id, status: $s) { status version } }`;
const READ_SEIZURE = `query($id: ID!) { seizure(id: $id) { id redactedFields operation { codeName } } }`;

describe('operations: lifecycle and its access consequences', () => {
  let platform: TestPlatform;
  const k = {} as Record<'jio' | 'jioElo' | 'jm' | 'kyElo' | 'kyAnalyst' | 'ttElo' | 'ttAnalyst' | 'admin', string>;
  let operationId: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    k.jio = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    k.jioElo = (await platform.userWithKey('JIO', ['ELO'])).key;
    k.jm = (await platform.userWithKey('JM', ['ELO'])).key;
    k.kyElo = (await platform.userWithKey('KY', ['ELO'])).key;
    k.kyAnalyst = (await platform.userWithKey('KY', ['ANALYST'])).key;
    k.ttElo = (await platform.userWithKey('TT', ['ELO'])).key;
    k.ttAnalyst = (await platform.userWithKey('TT', ['ANALYST'])).key;
    k.admin = (await platform.userWithKey('WCO', ['PLATFORM_ADMIN'])).key;
  });
  afterAll(() => platform.stop());

  it('lets a JIO analyst set up an operation, and nobody else in their place', async () => {
    const input = { codeName: 'Caribbean Shield', focus: 'Small-arms trafficking', tlp: 'AMBER', startsAt: '2026-08-01T00:00:00Z', endsAt: '2026-09-12T00:00:00Z', participants: ['JM', 'KY'] };
    const denied = await platform.gql(k.jioElo, CREATE, { i: input });
    expect(denied.errors![0].extensions.code).toBe('FORBIDDEN');
    const bad = await platform.gql(k.jio, CREATE, { i: { ...input, endsAt: '2026-07-01T00:00:00Z' } });
    expect(bad.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    const { data, errors } = await platform.gql<{ createOperation: { id: string; codeName: string; status: string; leadAgency: { code: string }; participants: { code: string }[] } }>(k.jio, CREATE, { i: input });
    expect(errors).toBeUndefined();
    expect(data!.createOperation).toMatchObject({ codeName: 'CARIBBEAN SHIELD', status: 'PLANNING', leadAgency: { code: 'JIO' } });
    expect(data!.createOperation.participants.map((a) => a.code)).toEqual(['JIO', 'JM', 'KY']);
    operationId = data!.createOperation.id;
    const again = await platform.gql(k.jio, CREATE, { i: input });
    expect(again.errors![0].extensions.code).toBe('CONFLICT');
  });

  it('shows the operation to participants only', async () => {
    const query = `query($id: ID!) { operation(id: $id) { codeName } operations { totalCount } }`;
    const ky = await platform.gql<{ operation: { codeName: string } | null; operations: { totalCount: number } }>(k.kyElo, query, { id: operationId });
    expect(ky.data!.operation?.codeName).toBe('CARIBBEAN SHIELD');
    const tt = await platform.gql<{ operation: unknown; operations: { totalCount: number } }>(k.ttElo, query, { id: operationId });
    expect(tt.data).toEqual({ operation: null, operations: { totalCount: 0 } });
  });

  it('lets only the lead change the operation: participants see FORBIDDEN, others NOT_FOUND', async () => {
    expect((await platform.gql(k.kyAnalyst, STATUS, { id: operationId, s: 'ACTIVE' })).errors![0].extensions.code).toBe('FORBIDDEN');
    expect((await platform.gql(k.ttAnalyst, STATUS, { id: operationId, s: 'ACTIVE' })).errors![0].extensions.code).toBe('NOT_FOUND');
    const { data } = await platform.gql<{ setOperationStatus: { status: string } }>(k.jio, STATUS, { id: operationId, s: 'ACTIVE' });
    expect(data!.setOperationStatus.status).toBe('ACTIVE');
  });

  it('gives participants the facts of linked reports while the operation is open, and ends it at CLOSED', async () => {
    // An AMBER report of JM, released to nobody: only the operation gives KY sight of it.
    const linked = await submitSeizure(platform, k.jm, { tlp: 'AMBER', operationId });
    const unlinked = await submitSeizure(platform, k.jm, { tlp: 'AMBER' });
    const ky = await platform.gql<{ seizure: { redactedFields: string[]; operation: { codeName: string } } | null }>(k.kyElo, READ_SEIZURE, { id: linked.id });
    expect(ky.data!.seizure?.operation.codeName).toBe('CARIBBEAN SHIELD');
    expect(ky.data!.seizure?.redactedFields).toContain('sensitive');
    expect((await platform.gql<{ seizure: unknown }>(k.kyElo, READ_SEIZURE, { id: unlinked.id })).data!.seizure).toBeNull();
    expect((await platform.gql<{ seizure: unknown }>(k.ttElo, READ_SEIZURE, { id: linked.id })).data!.seizure).toBeNull();
    const listed = await platform.gql<{ operation: { seizures: { totalCount: number } } }>(k.kyElo, 'query($id: ID!) { operation(id: $id) { seizures { totalCount } } }', { id: operationId });
    expect(listed.data!.operation.seizures.totalCount).toBe(1);

    await platform.gql(k.jio, STATUS, { id: operationId, s: 'FOLLOW_UP' });
    expect((await platform.gql<{ seizure: unknown }>(k.kyElo, READ_SEIZURE, { id: linked.id })).data!.seizure).not.toBeNull();
    await platform.gql(k.jio, STATUS, { id: operationId, s: 'CLOSED' });
    expect((await platform.gql<{ seizure: unknown }>(k.kyElo, READ_SEIZURE, { id: linked.id })).data!.seizure).toBeNull();
    expect((await platform.gql<{ seizure: unknown }>(k.jm, READ_SEIZURE, { id: linked.id })).data!.seizure).not.toBeNull();
  });

  it('refuses to reopen a closed operation or attach new reports to it', async () => {
    expect((await platform.gql(k.jio, STATUS, { id: operationId, s: 'ACTIVE' })).errors![0].extensions.code).toBe('CONFLICT');
    const late = await platform.gql(k.jm, `mutation($i: SeizureInput!) { submitSeizure(input: $i) { id } }`, {
      i: { reference: 'LATE-1', tlp: 'GREEN', seizedAt: '2026-09-01T00:00:00Z', country: 'JM', transportMode: 'AIR', commodity: { category: 'FIREARMS' }, quantity: { value: 1, unit: 'ITEMS' }, detectionMethod: 'RANDOM', operationId },
    });
    expect(late.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it("links a report only by its owner's act, to an operation the owner takes part in", async () => {
    const op = await platform.gql<{ createOperation: { id: string } }>(k.jio, CREATE, {
      i: { codeName: 'Trade Winds', focus: 'Ammunition', tlp: 'GREEN', startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-10-20T00:00:00Z', participants: ['JM'] },
    });
    const id = op.data!.createOperation.id;
    const jmReport = await submitSeizure(platform, k.jm, { tlp: 'GREEN' });
    const ttReport = await submitSeizure(platform, k.ttElo, { tlp: 'GREEN', country: 'TT' });
    const LINK = `mutation($o: ID!, $s: ID!) { linkSeizureToOperation(operationId: $o, seizureId: $s) { id version operation { codeName } operationLink { basis consentedBy } } }`;
    // The lead may read JM's report but not link it: it asks JM with requestSeizureLink.
    expect((await platform.gql(k.jio, LINK, { o: id, s: jmReport.id })).errors![0].extensions.code).toBe('FORBIDDEN');
    const ok = await platform.gql<{ linkSeizureToOperation: { version: number; operation: { codeName: string }; operationLink: { basis: string } } }>(k.jm, LINK, { o: id, s: jmReport.id });
    expect(ok.data!.linkSeizureToOperation).toMatchObject({ version: 2, operation: { codeName: 'TRADE WINDS' }, operationLink: { basis: 'OWNER_LINKED', consentedBy: 'JM' } });
    // TT takes no part: the operation does not exist for it.
    expect((await platform.gql(k.ttElo, LINK, { o: id, s: ttReport.id })).errors![0].extensions.code).toBe('NOT_FOUND');
    expect((await platform.gql(k.kyAnalyst, LINK, { o: id, s: jmReport.id })).errors![0].extensions.code).toBe('NOT_FOUND');
    const admin = await platform.gql<{ addOperationParticipants: { participants: { code: string }[] } }>(k.admin, 'mutation($o: ID!) { addOperationParticipants(operationId: $o, agencies: ["TT"]) { participants { code } } }', { o: id });
    expect(admin.data!.addOperationParticipants.participants.map((a) => a.code)).toContain('TT');
    expect((await platform.gql(k.ttElo, LINK, { o: id, s: ttReport.id })).errors).toBeUndefined();
    // The platform administrator cannot make its own agency a participant: it would then read the
    // linked reports, which its own rules withhold.
    const before = await platform.gql<{ seizure: unknown }>(k.admin, READ_SEIZURE, { id: jmReport.id });
    expect(before.data!.seizure).toBeNull();
    const self = await platform.gql(k.admin, 'mutation($o: ID!) { addOperationParticipants(operationId: $o, agencies: ["KY", "WCO"]) { participants { code } } }', { o: id });
    expect(self.errors![0].extensions.code).toBe('FORBIDDEN');
    const participants = await platform.gql<{ operation: { participants: { code: string }[] } }>(k.jio, 'query($o: ID!) { operation(id: $o) { participants { code } } }', { o: id });
    expect(participants.data!.operation.participants.map((a) => a.code).sort()).toEqual(['JIO', 'JM', 'TT']);
    expect((await platform.gql<{ seizure: unknown }>(k.admin, READ_SEIZURE, { id: jmReport.id })).data!.seizure).toBeNull();
  });

  it('shares a linked report with the participants of the day: an agency that joins later reads it once its owner links it again', async () => {
    const op = await platform.gql<{ createOperation: { id: string } }>(k.jio, CREATE, {
      i: { codeName: 'Late Tide', focus: 'Firearms', tlp: 'AMBER', startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-20T00:00:00Z', participants: ['JM', 'KY'] },
    });
    const id = op.data!.createOperation.id;
    const LINK = `mutation($o: ID!, $s: ID!) { linkSeizureToOperation(operationId: $o, seizureId: $s) { version } }`;
    const STATS = `query($o: ID!) { seizureStats(filter: { operationId: $o }, groupBy: [OPERATION]) { count } }`;
    // AMBER, released to nobody: the operation is the only way another agency reads them.
    const submitted = await submitSeizure(platform, k.jm, { tlp: 'AMBER', operationId: id });
    const linked = await submitSeizure(platform, k.jm, { tlp: 'AMBER' });
    expect((await platform.gql<{ linkSeizureToOperation: { version: number } }>(k.jm, LINK, { o: id, s: linked.id })).data!.linkSeizureToOperation.version).toBe(2);
    const reads = async (key: string) => {
      const found = [];
      for (const report of [submitted, linked]) if ((await platform.gql<{ seizure: unknown }>(key, READ_SEIZURE, { id: report.id })).data!.seizure) found.push(report.id);
      const listed = await platform.gql<{ operation: { seizures: { totalCount: number } } | null }>(key, 'query($o: ID!) { operation(id: $o) { seizures { totalCount } } }', { o: id });
      const stats = await platform.gql<{ seizureStats: { count: number }[] }>(key, STATS, { o: id });
      return { found, listed: listed.data!.operation?.seizures.totalCount ?? null, counted: stats.data!.seizureStats.reduce((n, b) => n + b.count, 0) };
    };
    expect(await reads(k.kyElo)).toEqual({ found: [submitted.id, linked.id], listed: 2, counted: 2 });

    // TT joins. The links were made before, for JM and KY: TT sees the operation but neither report, nor counts them.
    expect((await platform.gql(k.jio, 'mutation($o: ID!) { addOperationParticipants(operationId: $o, agencies: ["TT"]) { id } }', { o: id })).errors).toBeUndefined();
    expect(await reads(k.ttElo)).toEqual({ found: [], listed: 0, counted: 0 });

    // JM links one of them again, now for JM, KY and TT: TT reads that one.
    expect((await platform.gql<{ linkSeizureToOperation: { version: number } }>(k.jm, LINK, { o: id, s: linked.id })).data!.linkSeizureToOperation.version).toBe(3);
    expect(await reads(k.ttElo)).toEqual({ found: [linked.id], listed: 1, counted: 1 });
    expect(await reads(k.kyElo)).toEqual({ found: [submitted.id, linked.id], listed: 2, counted: 2 });
    // Linking again with nothing new to consent to changes nothing.
    expect((await platform.gql<{ linkSeizureToOperation: { version: number } }>(k.jm, LINK, { o: id, s: linked.id })).data!.linkSeizureToOperation.version).toBe(3);
  });

  it("reads the operations of a request's reports in one query, each as the reader may see it", async () => {
    const create = async (codeName: string) => (await platform.gql<{ createOperation: { id: string } }>(k.jio, CREATE, {
      i: { codeName, focus: 'Cocaine in containers', tlp: 'AMBER', startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-12-20T00:00:00Z', participants: ['JM', 'KY'] },
    })).data!.createOperation.id;
    const ops = [await create('Blue Lagoon'), await create('Coral Reef')];
    const reports = [];
    for (const op of [ops[0], ops[1], ops[0], ops[1], ops[0]]) reports.push((await submitSeizure(platform, k.jm, { tlp: 'AMBER', operationId: op })).id);
    const query = `query(${reports.map((_, i) => `$r${i}: ID!`).join(', ')}) { ${reports.map((_, i) => `r${i}: seizure(id: $r${i}) { operation { id codeName } }`).join(' ')} }`;
    const variables = Object.fromEntries(reports.map((id, i) => [`r${i}`, id]));
    for (const [who, key] of [['JM', k.jm], ['KY', k.kyElo]] as const) {
      let answer: Awaited<ReturnType<typeof platform.gql<Record<string, { operation: { id: string; codeName: string } }>>>> | undefined;
      const statements = await statementsDuring(platform, async () => {
        answer = await platform.gql<Record<string, { operation: { id: string; codeName: string } }>>(key, query, variables);
      });
      expect([who, answer!.errors]).toEqual([who, undefined]);
      expect(reports.map((_, i) => answer!.data![`r${i}`].operation.codeName)).toEqual(['BLUE LAGOON', 'CORAL REEF', 'BLUE LAGOON', 'CORAL REEF', 'BLUE LAGOON']);
      // One statement for both operations: read report by report it would be five.
      expect([who, selectsNaming(statements, 'operations', ops).length]).toEqual([who, 1]);
    }
    // TT takes part in neither: the reports themselves are hidden from it.
    const tt = await platform.gql<Record<string, unknown>>(k.ttElo, query, variables);
    expect(Object.values(tt.data!)).toEqual(reports.map(() => null));
  });

  it('reads an operation afresh at each step of a document that changes it', async () => {
    const id = (await platform.gql<{ createOperation: { id: string } }>(k.jio, CREATE, {
      i: { codeName: 'Steps', focus: 'Firearms', tlp: 'AMBER', startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-12-20T00:00:00Z', participants: ['JM'] },
    })).data!.createOperation.id;
    await platform.gql(k.jio, STATUS, { id, s: 'ACTIVE' });
    const [first, second] = [await submitSeizure(platform, k.jio, { tlp: 'GREEN', country: 'JM' }), await submitSeizure(platform, k.jio, { tlp: 'GREEN', country: 'JM' })];
    const steps = await platform.gql<{ a: { operation: { status: string } }; b: { status: string }; c: { operation: { status: string } } }>(k.jio, `mutation($o: ID!, $s1: ID!, $s2: ID!) {
      a: linkSeizureToOperation(operationId: $o, seizureId: $s1) { operation { status } }
      b: setOperationStatus(operationId: $o, status: FOLLOW_UP) { status }
      c: linkSeizureToOperation(operationId: $o, seizureId: $s2) { operation { status } }
    }`, { o: id, s1: first.id, s2: second.id });
    expect(steps.errors).toBeUndefined();
    expect([steps.data!.a.operation.status, steps.data!.b.status, steps.data!.c.operation.status]).toEqual(['ACTIVE', 'FOLLOW_UP', 'FOLLOW_UP']);
  });

  it('audits every operation change', async () => {
    const events = await platform.server.runtime.dataSource.getRepository(AuditEventEntity).findBy({ resourceId: operationId });
    expect(events.map((e) => e.action).sort()).toEqual(['operation.create', 'operation.set-status', 'operation.set-status', 'operation.set-status']);
  });
});
