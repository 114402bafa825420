import { randomBytes } from 'node:crypto';
import { UsersService } from '../../src/users/users.service.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

const READ = 'query($id: ID!) { seizure(id: $id) { id reference sensitive { narrative } } }';
const ISSUE = 'mutation($u: ID!) { createApiKey(userId: $u, ttl: "1h") { key } }';

/**
 * An agency administrator issues API keys for the agency's users, and holds each key it issues.
 * Such a key must not let the administrator become the user where the rules name the user
 * personally (TLP:RED's named recipients and author), nor borrow a duty the administrator lacks.
 */
describe('API keys an administrator issues for someone else', () => {
  let platform: TestPlatform;
  const marker = randomBytes(4).toString('hex');
  let jmElo: { key: string; userId: string };
  let ttElo: { key: string; userId: string };
  let ttAdmin: { key: string; userId: string };
  let ttAuditor: { key: string; userId: string };
  let red: string;
  let ownRed: string;
  let green: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ worker: true }); // the worker compiles operation reports
    jmElo = await platform.userWithKey('JM', ['ELO']);
    ttElo = await platform.userWithKey('TT', ['ELO']);
    ttAdmin = await platform.userWithKey('TT', ['AGENCY_ADMIN']);
    ttAuditor = await platform.userWithKey('TT', ['AUDITOR']);
    // JM names one TT officer on a RED report: that officer alone, of all TT, may read it.
    red = (await submitSeizure(platform, jmElo.key, { reference: `RED-${marker}`, tlp: 'RED', releasableToUsers: [ttElo.userId] })).id;
    ownRed = (await submitSeizure(platform, ttElo.key, { reference: `OWN-${marker}`, tlp: 'RED', country: 'TT' })).id;
    green = (await submitSeizure(platform, jmElo.key, { reference: `GREEN-${marker}`, tlp: 'GREEN' })).id;
  });

  afterAll(() => platform?.stop());

  const read = async (key: string, id: string) => (await platform.gql<{ seizure: { reference: string } | null }>(key, READ, { id })).data!.seizure;

  it('authenticates the user, without the rules that name them personally', async () => {
    expect(await read(ttAdmin.key, red)).toBeNull();
    const issued = await platform.gql<{ createApiKey: { key: string } }>(ttAdmin.key, ISSUE, { u: ttElo.userId });
    expect(issued.errors).toBeUndefined();
    const key = issued.data!.createApiKey.key;
    expect((await platform.gql<{ me: { email: string } }>(key, '{ me { email } }')).data!.me.email).toBeTruthy();
    // What the officer reads by their agency's rules, the issued key reads too.
    expect((await read(key, green))?.reference).toBe(`GREEN-${marker}`);
    // The RED report naming the officer, and the RED report the officer wrote, stay theirs alone.
    expect(await read(key, red)).toBeNull();
    expect(await read(key, ownRed)).toBeNull();
    const listed = await platform.gql<{ seizures: { totalCount: number } }>(key, 'query($r: String!) { seizures(filter: { text: $r }) { totalCount } }', { r: `RED-${marker}` });
    expect(listed.data!.seizures.totalCount).toBe(0);
    // The officer's own key still reads both.
    expect((await read(ttElo.key, red))?.reference).toBe(`RED-${marker}`);
    expect((await read(ttElo.key, ownRed))?.reference).toBe(`OWN-${marker}`);
  });

  it("shows who issued each key; an administrator's key for itself is its own", async () => {
    const users = await platform.gql<{ agencyUsers: { id: string; apiKeys: { issuedBy: string | null }[] }[] }>(ttAdmin.key, '{ agencyUsers { id apiKeys { issuedBy } } }');
    const officer = users.data!.agencyUsers.find((u) => u.id === ttElo.userId)!;
    expect(officer.apiKeys.map((k) => k.issuedBy).sort()).toEqual([null, ttAdmin.userId].sort());
    // An administrator's key for themselves is their own.
    const own = await platform.gql<{ createApiKey: { key: string } }>(ttAdmin.key, ISSUE, { u: ttAdmin.userId });
    expect(own.errors).toBeUndefined();
    const mine = await platform.gql<{ agencyUsers: { id: string; apiKeys: { issuedBy: string | null }[] }[] }>(ttAdmin.key, '{ agencyUsers { id apiKeys { issuedBy } } }');
    expect(mine.data!.agencyUsers.find((u) => u.id === ttAdmin.userId)!.apiKeys.every((k) => k.issuedBy === null)).toBe(true);
  });

  it('audits each key it issues and revokes with the change, and issues none for a disabled user or beyond ten years', async () => {
    const officer = await platform.userWithKey('TT', ['ELO']);
    const issue = (ttl: string) => platform.gql<{ createApiKey: { id: string } }>(ttAdmin.key, 'mutation($u: ID!, $t: String) { createApiKey(userId: $u, ttl: $t, label: "car") { id } }', { u: officer.userId, t: ttl });
    const tooLong = await issue('999999w');
    expect(tooLong.errors![0]).toMatchObject({ message: expect.stringMatching(/^TTL "999999w" is longer than 3650d/), extensions: { code: 'BAD_USER_INPUT', fields: ['ttl'] } });
    // An empty TTL is none, as it always was for API clients.
    const forever = await platform.gql<{ createApiKey: { expiresAt: string | null } }>(ttAdmin.key, 'mutation($u: ID!) { createApiKey(userId: $u, ttl: "") { expiresAt } }', { u: officer.userId });
    expect(forever.errors).toBeUndefined();
    expect(forever.data!.createApiKey.expiresAt).toBeNull();
    const issued = await issue('30d');
    expect(issued.errors).toBeUndefined();
    const id = issued.data!.createApiKey.id;
    expect((await platform.gql(ttAdmin.key, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id })).errors).toBeUndefined();
    const events = await platform.server.runtime.dataSource.query('SELECT actor, agency, action, resource_agency, details FROM audit_events WHERE resource_id = $1 ORDER BY seq', [id]);
    expect(events).toEqual(['apikey.create', 'apikey.revoke'].map((action) => ({ actor: ttAdmin.userId, agency: 'TT', action, resource_agency: 'TT', details: { userId: officer.userId } })));

    await platform.server.app.get(UsersService).update(officer.email, { status: 'DISABLED' });
    const refused = await issue('30d');
    expect(refused.errors![0]).toMatchObject({ message: expect.stringMatching(/is disabled/), extensions: { code: 'CONFLICT' } });
  });

  it('refuses to issue a key that would lend the administrator a duty it does not hold', async () => {
    const refused = await platform.gql(ttAdmin.key, ISSUE, { u: ttAuditor.userId });
    expect(refused.errors![0].extensions.code).toBe('FORBIDDEN');
    expect(refused.errors![0].message).toContain('AUDITOR');
    const keys = await platform.gql<{ agencyUsers: { id: string; apiKeys: unknown[] }[] }>(ttAdmin.key, '{ agencyUsers { id apiKeys { id } } }');
    expect(keys.data!.agencyUsers.find((u) => u.id === ttAuditor.userId)!.apiKeys).toHaveLength(1);
  });

  it('does not act as the person: no keys, personal keys or alerts with an issued key', async () => {
    // Two administrators of TT: a key one issues for the other cannot mint the other a key of its own.
    const otherAdmin = await platform.userWithKey('TT', ['AGENCY_ADMIN']);
    const issued = (await platform.gql<{ createApiKey: { key: string } }>(ttAdmin.key, ISSUE, { u: otherAdmin.userId })).data!.createApiKey.key;
    for (const [what, query, variables] of [
      ['a key for the user', ISSUE, { u: otherAdmin.userId }],
      ['a key for another', ISSUE, { u: ttElo.userId }],
      ['a personal key challenge', 'mutation { personalKeyChallenge { nonce } }', {}],
      ['an alert', 'mutation { createAlert(input: { name: "mine", filter: { countries: ["JM"] } }) { id } }', {}],
      ['the alerts', '{ alerts { id } }', {}],
    ] as const) {
      const refused = await platform.gql(issued, query, variables);
      if (refused.errors?.[0].extensions.code !== 'FORBIDDEN') throw new Error(`${what}: ${JSON.stringify(refused.errors ?? refused.data)}`);
    }
    // The administrator's own key still does all of it.
    expect((await platform.gql(otherAdmin.key, 'mutation { personalKeyChallenge { nonce } }')).errors).toBeUndefined();
    expect((await platform.gql(otherAdmin.key, '{ alerts { id } }')).errors).toBeUndefined();
  });

  it('carries only the roles the issuer could lend, as they stand at each request', async () => {
    const officer = await platform.userWithKey('TT', ['ELO']);
    const issued = (await platform.gql<{ createApiKey: { key: string } }>(ttAdmin.key, ISSUE, { u: officer.userId })).data!.createApiKey.key;
    // An operator later makes the officer an auditor too: the administrator's copy does not become one.
    await platform.server.app.get(UsersService).update(officer.email, { roles: ['ELO', 'AUDITOR'] });
    const roles = async (key: string) => (await platform.gql<{ me: { roles: string[] } }>(key, '{ me { roles } }')).data!.me.roles.sort();
    expect(await roles(officer.key)).toEqual(['AUDITOR', 'ELO']);
    expect(await roles(issued)).toEqual(['ELO']);
    expect((await platform.gql(issued, '{ verifyAuditChain { checked } }')).errors![0].extensions.code).toBe('FORBIDDEN');
  });

  it('lends none of the issuer’s own roles once the issuer is disabled or has left the agency', async () => {
    const officer = await platform.userWithKey('TT', ['ELO', 'AUDITOR']);
    const admin = await platform.userWithKey('TT', ['AGENCY_ADMIN', 'AUDITOR']);
    const issued = (await platform.gql<{ createApiKey: { key: string } }>(admin.key, ISSUE, { u: officer.userId })).data!.createApiKey.key;
    const roles = async () => (await platform.gql<{ me: { roles: string[] } }>(issued, '{ me { roles } }')).data!.me.roles.sort();
    expect(await roles()).toEqual(['AUDITOR', 'ELO']);
    const users = platform.server.app.get(UsersService);
    const adminEmail = admin.email;
    // A departing administrator's authority goes with them; the officer's own duties an administrator may lend stay.
    await users.update(adminEmail, { status: 'DISABLED' });
    expect(await roles()).toEqual(['ELO']);
    await users.update(adminEmail, { status: 'ACTIVE' });
    expect(await roles()).toEqual(['AUDITOR', 'ELO']);
    await users.update(adminEmail, { agencyCode: 'JM' });
    expect(await roles()).toEqual(['ELO']);
  });

  it("keeps the change feed of an issued key apart: no tombstone of what the user's own key was shown, no shared cursor", async () => {
    const FEED = 'query($a: String) { changes(after: $a, first: 200) { cursor hasMore items { kind seizureId } } }';
    type Feed = { changes: { cursor: string; hasMore: boolean; items: { kind: string; seizureId: string }[] } };
    const sync = async (key: string) => {
      const items: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const page: { data?: Feed | null; errors?: unknown } = await platform.gql<Feed>(key, FEED, { a: cursor });
        expect(page.errors).toBeUndefined();
        items.push(...page.data!.changes.items.map((item) => `${item.kind} ${item.seizureId}`));
        cursor = page.data!.changes.cursor;
        if (!page.data!.changes.hasMore) return { items, cursor };
      }
    };
    // The officer's own key is shown the RED report naming them, and their own RED report.
    const own = await sync(ttElo.key);
    expect(own.items).toEqual(expect.arrayContaining([`UPSERT ${red}`, `UPSERT ${ownRed}`]));
    const issued = (await platform.gql<{ createApiKey: { key: string } }>(ttAdmin.key, ISSUE, { u: ttElo.userId })).data!.createApiKey.key;
    // The report changes after both were shown: the officer's key hears of it, the issued key hears nothing.
    const { errors } = await platform.gql(jmElo.key, 'mutation($id: ID!) { updateSeizure(id: $id, input: { concealment: "false floor" }) { id } }', { id: red });
    expect(errors).toBeUndefined();
    const byIssued = await sync(issued);
    expect(byIssued.items).toContain(`UPSERT ${green}`);
    expect(byIssued.items.filter((item) => item.endsWith(red) || item.endsWith(ownRed))).toEqual([]);
    // A cursor of the officer's own key does not page for the issued key, nor the reverse.
    for (const [key, cursor] of [[issued, own.cursor], [ttElo.key, byIssued.cursor]] as const) {
      const refused = await platform.gql(key, FEED, { a: cursor });
      expect(refused.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect((await platform.gql<Feed>(ttElo.key, FEED, { a: own.cursor })).data!.changes.items).toEqual([{ kind: 'UPSERT', seizureId: red }]);
  });
  it("does not show an operation report's withheld summary, which counts the analyst's own TLP:RED reports, to a key issued for the analyst", async () => {
    const ok = async <T,>(key: string, query: string, variables?: Record<string, unknown>): Promise<T> => {
      const answer = await platform.gql<T>(key, query, variables);
      expect(answer.errors).toBeUndefined();
      return answer.data!;
    };
    const analyst = await platform.userWithKey('JIO', ['ANALYST']);
    const admin = await platform.userWithKey('JIO', ['AGENCY_ADMIN', 'ANALYST']);
    const issued = (await ok<{ createApiKey: { key: string } }>(admin.key, ISSUE, { u: analyst.userId })).createApiKey.key;
    const operation = (await ok<{ createOperation: { id: string } }>(analyst.key, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', {
      i: { codeName: `WITHHELD ${marker.toUpperCase()}`, focus: 'issued keys', tlp: 'AMBER', startsAt: '2026-08-03T00:00:00Z', endsAt: '2026-09-14T00:00:00Z', participants: ['JM'] },
    })).createOperation.id;
    await ok(analyst.key, 'mutation($id: ID!) { setOperationStatus(operationId: $id, status: ACTIVE) { status } }', { id: operation });
    await submitSeizure(platform, jmElo.key, { operationId: operation, tlp: 'AMBER', seizedAt: '2026-08-05T10:00:00Z' });
    // Named to the analyst alone: the issued key does not read it, nor count it.
    await submitSeizure(platform, jmElo.key, { operationId: operation, tlp: 'RED', releasableToUsers: [analyst.userId], sensitive: null, seizedAt: '2026-08-06T10:00:00Z' });
    const REPORT = 'query($id: ID!) { operationReport(id: $id) { status withheldDetail { linkedVisibleToAnalyst withheld reasons { reason count } } withheld } }';
    type Report = { operationReport: { status: string; withheldDetail: { linkedVisibleToAnalyst: number; withheld: number } | null; withheld: number | null } | null };
    const compiled = async (key: string) => {
      const id = (await ok<{ compileOperationReport: { id: string } }>(key, 'mutation($id: ID!) { compileOperationReport(operationId: $id) { id } }', { id: operation })).compileOperationReport.id;
      await waitFor('the report compiled', async () => ['READY', 'FAILED'].includes((await ok<Report>(key, REPORT, { id })).operationReport?.status ?? ''), 60_000);
      return id;
    };
    const id = await compiled(analyst.key);
    expect((await ok<Report>(analyst.key, REPORT, { id })).operationReport).toMatchObject({ status: 'READY', withheldDetail: { linkedVisibleToAnalyst: 2, withheld: 1 }, withheld: 1 });
    expect((await ok<Report>(issued, REPORT, { id })).operationReport).toEqual({ status: 'READY', withheldDetail: null, withheld: null });
    // Nor does it compile, write or review as the analyst: the four eyes must be two people's own.
    const refused = await platform.gql(issued, 'mutation($id: ID!) { compileOperationReport(operationId: $id) { id } }', { id: operation });
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  }, 120_000);

  it("cannot take part in an operation report's four eyes: compiling, writing, approving and rejecting need the person's own credentials", async () => {
    const reviewer = await platform.userWithKey('JIO', ['REVIEWER']);
    const admin = await platform.userWithKey('JIO', ['AGENCY_ADMIN', 'REVIEWER']);
    const issued = (await platform.gql<{ createApiKey: { key: string } }>(admin.key, ISSUE, { u: reviewer.userId })).data!.createApiKey.key;
    const id = '00000000-0000-4000-8000-000000000000';
    for (const mutation of [
      `mutation { approveOperationReport(reportId: "${id}") { id } }`,
      `mutation { rejectOperationReport(reportId: "${id}", comment: "no") { id } }`,
    ]) {
      expect((await platform.gql(issued, mutation)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      // The reviewer's own key gets as far as the report (which does not exist).
      expect((await platform.gql(reviewer.key, mutation)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    }
  });
});
