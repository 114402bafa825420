import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SeizureSubscriptions } from '../../src/alerts/seizure-subscriptions.service.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

const SUBSCRIBE = `subscription Reported($filter: SeizureFilter) {
  seizureReported(filter: $filter) { id reference tlp redactedFields reportingAgency { code } commodity { type } sensitive { narrative } }
}`;

interface Reported {
  id: string;
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
  });
});
