import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AlertDeliveryEntity, AlertEntity } from '../../src/alerts/alert.entity.js';
import { SeizureSubscriptions } from '../../src/alerts/seizure-subscriptions.service.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type GraphqlResponse, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

/*
 * Hostile input, case by case (the schema-wide fuzz in test/fuzz/ keeps the whole schema so):
 * statuses of refusals, validation at the edge naming the field, typed cursors, amplification
 * bounds, one batch of audit events per request, isolation of alerts and subscriptions, and webhook
 * destinations.
 */

const SLOW = 180_000;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

function refusal(response: GraphqlResponse, code = 'BAD_USER_INPUT'): { message: string; fields?: string[] } {
  expect(response.status).not.toBe(500);
  expect(response.errors?.[0]?.extensions.code).toBe(code);
  const error = response.errors![0];
  return { message: error.message, fields: error.extensions.fields as string[] | undefined };
}

describe('hostile input', () => {
  let platform: TestPlatform;
  let jm: string;
  let jio: string;
  let seizureId: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ worker: true });
    jm = (await platform.userWithKey('JM', ['ELO'])).key;
    jio = (await platform.userWithKey('JIO', ['ANALYST', 'AUDITOR'])).key;
    seizureId = (await submitSeizure(platform, jm, { tlp: 'CLEAR' })).id;
  }, SLOW);
  afterAll(() => platform.stop(), SLOW);

  describe('HTTP status of refusals', () => {
    it('answers 400 for QUERY_TOO_COMPLEX, by depth, complexity, aliases and root fields', async () => {
      // operations.edges.node, then seizures.edges.node.operation four times: depth 20.
      const deep = await platform.gql(jm, `{ operations { edges { node { ${'seizures { edges { node { operation { '.repeat(4)}id${' } } } }'.repeat(4)} } } } }`);
      expect([deep.status, deep.errors![0].extensions.code]).toEqual([400, 'QUERY_TOO_COMPLEX']);
      const costly = await platform.gql(jm, '{ a: seizures(first: 200) { edges { node { operation { seizures(first: 200) { totalCount } } } } } }');
      expect([costly.status, costly.errors![0].extensions.code]).toEqual([400, 'QUERY_TOO_COMPLEX']);
      const aliases = await platform.gql(jm, `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: me { email }`).join(' ')} }`);
      expect([aliases.status, aliases.errors![0].extensions.code, aliases.errors![0].message]).toEqual([400, 'QUERY_TOO_COMPLEX', 'Query uses 31 aliases; the limit is 30']);
      const roots = await platform.gql(jm, `{ me { email } ${'...F '.repeat(1)} } fragment F on Query { ${Array.from({ length: 20 }, () => 'platformKey').join(' ')} }`);
      expect([roots.status, roots.errors![0].extensions.code]).toEqual([400, 'QUERY_TOO_COMPLEX']);
      expect(JSON.stringify(aliases.errors)).not.toContain('"http"');
    });

    it('answers 400 BAD_USER_INPUT for variables nested 5,000 deep', async () => {
      const body = `{"query":"query($f: SeizureFilter) { seizures(filter: $f) { totalCount } }","variables":{"f":{"countries":${'['.repeat(5000)}"x"${']'.repeat(5000)}}}}`;
      const response = await platform.http().post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${jm}`).send(body);
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: ['variables'] });
    });
  });

  describe('HTTP requests refused before any route', () => {
    /** Sends raw bytes and returns the whole answer: these requests are ones no client library would make. */
    async function raw(bytes: string): Promise<{ status: number; body: string }> {
      const { port } = new URL(platform.server.url);
      const text = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(bytes));
        let answer = '';
        socket.on('data', (chunk) => { answer += chunk.toString('utf8'); });
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) };
    }

    it.each([
      ['a malformed %-escape', 'GET /reports/%ZZ-marker.pdf HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['a path segment over the length limit', `GET /assets/${'marker'.repeat(600)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
      ['headers over the size limit', `GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'marker'.repeat(4000)}\r\n\r\n`, 431],
      ['a request that is not HTTP', 'HELLO marker\r\n\r\n', 400],
    ])('answers %s in the error envelope, without repeating it', async (_what, bytes, status) => {
      const answer = await raw(bytes);
      expect(answer.status).toBe(status);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
      expect(answer.body).not.toContain('marker');
    });
  });

  describe('validation at the edge names the field', () => {
    it.each([
      ['filter text', '{ seizures(filter: { text: "a\\u0000b" }) { totalCount } }', ['filter.text']],
      ['a country code', '{ seizures(filter: { countries: ["J\\u0000M"] }) { totalCount } }', ['filter.countries.0']],
      ['an agency code', '{ agency(code: "J\\u0000M") { name } }', ['code']],
      ['an agency code of the wrong shape', '{ agency(code: "not a code") { name } }', ['code']],
      ['a malformed operationId in a filter', '{ seizures(filter: { operationId: "------------------------------------" }) { totalCount } }', ['filter.operationId']],
      ['a malformed id', '{ seizure(id: "1\' OR \'1\'=\'1") { id } }', ['id']],
      ['an escape character', '{ seizures(filter: { text: "\\u001b[31m" }) { totalCount } }', ['filter.text']],
      ['a C1 control character', '{ seizures(filter: { text: "a\\u0085" }) { totalCount } }', ['filter.text']],
      ['NUL in a federation key', '{ _entities(representations: [{ __typename: "Seizure", id: "x\\u0000" }]) { __typename } }', ['representations.0.id']],
      ['a representation that is not an object', '{ _entities(representations: ["x"]) { __typename } }', ['representations.0']],
      ['a representation of a type that does not exist', '{ _entities(representations: [{ __typename: "Nope", id: "00000000-0000-4000-8000-000000000000" }]) { __typename } }', ['representations.0.__typename']],
      ['a representation of a type that is no entity', '{ _entities(representations: [{ __typename: "PageInfo", id: "00000000-0000-4000-8000-000000000000" }]) { __typename } }', ['representations.0.__typename']],
    ])('refuses %s', async (_what, query, fields) => {
      const refused = refusal(await platform.gql(jm, query));
      if (fields) expect(refused.fields).toEqual(fields);
      expect(refused.message).not.toMatch(/SELECT|relation|syntax/);
    });

    it.each([
      ['month 13', '2026-13-01T00:00:00Z', /month must be between 01 and 12/],
      ['30 February', '2026-02-30T00:00:00Z', /day must be between 01 and 28/],
      ['29 February outside leap years', '2025-02-29T10:00:00Z', /day must be between 01 and 28/],
      ['a year beyond JavaScript dates', '+275761-01-01T00:00:00Z', /RFC 3339/],
      ['a number', 8640000000000001, /must be a string/],
    ])('refuses %s as a date', async (_what, value, reason) => {
      const refused = refusal(await platform.gql(jm, 'query($d: DateTime) { seizures(filter: { seizedTo: $d }) { totalCount } }', { d: value }));
      expect(refused.message).toMatch(/\$d/);
      expect(refused.message).toMatch(reason);
      // Written inline, GraphQL validation refuses it (400), naming the argument too.
      if (typeof value === 'string') {
        const inline = refusal(await platform.gql(jm, `{ seizures(filter: { seizedTo: "${value}" }) { totalCount } }`), 'GRAPHQL_VALIDATION_FAILED');
        expect(inline.message).toMatch(reason);
      }
      expect((await platform.gql(jm, 'query($d: DateTime) { seizures(filter: { seizedTo: $d }) { totalCount } }', { d: '2024-02-29T10:00:00Z' })).errors).toBeUndefined();
    });

    it('answers statistics up to the last millisecond of the calendar', async () => {
      const stats = await platform.gql<{ seizureStats: unknown[] }>(
        jm,
        '{ seizureStats(filter: { seizedFrom: "9999-12-15T00:00:00Z", seizedTo: "9999-12-31T23:59:59.999Z" }, groupBy: [MONTH]) { keys count } }',
      );
      expect(stats.errors).toBeUndefined();
      expect(stats.data!.seizureStats).toEqual([]);
    });

    it('refuses NUL in mutation inputs: concealment, release agencies, retraction reasons, operation focus, alert names', async () => {
      const cases: [string, Record<string, unknown>, string[]][] = [
        ['mutation($i: SeizureInput!) { submitSeizure(input: $i) { id } }', { i: { reference: 'R-1', tlp: 'CLEAR', seizedAt: '2026-10-01T08:00:00Z', country: 'JM', transportMode: 'SEA', commodity: { category: 'DRUGS' }, quantity: { value: 1, unit: 'KG' }, detectionMethod: 'NII_XRAY', concealment: 'in\u0000side' } }, ['input.concealment']],
        ['mutation($id: ID!, $a: [String!]!) { releaseSeizure(id: $id, agencies: $a) { id } }', { id: seizureId, a: ['KY', 'T\u0000T'] }, ['agencies.1']],
        ['mutation($id: ID!, $r: String!) { retractSeizure(id: $id, reason: $r) { id } }', { id: seizureId, r: 'dup\u0000licate' }, ['reason']],
        ['mutation($i: OperationInput!) { createOperation(input: $i) { id } }', { i: { codeName: 'X', focus: 'fo\u0000cus', tlp: 'AMBER', startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' } }, ['input.focus']],
        ['mutation($i: AlertInput!) { createAlert(input: $i) { id } }', { i: { name: 'al\u0000ert', filter: {} } }, ['input.name']],
        ['mutation($i: AlertInput!) { createAlert(input: $i) { id } }', { i: { name: 'alert', filter: { text: 'x\u0000' } } }, ['input.filter.text']],
      ];
      for (const [query, variables, fields] of cases) {
        const refused = refusal(await platform.gql(jio, query, variables));
        expect(refused.fields).toEqual(fields);
      }
      const [row] = (await platform.server.runtime.dataSource.query("SELECT count(*)::int AS n FROM seizures WHERE reference = 'R-1'")) as { n: number }[];
      expect(row.n).toBe(0);
    });
  });

  describe('cursors are decoded into typed values', () => {
    it.each([
      ['a number where a timestamp belongs', 'seizures', b64(JSON.stringify([12345, UUID]))],
      ['a malformed uuid', 'seizures', b64(JSON.stringify(['2026-01-01T00:00:00.000Z', '------------------------------------']))],
      ['a date out of JavaScript range', 'seizures', b64(JSON.stringify(['+275760-09-13T00:00:00.001Z', UUID]))],
      ['an impossible date', 'operations', b64(JSON.stringify(['2026-13-01T00:00:00.000Z', UUID]))],
      ['extra elements', 'operations', b64(JSON.stringify(['2026-01-01T00:00:00.000Z', UUID, 1]))],
    ])('refuses a keyset cursor with %s', async (_what, field, cursor) => {
      const refused = refusal(await platform.gql(jm, `query($a: String) { ${field}(after: $a) { totalCount } }`, { a: cursor }));
      expect(refused.fields).toEqual(['after']);
      expect(refused.message).toMatch(/^after: not a cursor returned by this API/);
    });

    it('refuses change-feed and audit sequences beyond bigint', async () => {
      const feed = refusal(await platform.gql(jm, 'query($a: String) { changes(after: $a) { hasMore } }', { a: b64('seq:9999999999999999999') }));
      expect(feed.fields).toEqual(['after']);
      const audit = refusal(await platform.gql(jio, 'query($r: ID!, $a: String) { auditTrail(resourceId: $r, after: $a) { edges { cursor } } }', { r: seizureId, a: b64('9999999999999999999') }));
      expect(audit.fields).toEqual(['after']);
      // The cursors handed out still work.
      const page = await platform.gql<{ seizures: { pageInfo: { endCursor: string } } }>(jm, '{ seizures(first: 1) { pageInfo { endCursor } } }');
      expect((await platform.gql(jm, 'query($a: String) { seizures(after: $a) { totalCount } }', { a: page.data!.seizures.pageInfo.endCursor })).errors).toBeUndefined();
    });
  });

  it('appends the audit events of one request in one batch', async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, async () => (await submitSeizure(platform, jm, { tlp: 'CLEAR' })).id));
    const query = `{ ${[...ids, seizureId].map((id, i) => `s${i}: seizure(id: "${id}") { id }`).join(' ')} }`;
    const { errors } = await platform.gql(jio, query);
    expect(errors).toBeUndefined();
    const rows = (await platform.server.runtime.dataSource.query(
      "SELECT seq, at FROM audit_events WHERE action = 'seizure.read' AND resource_id = ANY($1::uuid[]) ORDER BY seq",
      [[...ids, seizureId]],
    )) as { seq: string; at: Date }[];
    expect(rows).toHaveLength(6);
    // One append: one timestamp, consecutive positions in the chain.
    expect(new Set(rows.map((row) => row.at.toISOString())).size).toBe(1);
    expect(BigInt(rows[5].seq) - BigInt(rows[0].seq)).toBe(5n);
    const verified = await platform.gql<{ verifyAuditChain: { ok: boolean } }>(jio, '{ verifyAuditChain { ok } }');
    expect(verified.data!.verifyAuditChain.ok).toBe(true);
  });

  describe('isolation', () => {
    it("marks a broken alert for its owner and still fires every other user's alert", async () => {
      const marker = `iso${randomBytes(3).toString('hex')}`;
      const owner = await platform.userWithKey('KY', ['ELO']);
      const other = await platform.userWithKey('TT', ['ELO']);
      const create = 'mutation($i: AlertInput!) { createAlert(input: $i) { id } }';
      const broken = await platform.gql<{ createAlert: { id: string } }>(owner.key, create, { i: { name: 'soon broken', filter: { text: marker } } });
      const honest = await platform.gql<{ createAlert: { id: string } }>(other.key, create, { i: { name: 'honest', filter: { text: marker } } });
      // A filter saved before the checks existed: a malformed id the database cannot compare.
      const alerts = platform.server.runtime.dataSource.getRepository(AlertEntity);
      await alerts.update({ id: broken.data!.createAlert.id }, { filter: { text: marker, operationId: 'not-a-uuid' } });

      const news = await submitSeizure(platform, jm, { tlp: 'CLEAR', commodity: { category: 'TOBACCO', type: marker } });
      const deliveries = platform.server.runtime.dataSource.getRepository(AlertDeliveryEntity);
      await waitFor("the other user's alert to fire", () => deliveries.existsBy({ alertId: honest.data!.createAlert.id, seizureId: news.id }));
      const listed = await waitFor('the broken alert to be marked', async () => {
        const answer = await platform.gql<{ alerts: { id: string; brokenReason: string | null; brokenAt: string | null }[] }>(owner.key, '{ alerts { id brokenReason brokenAt } }');
        const mine = answer.data!.alerts.find((alert) => alert.id === broken.data!.createAlert.id);
        return mine?.brokenReason ? mine : null;
      });
      expect(listed.brokenReason).toBe('filter.operationId: not an id');
      expect(listed.brokenAt).toEqual(expect.any(String));
      expect(await deliveries.existsBy({ alertId: broken.data!.createAlert.id })).toBe(false);
    }, SLOW);

    it("a subscriber whose filter fails when evaluated ends alone: the others still get the event", async () => {
      const marker = `sub${randomBytes(3).toString('hex')}`;
      const url = `${platform.server.url.replace(/^http/, 'ws')}/graphql`;
      const clients: Client[] = [];
      const feed = (token: string) => {
        const items: unknown[] = [];
        const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
        clients.push(client);
        client.subscribe({ query: 'subscription($f: SeizureFilter) { seizureReported(filter: $f) { id } }', variables: { f: { text: marker } } }, {
          next: (result) => items.push(result.data),
          error: () => undefined,
          complete: () => undefined,
        });
        return items;
      };
      try {
        const subscriptions = platform.server.app.get(SeizureSubscriptions);
        const before = subscriptions.activeCount;
        const poisoned = feed((await platform.userWithKey('KY', ['ELO'])).key);
        await waitFor('the first subscription', () => subscriptions.activeCount >= before + 1);
        // Its stored filter goes bad after subscribing (subscribing itself refuses such a filter).
        const held = (subscriptions as unknown as { subscribers: Set<{ filter: Record<string, unknown> }> }).subscribers;
        for (const subscriber of held) if (subscriber.filter.text === marker) subscriber.filter.operationId = 'not-a-uuid';
        const honest = feed((await platform.userWithKey('TT', ['ELO'])).key);
        await waitFor('the second subscription', () => subscriptions.activeCount >= before + 2);

        const news = await submitSeizure(platform, jm, { tlp: 'CLEAR', commodity: { category: 'TOBACCO', type: marker } });
        await waitFor('the honest subscriber to get the report', () => honest.some((item) => JSON.stringify(item).includes(news.id)));
        expect(poisoned).toEqual([]);
      } finally {
        await Promise.all(clients.map((client) => Promise.resolve(client.dispose()).catch(() => undefined)));
      }
    }, SLOW);
  });
});

describe('production: webhook destinations and introspection', () => {
  let platform: TestPlatform;
  let admin: string;
  let receiver: http.Server;
  let port: number;

  beforeAll(async () => {
    platform = await startTestPlatform({
      worker: true,
      env: { NODE_ENV: 'production', PLATFORM_KEY_PASSPHRASE: 'a long enough passphrase', WEBHOOK_ALLOW_PRIVATE_DESTINATIONS: undefined },
    });
    admin = (await platform.userWithKey('JM', ['ELO'])).key;
    receiver = http.createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  }, SLOW);
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    await platform.stop();
  }, SLOW);

  it('has private destinations off by default', () => {
    expect(platform.config.webhooks.allowPrivateDestinations).toBe(false);
  });

  it.each([
    'https://127.1/x', 'https://2130706433/x', 'https://0x7f000001/x', 'https://0177.0.0.1/x', 'https://[::ffff:127.0.0.1]/x', 'https://[::ffff:7f00:1]/x',
    'https://169.254.169.254/latest/meta-data/', 'https://10.0.0.1/x', 'https://[fe80::1]/x', 'https://localhost/x', 'http://127.0.0.1/x',
  ])('refuses the webhook destination %s', async (webhookUrl) => {
    const refused = await platform.gql(admin, 'mutation($i: AlertInput!) { createAlert(input: $i) { id } }', { i: { name: 'probe', filter: {}, webhookUrl } });
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['webhookUrl'] });
  });

  it('checks the address actually connected to: a name that resolves to loopback is not reached (DNS rebinding)', async () => {
    const marker = `dns${randomBytes(3).toString('hex')}`;
    const created = await platform.gql<{ createAlert: { id: string } }>(admin, 'mutation($i: AlertInput!) { createAlert(input: $i) { id } }', {
      i: { name: 'rebinding', filter: { text: marker }, webhookUrl: 'https://hooks.example.org/x' },
    });
    expect(created.errors).toBeUndefined();
    // As if hooks.example.org had answered with a public address at creation and 127.0.0.1 now.
    const alerts = platform.server.runtime.dataSource.getRepository(AlertEntity);
    await alerts.update({ id: created.data!.createAlert.id }, { webhookUrl: `https://localhost:${port}/hook` });
    const news = await submitSeizure(platform, admin, { tlp: 'CLEAR', commodity: { category: 'TOBACCO', type: marker } });
    const deliveries = platform.server.runtime.dataSource.getRepository(AlertDeliveryEntity);
    const failed = await waitFor('the webhook attempt', async () => {
      const row = await deliveries.findOneBy({ alertId: created.data!.createAlert.id, seizureId: news.id, channel: 'WEBHOOK' });
      return row?.lastError ? row : null;
    });
    expect(failed.lastError).toBe('localhost does not resolve to a public address');
  }, SLOW);

  it('gives anonymous callers no introspection and no _service; a gateway with credentials gets both', async () => {
    const anonymous = await platform.gql(null, '{ __schema { queryType { name } } }');
    expect([anonymous.status, anonymous.errors![0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    const anonymousSdl = await platform.gql(null, '{ _service { sdl } }');
    expect(anonymousSdl.errors![0].extensions.code).toBe('UNAUTHENTICATED');
    const forged = await platform.gql('not-a-key', '{ __type(name: "Seizure") { name } }');
    expect(forged.errors![0].extensions.code).toBe('UNAUTHENTICATED');
    const gateway = await platform.gql<{ _service: { sdl: string } }>(admin, '{ _service { sdl } }');
    expect(gateway.errors).toBeUndefined();
    expect(gateway.data!._service.sdl).toContain('type Seizure');
    const introspection = await platform.gql<{ __schema: { queryType: { name: string } } }>(admin, '{ __schema { queryType { name } } }');
    expect(introspection.data!.__schema.queryType.name).toBe('Query');
  });

  it('does not map the schema for anyone through validation errors ("Did you mean …")', async () => {
    for (const query of ['{ seizur { id } }', '{ agencyUser { id } }', '{ seizure(id: "00000000-0000-4000-8000-000000000000") { sensitiv { narrativ } } }']) {
      for (const key of [null, admin]) {
        const answer = await platform.gql(key, query);
        expect(answer.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(answer.errors!.map((error) => error.message).join(' ')).not.toMatch(/Did you mean|seizures|agencyUsers|narrative|sensitive/);
      }
    }
    // Nor through the coercion of variables (input fields and enum values).
    const coerced = await platform.gql(null, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', { i: { codeNam: 'x', tlp: 'AMBR' } });
    expect(coerced.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(coerced.errors!.map((error) => error.message).join(' ')).not.toMatch(/Did you mean|"AMBER"/); // the required fields it lacks are named: they are the published contract
  });
});
