import { randomBytes } from 'node:crypto';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { AlertDeliveryEntity } from '../../../src/alerts/alert.entity.js';
import { AuditService } from '../../../src/audit/audit.service.js';
import { submitSeizure } from '../../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../../support/test-platform.js';
import { DeepNesting, GraphqlFuzzer, requestBody, seededRandom, type FuzzOperation } from './graphql-fuzzer.js';
import { waitFor } from '../../support/wait-for.js';

/*
 * The schema-wide fuzz. Operations are generated from the schema the server serves, with random
 * and hostile argument values, and sent as several principals. Whatever they are, the server must
 * answer without HTTP 500, INTERNAL_SERVER_ERROR, a stack trace or SQL; and afterwards other users'
 * subscriptions and alerts still get their events and the audit chain still verifies.
 *
 * FUZZ_SEED reproduces a run (the seed is printed with every failure); FUZZ_OPERATIONS sets its size.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const OPERATIONS = Number(process.env.FUZZ_OPERATIONS ?? 2000);
const CONCURRENCY = 4;
const SLOW = 600_000;

/** What must never reach a client: stack frames, SQL, driver or ORM internals. */
const LEAKS = [
  /\bat (?:async )?[\w.<>]+ \((?:\/|file:|node:|<anonymous>)/, /\.(?:ts|js):\d+:\d+/, /node_modules/, /QueryFailedError|TypeORMError|PostgresError|error: syntax error/i,
  /\bSELECT\b[\s\S]{0,200}\bFROM\b/, /\bINSERT INTO\b/, /\bUPDATE "?\w+"? SET\b/, /relation "\w+"/, /invalid input syntax for type/, /violates .* constraint/,
];

interface Principal {
  name: string;
  token: string | null;
}

interface Failure {
  index: number;
  principal: string;
  operation: FuzzOperation;
  status: number;
  problem: string;
  answer: string;
}

function shortJson(value: unknown, max = 1500): string {
  const text = JSON.stringify(value, (_key, item: unknown) =>
    item instanceof DeepNesting ? `<arrays nested ${item.depth} deep>` : typeof item === 'string' && item.length > 200 ? `${item.slice(0, 200)}…(${item.length})` : item);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describeFailure(failure: Failure): string {
  return [
    `#${failure.index} as ${failure.principal} (FUZZ_SEED=${SEED}): ${failure.problem}`,
    `  status: ${failure.status}`,
    `  operation: ${failure.operation.query.length > 3000 ? `${failure.operation.query.slice(0, 3000)}…` : failure.operation.query}`,
    `  variables: ${shortJson(failure.operation.variables)}`,
    `  answer: ${failure.answer.slice(0, 1500)}`,
  ].join('\n');
}

describe(`schema-wide fuzz (FUZZ_SEED=${SEED}, ${OPERATIONS} operations)`, () => {
  let platform: TestPlatform;
  let schema: GraphQLSchema;
  let principals: Principal[];
  let auditor: string;
  let jmElo: string;
  let wsUrl: string;
  const clients: Client[] = [];
  const marker = `fz${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    platform = await startTestPlatform({
      worker: true,
      // Partners share a token bucket: let the fuzz's partner be fuzzed rather than rate limited.
      env: { RATE_LIMIT_PARTNER_PER_MINUTE: '1000000', RATE_LIMIT_PARTNER_BURST: '1000000' },
    });
    wsUrl = `${platform.server.url.replace(/^http/, 'ws')}/graphql`;
    jmElo = (await platform.userWithKey('JM', ['ELO'])).key;
    const jmAdmin = (await platform.userWithKey('JM', ['AGENCY_ADMIN'])).key;
    const partner = (await platform.userWithKey('RILO-AP', ['PARTNER'])).key;
    const jio = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    auditor = (await platform.userWithKey('JIO', ['AUDITOR'])).key;
    principals = [
      { name: 'anonymous', token: null },
      { name: 'ELO (JM)', token: jmElo },
      { name: 'agency admin (JM)', token: jmAdmin },
      { name: 'partner (RILO-AP)', token: partner },
      { name: 'JIO analyst', token: jio },
    ];
    const introspection = await platform.gql<IntrospectionQuery>(jmElo, getIntrospectionQuery());
    schema = buildClientSchema(introspection.data!);
  }, SLOW);

  afterAll(async () => {
    // Hostile subscriptions may have been refused and closed already: disposing them may reject.
    await Promise.all(clients.map((client) => Promise.resolve(client.dispose()).catch(() => undefined)));
    await platform.stop();
  }, SLOW);

  /** A subscription that records what it receives. */
  function subscribe(token: string | null, query: string, variables: Record<string, unknown>): { items: unknown[]; errors: unknown[] } {
    const feed = { items: [] as unknown[], errors: [] as unknown[] };
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: token ? { Authorization: `Bearer ${token}` } : {}, retryAttempts: 0, on: { error: () => undefined } });
    clients.push(client);
    client.subscribe({ query, variables }, {
      next: (result) => {
        if (result.errors) feed.errors.push(...result.errors);
        if (result.data) feed.items.push(result.data);
      },
      error: (error) => feed.errors.push(error),
      complete: () => undefined,
    });
    return feed;
  }

  function check(index: number, principal: Principal, operation: FuzzOperation, status: number, text: string): Failure | null {
    const fail = (problem: string): Failure => ({ index, principal: principal.name, operation, status, problem, answer: text });
    if (status >= 500) return fail(`HTTP ${status}`);
    if (/INTERNAL_SERVER_ERROR/.test(text)) return fail('INTERNAL_SERVER_ERROR');
    const leak = LEAKS.find((pattern) => pattern.test(text));
    if (leak) return fail(`the answer leaks internals (${leak})`);
    return null;
  }

  it('never answers 500, INTERNAL_SERVER_ERROR, a stack trace or SQL; other users keep their deliveries; the audit chain verifies', async () => {
    // Known values, so that some operations get past the first check.
    const seeded = await submitSeizure(platform, jmElo, { tlp: 'CLEAR', commodity: { category: 'TOBACCO', type: `${marker}seed` } });
    const page = await platform.gql<{ seizures: { edges: { cursor: string }[] } }>(jmElo, '{ seizures(first: 5) { edges { cursor } } }');
    const feed = await platform.gql<{ changes: { cursor: string } }>(jmElo, '{ changes(first: 1) { cursor } }');
    const known = {
      ids: [seeded.id],
      cursors: [...(page.data?.seizures.edges.map((edge) => edge.cursor) ?? []), feed.data?.changes.cursor ?? ''],
      codes: ['JM', 'KY', 'JIO', 'RILO-AP', 'US', 'TT'],
    };

    // Honest users of other agencies: a live subscription and an alert, both about `marker`.
    const ky = await platform.userWithKey('KY', ['ELO']);
    const honestFeed = subscribe(ky.key, `subscription($f: SeizureFilter) { seizureReported(filter: $f) { id } }`, { f: { text: marker } });
    const tt = await platform.userWithKey('TT', ['ANALYST']);
    const alert = await platform.gql<{ createAlert: { id: string } }>(tt.key, 'mutation($i: AlertInput!) { createAlert(input: $i) { id } }', { i: { name: 'honest', filter: { text: marker } } });
    expect(alert.errors).toBeUndefined();

    const random = seededRandom(SEED);
    const fuzzer = new GraphqlFuzzer(schema, random, known);
    const failures: Failure[] = [];
    const hostileFeeds: { items: unknown[]; errors: unknown[]; operation: FuzzOperation; principal: string }[] = [];
    const kinds = { query: 0, mutation: 0, subscription: 0, amplification: 0 };
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < OPERATIONS) {
        const index = next;
        next += 1;
        // Drawn in index order from one generator: which operations run depends on the seed only (their
        // values still vary: ids and cursors come from the database, and the run's marker is random).
        const roll = random();
        const principal = principals[Math.floor(random() * principals.length)];
        const kind = roll < 0.02 ? 'subscription' : roll < 0.05 ? 'amplification' : roll < 0.62 ? 'query' : 'mutation';
        kinds[kind] += 1;
        const operation = kind === 'amplification' ? fuzzer.amplification() : fuzzer.operation(kind);
        if (kind === 'subscription') {
          hostileFeeds.push({ ...subscribe(principal.token, operation.query, operation.variables), operation, principal: principal.name });
          continue;
        }
        let call = platform.http().post('/graphql').set('content-type', 'application/json');
        if (principal.token) call = call.set('authorization', `Bearer ${principal.token}`);
        // Serialised here: supertest's own serialiser recurses too deeply for the deep-nesting cases.
        const response = await call.send(requestBody(operation));
        const failure = check(index, principal, operation, response.status, response.text);
        if (failure) failures.push(failure);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = Date.now() - started;
    process.stdout.write(`fuzz: ${OPERATIONS} operations (${JSON.stringify(kinds)}) in ${(elapsed / 1000).toFixed(1)} s, seed ${SEED}\n`);

    // What the hostile subscriptions got back must not leak either.
    for (const hostile of hostileFeeds) {
      const text = JSON.stringify(hostile.errors);
      if (/INTERNAL_SERVER_ERROR/.test(text) || LEAKS.some((pattern) => pattern.test(text))) {
        failures.push({ index: -1, principal: hostile.principal, operation: hostile.operation, status: 0, problem: 'the subscription error leaks internals', answer: text });
      }
    }
    if (failures.length) {
      const byField = new Map<string, number>();
      for (const failure of failures) {
        const field = /\{\s*(\w+)/.exec(failure.operation.query)?.[1] ?? '?';
        byField.set(`${field}: ${failure.problem}`, (byField.get(`${field}: ${failure.problem}`) ?? 0) + 1);
      }
      const summary = [...byField].map(([what, count]) => `  ${count} × ${what}`).join('\n');
      // One example of each kind of failure first, then more, up to ten.
      const examples = [...new Map(failures.map((failure) => [`${/\{\s*(\w+)/.exec(failure.operation.query)?.[1]}${failure.problem}`, failure])).values()];
      const shown = [...new Set([...examples, ...failures])].slice(0, 10);
      throw new Error(`${failures.length} of ${OPERATIONS} fuzzed operations failed:\n${summary}\n\n${shown.map(describeFailure).join('\n\n')}`);
    }

    // Other users' deliveries still work: a report about `marker` reaches the honest subscriber and alert.
    const news = await submitSeizure(platform, jmElo, { tlp: 'CLEAR', commodity: { category: 'TOBACCO', type: marker } });
    await waitFor('the honest subscriber to receive the report', () => honestFeed.items.some((item) => JSON.stringify(item).includes(news.id)));
    expect(honestFeed.errors).toEqual([]);
    const deliveries = platform.server.runtime.dataSource.getRepository(AlertDeliveryEntity);
    await waitFor('the honest alert to fire', () => deliveries.existsBy({ alertId: alert.data!.createAlert.id, seizureId: news.id }));

    // The audit chain still verifies, through the API and directly.
    const verified = await platform.gql<{ verifyAuditChain: { ok: boolean; checked: number } }>(auditor, '{ verifyAuditChain { ok checked } }');
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.verifyAuditChain.ok).toBe(true);
    expect((await platform.server.app.get(AuditService).verifyChain()).ok).toBe(true);
  }, SLOW);
});
