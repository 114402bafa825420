import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SUBSCRIPTIONS_PER_USER, SeizureSubscriptions } from '../../src/alerts/seizure-subscriptions.service.js';
import { SeizureLinkRequestAlerts } from '../../src/operations/seizure-link-request-alerts.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

const SUBSCRIBE = `subscription Reported($filter: SeizureFilter) {
  seizureReported(filter: $filter) { id reference tlp redactedFields reportingAgency { code } commodity { type } sensitive { narrative } }
}`;

interface Reported {
  id: string;
  reference: string;
  tlp: string;
  redactedFields: string[];
  reportingAgency: { code: string };
  sensitive: { narrative: string | null } | null;
}

interface Feed {
  items: Reported[];
  errors: unknown[];
  completed: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Jobs on the embedded database take seconds each. */
const SLOW = 120_000;

describe('seizureReported over graphql-ws', () => {
  let platform: TestPlatform;
  let url: string;
  const clients: Client[] = [];
  const marker = randomBytes(4).toString('hex');
  let jm: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ worker: true });
    url = `${platform.server.url.replace(/^http/, 'ws')}/graphql`;
    jm = (await platform.userWithKey('JM', ['ELO'])).key;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await platform.stop();
  });

  function connect(connectionParams: Record<string, unknown>, closed?: (code: number) => void): Client {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      on: { closed: (event) => closed?.((event as { code: number }).code) },
    });
    clients.push(client);
    return client;
  }

  function subscribe(client: Client, filter: Record<string, unknown> | null): Feed {
    const feed: Feed = { items: [], errors: [], completed: false };
    client.subscribe<{ seizureReported: Reported }>({ query: SUBSCRIBE, variables: { filter } }, {
      next: (result) => {
        if (result.errors) feed.errors.push(...result.errors);
        if (result.data) feed.items.push(result.data.seizureReported);
      },
      error: (error) => feed.errors.push(error),
      complete: () => {
        feed.completed = true;
      },
    });
    return feed;
  }

  const active = () => platform.server.app.get(SeizureSubscriptions).activeCount;

  it('delivers a report to the subscribers entitled to it, redacted for each, and to nobody else', async () => {
    const ky = await platform.userWithKey('KY', ['ELO']);
    const tt = await platform.userWithKey('TT', ['ELO']);
    const filter = { text: marker };
    const before = active();
    const kyFeed = subscribe(connect({ Authorization: `Bearer ${ky.key}` }), filter);
    const ttFeed = subscribe(connect({ authorization: `Bearer ${tt.key}` }), filter);
    const kyFirearms = subscribe(connect({ Authorization: `Bearer ${ky.key}` }), { ...filter, commodityCategories: ['FIREARMS'] });
    await waitFor('three subscriptions', () => active() >= before + 3);

    // AMBER for JM only: nobody subscribed may see it yet.
    const amber = await submitSeizure(platform, jm, { tlp: 'AMBER', commodity: { category: 'AMMUNITION', type: marker } });
    // Released to KY: news for KY, still nothing for TT.
    const released = await platform.gql(jm, 'mutation($id: ID!) { releaseSeizure(id: $id, agencies: ["KY"]) { id } }', { id: amber.id });
    expect(released.errors).toBeUndefined();
    await waitFor('KY to receive the released report', () => kyFeed.items.length >= 1);
    expect(kyFeed.items).toEqual([{
      id: amber.id, reference: amber.reference, tlp: 'AMBER', redactedFields: [], reportingAgency: { code: 'JM' },
      commodity: { type: marker }, sensitive: { narrative: 'Consignee known to the unit' },
    }]);

    // A low-grade report feeds no alert, live ones included.
    await submitSeizure(platform, jm, { tlp: 'CLEAR', commodity: { category: 'AMMUNITION', type: marker }, evaluation: { scheme: 'ADMIRALTY_6X6', source: 'E', information: '5' } });
    await sleep(1500);
    expect(ttFeed.items).toEqual([]);
    expect(kyFeed.items).toHaveLength(1);

    // A CLEAR report reaches both: TT's subscription works, and shows TT the facts only.
    const clear = await submitSeizure(platform, jm, { tlp: 'CLEAR', commodity: { category: 'AMMUNITION', type: marker } });
    await waitFor('TT to receive the CLEAR report', () => ttFeed.items.length >= 1);
    await waitFor('KY to receive the CLEAR report', () => kyFeed.items.length >= 2);
    expect(ttFeed.items.map((item) => item.id)).toEqual([clear.id]);
    expect(ttFeed.items[0].sensitive).toBeNull();
    expect(ttFeed.items[0].redactedFields).toEqual(expect.arrayContaining(['sensitive', 'conveyance.identifier', 'location.latitude']));
    expect(kyFeed.items.map((item) => item.id)).toEqual([amber.id, clear.id]);
    expect(kyFirearms.items).toEqual([]);
    expect([kyFeed, ttFeed, kyFirearms].flatMap((feed) => feed.errors)).toEqual([]);
  }, SLOW);

  it('closes a connection without valid credentials (4403)', async () => {
    for (const params of [{}, { Authorization: 'Bearer not-a-key' }, { Authorization: 'Basic abc' }]) {
      let code: number | undefined;
      const feed = subscribe(connect(params, (closed) => (code = closed)), null);
      await waitFor('the connection to close', () => code !== undefined || feed.errors.length > 0);
      expect(code).toBe(4403);
      expect(feed.items).toEqual([]);
    }
  });

  it('bounds the live subscriptions one user holds, so one user cannot delay everyone else’s deliveries', async () => {
    const greedy = await platform.userWithKey('TT', ['ELO']);
    const other = await platform.userWithKey('KY', ['ELO']);
    const service = platform.server.app.get(SeizureSubscriptions);
    const client = connect({ Authorization: `Bearer ${greedy.key}` });
    const feeds = Array.from({ length: SUBSCRIPTIONS_PER_USER }, () => subscribe(client, null));
    await waitFor('the allowed subscriptions', () => service.subscriptionsOf(greedy.userId) === SUBSCRIPTIONS_PER_USER);
    const refused = subscribe(client, null);
    await waitFor('the refusal', () => refused.errors.length > 0);
    expect(refused.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(feeds.every((feed) => feed.errors.length === 0)).toBe(true);
    // Another user is not held back by it.
    const fine = subscribe(connect({ Authorization: `Bearer ${other.key}` }), { text: `bounded${marker}` });
    await waitFor('the other user’s subscription', () => service.subscriptionsOf(other.userId) === 1);
    const report = await submitSeizure(platform, jm, { tlp: 'CLEAR', commodity: { category: 'FIREARMS', type: `bounded${marker}` } });
    await waitFor('the delivery', () => fine.items.some((item) => item.id === report.id));
    expect(fine.errors).toEqual([]);
  }, SLOW);

  it('refuses a bad filter like a search would', async () => {
    const ky = await platform.userWithKey('KY', ['ELO']);
    const feed = subscribe(connect({ Authorization: `Bearer ${ky.key}` }), { countries: ['XX'] });
    await waitFor('an error', () => feed.errors.length > 0);
    expect(feed.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('applies the query depth limit to subscriptions', async () => {
    const ky = await platform.userWithKey('KY', ['ELO']);
    const client = connect({ Authorization: `Bearer ${ky.key}` });
    const errors: unknown[] = [];
    const deep = `subscription { seizureReported { operation { seizures(first: 200) { edges { node { operation { seizures(first: 200) {
      edges { node { operation { seizures(first: 200) { edges { node { id } } } } } } } } } } } } } }`;
    client.subscribe({ query: deep }, { next: () => undefined, error: (error) => errors.push(error), complete: () => undefined });
    await waitFor('an error', () => errors.length > 0);
    expect(errors[0]).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) })]);
    // An HTTP status and headers mean nothing on a socket: they are not sent.
    expect((errors[0] as { extensions: Record<string, unknown> }[])[0].extensions).not.toHaveProperty('http');
  });
  describe('over a console session (cookie and CSRF token)', () => {
    /** A console session and its WebSocket (which connects at its first subscription): the cookie on the upgrade, the CSRF token in connection_init. */
    async function consoleSession(apiKey: string): Promise<{ client: Client; cookie: string }> {
      const signedIn = await platform.http().post('/session').set('content-type', 'application/json').send({ apiKey });
      expect(signedIn.status).toBe(201);
      const cookie = /ww_session=[^;]+/.exec(String(signedIn.headers['set-cookie']))![0];
      const client = createClient({
        url,
        webSocketImpl: class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { headers: { cookie } });
          }
        },
        connectionParams: { csrfToken: signedIn.body.csrfToken as string },
        retryAttempts: 0,
      });
      clients.push(client);
      return { client, cookie };
    }
    const consoleClient = async (apiKey: string) => (await consoleSession(apiKey)).client;
    /** The session's idle clock, as stored. */
    const lastSeen = async (userId: string) =>
      new Date(((await platform.server.runtime.dataSource.query('SELECT last_seen_at FROM console_sessions WHERE user_id = $1', [userId])) as { last_seen_at: Date }[])[0].last_seen_at).getTime();
    /** As if the user had walked away 29 minutes ago; returns the idle clock as stored then. */
    const idleFor29Minutes = async (userId: string) => {
      await platform.server.runtime.dataSource.query("UPDATE console_sessions SET last_seen_at = now() - interval '29 minutes' WHERE user_id = $1", [userId]);
      return lastSeen(userId);
    };
    /** As a minute after the last check: the next event re-checks the connection's credentials. */
    const dueForRecheck = (service: object) => {
      for (const subscriber of (service as { subscribers: Set<{ checkedAt: number }> }).subscribers) subscriber.checkedAt = 0;
    };
    const checked = (service: object) => [...(service as { subscribers: Set<{ checkedAt: number }> }).subscribers].every((subscriber) => subscriber.checkedAt > 0);

    it("does not keep an unattended console session alive: a live subscription's re-check is not the user's activity", async () => {
      const officer = await platform.userWithKey('KY', ['ELO']);
      const feed = subscribe(await consoleClient(officer.key), null);
      const service = platform.server.app.get(SeizureSubscriptions);
      await waitFor('the subscription', () => service.subscriptionsOf(officer.userId) === 1);
      const idleSince = await idleFor29Minutes(officer.userId);
      dueForRecheck(service);
      await submitSeizure(platform, jm, { tlp: 'CLEAR', reference: `IDLE-${marker}` });
      await waitFor('the re-check', () => checked(service));
      await waitFor('the report', () => feed.items.some((item) => item.reference === `IDLE-${marker}`));
      expect(await lastSeen(officer.userId)).toBe(idleSince);
    }, SLOW);

    it('does not count a WebSocket the console opens (or re-opens) by itself as the user’s activity', async () => {
      const officer = await platform.userWithKey('KY', ['ELO']);
      const { client, cookie } = await consoleSession(officer.key); // not connected until it subscribes
      const idleSince = await idleFor29Minutes(officer.userId);
      subscribe(client, null);
      const service = platform.server.app.get(SeizureSubscriptions);
      await waitFor('the subscription', () => service.subscriptionsOf(officer.userId) === 1);
      expect(await lastSeen(officer.userId)).toBe(idleSince);
      // A request the user makes does restart it.
      await platform.http().get('/session').set('cookie', cookie);
      expect(await lastSeen(officer.userId)).toBeGreaterThan(idleSince);
    }, SLOW);

    it('keeps delivering link requests over a console session after its credentials are checked again', async () => {
      const officer = await platform.userWithKey('KY', ['ELO']);
      const analyst = await platform.userWithKey('JIO', ['ANALYST']);
      const operation = (await platform.gql<{ createOperation: { id: string } }>(analyst.key, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', {
        i: { codeName: `LIVE ${marker.toUpperCase()}`, focus: 'link requests', tlp: 'AMBER', startsAt: '2026-08-03T00:00:00Z', endsAt: '2026-09-14T00:00:00Z', participants: ['KY'] },
      })).data!.createOperation.id;
      await platform.gql(analyst.key, 'mutation($id: ID!) { setOperationStatus(operationId: $id, status: ACTIVE) { status } }', { id: operation });
      const report = await submitSeizure(platform, officer.key, { tlp: 'GREEN', country: 'KY' });
      const received: string[] = [];
      let completed = false;
      (await consoleClient(officer.key)).subscribe<{ seizureLinkRequested: { seizure: { id: string } | null } }>(
        { query: 'subscription { seizureLinkRequested { id seizure { id } } }' },
        { next: (result) => void (result.data && received.push(result.data.seizureLinkRequested.seizure?.id ?? '')), error: () => undefined, complete: () => void (completed = true) },
      );
      const alerts = platform.server.app.get(SeizureLinkRequestAlerts);
      await waitFor('the subscription', () => alerts.subscriptionsOf(officer.userId) > 0);
      dueForRecheck(alerts);
      const asked = await platform.gql(analyst.key, 'mutation($op: ID!, $s: ID!) { requestSeizureLink(operationId: $op, seizureId: $s, note: "please") { id } }', { op: operation, s: report.id });
      expect(asked.errors).toBeUndefined();
      await waitFor('the link request', () => received.includes(report.id));
      expect(completed).toBe(false);
    }, SLOW);
  });
});
