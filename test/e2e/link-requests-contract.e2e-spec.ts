import { randomBytes } from 'node:crypto';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { selectsNaming, statementsDuring } from '../support/statements.js';
import { startTestPlatform, type GraphqlResponse, type TestPlatform } from '../support/test-platform.js';

const REQUEST = 'mutation($o: ID!, $s: ID!) { requestSeizureLink(operationId: $o, seizureId: $s) { id status note requestedAt } }';
const RESPOND = 'mutation($id: ID!, $accept: Boolean!, $note: String) { respondToSeizureLinkRequest(id: $id, accept: $accept, note: $note) { id status responseNote respondedAt } }';
const LIST = `query($status: LinkRequestStatus, $first: Int, $after: String) {
  seizureLinkRequests(status: $status, first: $first, after: $after) { edges { cursor node { id status requestedAt seizure { id } } } pageInfo { hasNextPage endCursor } }
}`;

interface Listed {
  seizureLinkRequests: { edges: { cursor: string; node: { id: string; status: string; requestedAt: string; seizure: { id: string } | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** Link requests as the API contract (round two) writes them: an optional note, accept: Boolean, a paged connection, WITHDRAWN. */
describe('link requests in the API contract’s form', () => {
  let platform: TestPlatform;
  let analyst: string;
  let ky: string;
  let operationId: string;
  const reports: string[] = [];
  const marker = randomBytes(3).toString('hex').toUpperCase();

  beforeAll(async () => {
    platform = await startTestPlatform();
    analyst = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    ky = (await platform.userWithKey('KY', ['ELO'])).key;
    const created = await platform.gql<{ createOperation: { id: string } }>(analyst, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', {
      i: { codeName: `CONTRACT ${marker}`, focus: 'link requests', tlp: 'AMBER', startsAt: '2026-08-03T00:00:00Z', endsAt: '2026-09-14T00:00:00Z', participants: ['KY'] },
    });
    operationId = created.data!.createOperation.id;
    await platform.gql(analyst, 'mutation($id: ID!) { setOperationStatus(operationId: $id, status: ACTIVE) { status } }', { id: operationId });
    for (let i = 0; i < 3; i++) reports.push((await submitSeizure(platform, ky, { tlp: 'GREEN', country: 'KY', reference: `KY-C-${marker}-${i}` })).id);
  });
  afterAll(() => platform?.stop());

  it('asks without a note, answers with accept and a note, and pages the requests newest first', async () => {
    const asked = [];
    for (const id of reports) {
      const answer = await platform.gql<{ requestSeizureLink: { id: string; status: string; note: string | null; requestedAt: string } }>(analyst, REQUEST, { o: operationId, s: id });
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.requestSeizureLink).toMatchObject({ status: 'PENDING', note: null, requestedAt: expect.any(String) });
      asked.push(answer.data!.requestSeizureLink.id);
    }
    // Pages of one, newest first, that cover them all once.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const listed: GraphqlResponse<Listed> = await platform.gql<Listed>(ky, LIST, { status: 'PENDING', first: 1, after });
      expect(listed.errors).toBeUndefined();
      seen.push(...listed.data!.seizureLinkRequests.edges.map((edge) => edge.node.id));
      if (!listed.data!.seizureLinkRequests.pageInfo.hasNextPage) break;
      after = listed.data!.seizureLinkRequests.pageInfo.endCursor;
    }
    expect(seen).toEqual([...asked].reverse());
    const badCursor = await platform.gql(ky, LIST, { after: 'not-a-cursor' });
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['after'] });

    const declined = await platform.gql<{ respondToSeizureLinkRequest: Record<string, unknown> }>(ky, RESPOND, { id: asked[0], accept: false, note: 'Not for this operation' });
    expect(declined.errors).toBeUndefined();
    expect(declined.data!.respondToSeizureLinkRequest).toMatchObject({ status: 'DECLINED', responseNote: 'Not for this operation', respondedAt: expect.any(String) });
    const accepted = await platform.gql<{ respondToSeizureLinkRequest: Record<string, unknown> }>(ky, RESPOND, { id: asked[1], accept: true });
    expect(accepted.data!.respondToSeizureLinkRequest).toMatchObject({ status: 'ACCEPTED', responseNote: null });
    const both = await platform.gql(ky, 'mutation($id: ID!) { respondToSeizureLinkRequest(id: $id, accept: true, decision: DECLINE) { id } }', { id: asked[2] });
    expect(both.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const neither = await platform.gql(ky, 'mutation($id: ID!) { respondToSeizureLinkRequest(id: $id) { id } }', { id: asked[2] });
    expect(neither.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('reads the reports and operations of a page of requests in one query each', async () => {
    const query = '{ seizureLinkRequests(first: 10) { edges { node { seizure { id } operation { id } } } } }';
    let nodes: { seizure: { id: string } | null; operation: { id: string } | null }[] = [];
    const statements = await statementsDuring(platform, async () => {
      const answer = await platform.gql<{ seizureLinkRequests: { edges: { node: (typeof nodes)[number] }[] } }>(ky, query);
      expect(answer.errors).toBeUndefined();
      nodes = answer.data!.seizureLinkRequests.edges.map((edge) => edge.node);
    });
    expect(nodes.map((node) => node.seizure?.id).sort()).toEqual([...reports].sort());
    expect(nodes.every((node) => node.operation?.id === operationId)).toBe(true);
    // Request by request it would be three of each.
    expect(selectsNaming(statements, 'seizures', reports)).toHaveLength(1);
    expect(selectsNaming(statements, 'operations', [operationId])).toHaveLength(1);
  });

  it('withdraws the requests still pending when the operation closes', async () => {
    await platform.gql(analyst, 'mutation($id: ID!) { setOperationStatus(operationId: $id, status: FOLLOW_UP) { status } }', { id: operationId });
    const closed = await platform.gql(analyst, 'mutation($id: ID!) { setOperationStatus(operationId: $id, status: CLOSED) { status } }', { id: operationId });
    expect(closed.errors).toBeUndefined();
    const listed = await platform.gql<Listed>(analyst, LIST, { first: 10 });
    const statuses = Object.fromEntries(listed.data!.seizureLinkRequests.edges.map((edge) => [edge.node.seizure?.id ?? edge.node.id, edge.node.status]));
    expect(statuses[reports[2]]).toBe('WITHDRAWN');
    expect(statuses[reports[1]]).toBe('ACCEPTED');
    expect(statuses[reports[0]]).toBe('DECLINED');
  });
});
