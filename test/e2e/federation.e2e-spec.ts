import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { jest } from '@jest/globals';
import WebSocket from 'ws';
import { AuditEventEntity } from '../../src/audit/audit-event.entity.js';
import { JsonLogger } from '../../src/observability/json-logger.js';
import { SeizureSearchService } from '../../src/seizures/data/seizure-search.service.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { selectsNaming, statementsDuring, statementsOn } from '../support/statements.js';
import { startTestPlatform, type GraphqlResponse, type TestPlatform } from '../support/test-platform.js';

/** A CEN-like partner subgraph: adds cenCaseRef to Windward's seizures and lists cases pointing at Windward entities. */
function startCenSubgraph(cases: () => { ref: string; seizureId: string; operationId: string; agencyCode: string }[]) {
  const typeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { cenCases: [CenCase!]! }
    type CenCase { ref: String! seizure: Seizure operation: Operation agency: Agency }
    type Seizure @key(fields: "id") { id: ID! cenCaseRef: String }
    type Operation @key(fields: "id", resolvable: false) { id: ID! }
    type Agency @key(fields: "code", resolvable: false) { code: String! }
  `);
  const resolvers = {
    Query: {
      cenCases: () =>
        cases().map((c) => ({ ref: c.ref, seizure: { id: c.seizureId }, operation: { id: c.operationId }, agency: { code: c.agencyCode } })),
    },
    Seizure: { __resolveReference: (reference: { id: string }) => ({ id: reference.id, cenCaseRef: `CEN-${reference.id.slice(0, 8)}` }) },
  };
  const server = new ApolloServer({ schema: buildSubgraphSchema([{ typeDefs, resolvers }]), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  return startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } }).then(({ url }) => ({ server, url }));
}

function graphqlUrl(platform: TestPlatform): string {
  const { port } = platform.server.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}/graphql`;
}

async function post<T>(url: string, token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T> & { headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Pick<GraphqlResponse<T>, 'data' | 'errors'>;
  return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
}

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Seizure { id tlp redactedFields sensitive { narrative } }
    ... on Operation { id codeName leadAgency { code } }
    ... on Agency { code name kind }
  }
}`;

interface FeedItem {
  kind: 'UPSERT' | 'REMOVE';
  seizureId: string;
  at: string;
  seizure: { id: string; version: number; tlp: string; status: string; redactedFields: string[] } | null;
}
interface FeedPage {
  changes: { items: FeedItem[]; cursor: string | null; hasMore: boolean };
}
const CHANGES = `query($after: String, $first: Int) {
  changes(after: $after, first: $first) { cursor hasMore items { kind seizureId at seizure { id version tlp status redactedFields } } }
}`;

/**
 * A partner's mirror of what it may see, kept by applying the feed. Checks that every REMOVE names a
 * report the partner's agency was shown before (by any of its feed readers: `everShown` is shared).
 */
class Mirror {
  readonly records = new Map<string, number>();
  readonly everMentioned = new Set<string>();
  cursor: string | null = null;
  pages = 0;

  constructor(
    private readonly platform: TestPlatform,
    private readonly key: string,
    private readonly everShown: Set<string>,
  ) {}

  apply(items: FeedItem[]): void {
    for (const item of items) {
      this.everMentioned.add(item.seizureId);
      if (item.kind === 'UPSERT') {
        expect(item.seizure?.id).toBe(item.seizureId);
        expect(item.seizure?.status).not.toBe('RETRACTED');
        this.everShown.add(item.seizureId);
        this.records.set(item.seizureId, item.seizure!.version);
      } else {
        expect(item.seizure).toBeNull();
        // A tombstone only for a report this agency was shown before.
        expect(this.everShown.has(item.seizureId)).toBe(true);
        this.records.delete(item.seizureId);
      }
    }
  }

  /** One page; returns hasMore. */
  async pull(first = 3): Promise<boolean> {
    const { data, errors } = await this.platform.gql<FeedPage>(this.key, CHANGES, { after: this.cursor, first });
    expect(errors).toBeUndefined();
    const page = data!.changes;
    expect(page.items.length).toBeLessThanOrEqual(first);
    this.apply(page.items);
    this.cursor = page.cursor;
    this.pages += 1;
    return page.hasMore;
  }

  async drain(first = 3): Promise<void> {
    while (await this.pull(first));
  }
}

/** What the partner may see now, by id → version, through the ordinary query. */
async function visibleToPartner(platform: TestPlatform, key: string): Promise<Map<string, number>> {
  const { data, errors } = await platform.gql<{ seizures: { edges: { node: { id: string; version: number } }[]; pageInfo: { hasNextPage: boolean } } }>(
    key,
    '{ seizures(first: 200) { edges { node { id version } } pageInfo { hasNextPage } } }',
  );
  expect(errors).toBeUndefined();
  expect(data!.seizures.pageInfo.hasNextPage).toBe(false);
  return new Map(data!.seizures.edges.map((e) => [e.node.id, e.node.version]));
}

describe('federation: Windward as a Federation 2 subgraph', () => {
  let platform: TestPlatform;
  let owner: string;
  let partner: { key: string; userId: string };
  let analyst: string;
  let outsider: string;
  const marker = randomBytes(4).toString('hex');
  const ids = {} as Record<'clear' | 'released' | 'hidden' | 'green', string>;
  const operations = {} as Record<'joint' | 'other', string>;
  let cases: { ref: string; seizureId: string; operationId: string; agencyCode: string }[] = [];
  let cen: { server: ApolloServer; url: string };
  let gateway: { server: ApolloServer; url: string };

  beforeAll(async () => {
    // The feed test below pages three at a time: far more requests than the default partner burst.
    platform = await startTestPlatform({ env: { RATE_LIMIT_PARTNER_BURST: '100000' } });
    owner = (await platform.userWithKey('JM', ['ELO'])).key;
    analyst = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    partner = await platform.userWithKey('RILO-WE', ['PARTNER']);
    outsider = (await platform.userWithKey('KY', ['ELO'])).key; // takes part in neither operation
    const commodity = { category: 'FIREARMS', type: marker };
    ids.clear = (await submitSeizure(platform, owner, { tlp: 'CLEAR', commodity })).id;
    ids.released = (await submitSeizure(platform, owner, { tlp: 'AMBER', releasableTo: ['RILO-WE'], commodity })).id;
    ids.hidden = (await submitSeizure(platform, owner, { tlp: 'AMBER', releasableTo: ['KY'], commodity })).id;
    ids.green = (await submitSeizure(platform, owner, { tlp: 'GREEN', commodity })).id;
    const createOperation = async (codeName: string, participants: string[]) => {
      const { data, errors } = await platform.gql<{ createOperation: { id: string } }>(
        analyst,
        'mutation($input: OperationInput!) { createOperation(input: $input) { id } }',
        { input: { codeName, focus: 'Small arms', tlp: 'AMBER', startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-11-15T00:00:00Z', participants } },
      );
      expect(errors).toBeUndefined();
      return data!.createOperation.id;
    };
    operations.joint = await createOperation(`SHIELD ${marker.toUpperCase()}`, ['JM', 'RILO-WE']);
    operations.other = await createOperation(`CLOSED DOOR ${marker.toUpperCase()}`, ['JM']);
    cases = [
      { ref: 'case-hidden', seizureId: ids.hidden, operationId: operations.other, agencyCode: 'JM' },
      { ref: 'case-clear', seizureId: ids.clear, operationId: operations.joint, agencyCode: 'RILO-WE' },
      { ref: 'case-released', seizureId: ids.released, operationId: operations.joint, agencyCode: 'JM' },
    ];

    cen = await startCenSubgraph(() => cases);
    const gatewayServer = new ApolloServer({
      gateway: new ApolloGateway({
        supergraphSdl: new IntrospectAndCompose({ subgraphs: [{ name: 'windward', url: graphqlUrl(platform) }, { name: 'cen', url: cen.url }] }),
        // What a partner's gateway must do: forward the caller's Authorization to Windward.
        buildService: ({ url }) =>
          new RemoteGraphQLDataSource<{ authorization?: string }>({
            url,
            willSendRequest({ request, context }) {
              if (context.authorization) request.http?.headers.set('authorization', context.authorization);
            },
          }),
      }),
    });
    const started = await startStandaloneServer(gatewayServer, {
      listen: { host: '127.0.0.1', port: 0 },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    });
    gateway = { server: gatewayServer, url: started.url };
  });

  afterAll(async () => {
    await gateway?.server.stop();
    await cen?.server.stop();
    await platform?.stop();
  });

  it('serves composition-ready subgraph SDL with the entity keys', async () => {
    const { data, errors } = await post<{ _service: { sdl: string } }>(graphqlUrl(platform), null, '{ _service { sdl } }');
    expect(errors).toBeUndefined();
    const sdl = data!._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    expect(sdl).toMatch(/type Seizure\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Operation\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Agency\s+@key\(fields: "code"\)/);
    expect(sdl).toMatch(/type PageInfo\s+@shareable/);
  });

  it('answers a partner query spanning both subgraphs through the gateway, with ABAC applied', async () => {
    const { data, errors } = await post<{ seizures: { edges: { node: Record<string, unknown> }[] } }>(
      gateway.url,
      partner.key,
      `query($f: SeizureFilter) { seizures(filter: $f, first: 50) { edges { node {
        id tlp redactedFields cenCaseRef sensitive { narrative } reportingAgency { code }
      } } } }`,
      { f: { text: marker } },
    );
    expect(errors).toBeUndefined();
    const byId = new Map(data!.seizures.edges.map((e) => [e.node.id as string, e.node]));
    expect([...byId.keys()].sort()).toEqual([ids.clear, ids.released].sort());
    const clear = byId.get(ids.clear)!;
    expect(clear.sensitive).toBeNull();
    expect(clear.redactedFields).toEqual(expect.arrayContaining(['sensitive']));
    expect(clear.cenCaseRef).toBe(`CEN-${ids.clear.slice(0, 8)}`);
    const released = byId.get(ids.released)!;
    expect(released.sensitive).toEqual({ narrative: 'Consignee known to the unit' });
    expect(released.redactedFields).toEqual([]);
    expect(released.cenCaseRef).toBe(`CEN-${ids.released.slice(0, 8)}`);
  });

  it('resolves Windward entities referenced by the other subgraph with the caller\'s access, null when not visible', async () => {
    type Case = { ref: string; seizure: Record<string, unknown> | null; operation: Record<string, unknown> | null; agency: Record<string, unknown> | null };
    // The gateway fetches the three entity types from Windward in parallel, each with the caller's Authorization.
    const { data, errors } = await post<{ cenCases: Case[] }>(
      gateway.url,
      partner.key,
      '{ cenCases { ref seizure { id tlp redactedFields sensitive { narrative } } operation { id codeName } agency { code kind } } }',
    );
    expect(errors).toBeUndefined();
    const byRef = new Map(data!.cenCases.map((c) => [c.ref, c]));
    expect(byRef.get('case-hidden')!.seizure).toBeNull();
    expect(byRef.get('case-hidden')!.operation).toBeNull(); // RILO-WE does not take part
    expect(byRef.get('case-hidden')!.agency).toEqual({ code: 'JM', kind: 'MEMBER_ADMINISTRATION' });
    expect(byRef.get('case-clear')!.seizure).toMatchObject({ id: ids.clear, sensitive: null });
    expect(byRef.get('case-clear')!.seizure!.redactedFields as string[]).toContain('sensitive');
    expect(byRef.get('case-clear')!.operation).toEqual({ id: operations.joint, codeName: `SHIELD ${marker.toUpperCase()}` });
    expect(byRef.get('case-clear')!.agency).toEqual({ code: 'RILO-WE', kind: 'RILO' });
    expect(byRef.get('case-released')!.seizure).toMatchObject({ id: ids.released, sensitive: { narrative: 'Consignee known to the unit' }, redactedFields: [] });

    // Every federated read is audited like any other read.
    const reads = await platform.server.runtime.dataSource.getRepository(AuditEventEntity).findBy({ actor: partner.userId, action: 'seizure.read', resourceId: ids.released });
    expect(reads.length).toBeGreaterThan(0);
  });

  it('resolves at most a page of entity representations in one request, so one caller cannot read past the page and cost limits', async () => {
    const url = graphqlUrl(platform);
    const references = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Seizure', id: ids.released }));
    const page = await post<{ _entities: unknown[] }>(url, partner.key, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Seizure { id } } }', { r: references(200) });
    expect(page.errors).toBeUndefined();
    expect(page.data!._entities).toHaveLength(200);
    const over = await post(url, partner.key, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Seizure { id } } }', { r: references(201) });
    expect(over.status).toBe(400);
    expect(over.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 200, actual: 201 });
  });

  it('answers _entities on Windward itself: null for what the caller may not see, and only with credentials', async () => {
    const url = graphqlUrl(platform);
    const hidden = await post<{ _entities: unknown[] }>(url, partner.key, ENTITIES, { representations: [{ __typename: 'Seizure', id: ids.hidden }] });
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data!._entities).toEqual([null]);

    const mixed = await post<{ _entities: unknown[] }>(url, partner.key, ENTITIES, {
      representations: [
        { __typename: 'Seizure', id: ids.green },
        { __typename: 'Seizure', id: ids.released },
        { __typename: 'Seizure', id: 'not-a-uuid' },
        { __typename: 'Operation', id: operations.joint },
        { __typename: 'Operation', id: operations.other },
        { __typename: 'Agency', code: 'JM' },
        { __typename: 'Agency', code: 'NOPE' },
      ],
    });
    expect(mixed.errors).toBeUndefined();
    expect(mixed.data!._entities).toEqual([
      null,
      { id: ids.released, tlp: 'AMBER', redactedFields: [], sensitive: { narrative: 'Consignee known to the unit' } },
      null,
      { id: operations.joint, codeName: `SHIELD ${marker.toUpperCase()}`, leadAgency: { code: 'JIO' } },
      null,
      { code: 'JM', name: expect.any(String), kind: 'MEMBER_ADMINISTRATION' },
      null,
    ]);

    // Keys of the wrong type, or none: nothing found, and no one else's references fail with them.
    const odd = await post<{ _entities: unknown[] }>(url, partner.key, ENTITIES, {
      representations: [
        { __typename: 'Agency', code: 5 }, { __typename: 'Agency' }, { __typename: 'Agency', code: { code: 'JM' } }, { __typename: 'Agency', code: 'J'.repeat(10_000) },
        { __typename: 'Operation', id: 7 }, { __typename: 'Seizure', id: null }, { __typename: 'Seizure', id: [ids.released] },
        { __typename: 'Agency', code: 'jm' },
      ],
    });
    expect(odd.errors).toBeUndefined();
    expect(odd.data!._entities).toEqual([null, null, null, null, null, null, null, { code: 'JM', name: expect.any(String), kind: 'MEMBER_ADMINISTRATION' }]);

    const anonymous = await post<{ _entities: unknown[] }>(url, null, ENTITIES, { representations: [{ __typename: 'Seizure', id: ids.clear }] });
    expect(anonymous.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers _entities errors as every other operation: an outage as SERVICE_UNAVAILABLE, anything else as an internal error with its request id, logged', async () => {
    const url = graphqlUrl(platform);
    const search = platform.server.app.get(SeizureSearchService);
    const logged: { msg: string; fields: Record<string, unknown> }[] = [];
    const log = jest.spyOn(platform.server.app.get(JsonLogger), 'event').mockImplementation((_level, msg, fields = {}) => void logged.push({ msg, fields }));
    const byIds = jest.spyOn(search, 'byIds');
    try {
      byIds.mockRejectedValueOnce(new Error('syntax error at or near "secret_column"'));
      const failed = await post<{ _entities: unknown[] }>(url, partner.key, ENTITIES, { representations: [{ __typename: 'Seizure', id: ids.released }] });
      expect(failed.errors?.[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) });
      expect(failed.errors?.[0].message).toBe(`Internal server error (request ${failed.errors?.[0].extensions.requestId as string})`);
      expect(JSON.stringify(failed)).not.toContain('secret_column');
      expect(logged).toContainEqual({ msg: 'unexpected error', fields: expect.objectContaining({ requestId: failed.errors?.[0].extensions.requestId, error: 'syntax error at or near "secret_column"' }) });

      byIds.mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
      const away = await post<{ _entities: unknown[] }>(url, partner.key, ENTITIES, { representations: [{ __typename: 'Seizure', id: ids.released }] });
      expect(away.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(away.status).toBe(503);
    } finally {
      byIds.mockRestore();
      log.mockRestore();
    }
  });

  it('resolves Operation references with each caller\'s read rules, in order, duplicates included, null where operation(id) is', async () => {
    const url = graphqlUrl(platform);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const representations = [operations.other, operations.joint, 'not-a-uuid', operations.joint.toUpperCase(), unknown, operations.other, operations.joint]
      .map((id) => ({ __typename: 'Operation', id }));
    const joint = { id: operations.joint, codeName: `SHIELD ${marker.toUpperCase()}`, leadAgency: { code: 'JIO' } };
    const other = { id: operations.other, codeName: `CLOSED DOOR ${marker.toUpperCase()}`, leadAgency: { code: 'JIO' } };
    const callers: [string, string, unknown[]][] = [
      ['the lead (JIO)', analyst, [other, joint, null, joint, null, other, joint]],
      ['a participant of both (JM)', owner, [other, joint, null, joint, null, other, joint]],
      ['a participant of one (RILO-WE)', partner.key, [null, joint, null, joint, null, null, joint]],
      ['a participant of neither (KY)', outsider, [null, null, null, null, null, null, null]],
    ];
    for (const [who, key, expected] of callers) {
      const answer = await post<{ _entities: unknown[] }>(url, key, ENTITIES, { representations });
      expect([who, answer.errors]).toEqual([who, undefined]);
      expect([who, answer.data!._entities]).toEqual([who, expected]);
      // The same as the caller's own operation(id), one by one.
      for (const [i, { id }] of representations.entries()) {
        const single = await platform.gql<{ operation: unknown }>(key, 'query($id: ID!) { operation(id: $id) { id codeName leadAgency { code } } }', { id });
        expect([who, id, single.data?.operation ?? null]).toEqual([who, id, expected[i]]);
      }
    }
  });

  it('reads all the Operation references of a request in one query, and all its Seizure references in another', async () => {
    const url = graphqlUrl(platform);
    const operationIds = [operations.joint, operations.other];
    const seizureIds = [ids.clear, ids.released, ids.hidden, ids.green];
    const representations = [
      ...[operations.joint, operations.other, operations.joint, operations.other, operations.joint].map((id) => ({ __typename: 'Operation', id })),
      ...[...seizureIds, ids.clear].map((id) => ({ __typename: 'Seizure', id })),
    ];
    let answer: GraphqlResponse<{ _entities: ({ id: string } | null)[] }> | undefined;
    const statements = await statementsDuring(platform, async () => {
      answer = await post(url, analyst, ENTITIES, { representations });
    });
    const operationSelects = selectsNaming(statements, 'operations', operationIds);
    const seizureSelects = selectsNaming(statements, 'seizures', seizureIds);
    expect(answer!.errors).toBeUndefined();
    expect(answer!.data!._entities.slice(0, 5).map((entity) => entity?.id)).toEqual([operations.joint, operations.other, operations.joint, operations.other, operations.joint]);
    expect(answer!.data!._entities).toHaveLength(10);
    // One statement naming both operations: per-reference reads would send one per representation.
    expect(operationSelects).toHaveLength(1);
    expect(operationSelects[0]).toEqual(expect.arrayContaining(operationIds));
    expect(seizureSelects).toHaveLength(1);
    expect(seizureSelects[0]).toEqual(expect.arrayContaining(seizureIds));
  });

  it('reads the sealed sections of all the Seizure references of a request together, not one report at a time', async () => {
    const released = [ids.released, ...(await Promise.all([1, 2, 3].map(async () => (await submitSeizure(platform, owner, { tlp: 'AMBER', releasableTo: ['RILO-WE'] })).id)))];
    const representations = released.map((id) => ({ __typename: 'Seizure', id }));
    let answer: GraphqlResponse<{ _entities: ({ id: string; sealedFor: string | null; sealedForMe: string | null } | null)[] }> | undefined;
    const statements = await statementsDuring(platform, async () => {
      answer = await post(graphqlUrl(platform), partner.key, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Seizure { id sealedFor sealedForMe } } }', { r: representations });
    });
    expect(answer!.errors).toBeUndefined();
    expect(answer!.data!._entities.map((entity) => entity?.id)).toEqual(released);
    // Each field of the page in one statement per table, whatever the number of reports.
    expect(selectsNaming(statements, 'sealed_sections', released).length).toBeLessThanOrEqual(2);
    expect(selectsNaming(statements, 'section_recipients', released).length).toBeLessThanOrEqual(2);
  });

  describe('change feed', () => {
    const shownToPartnerAgency = new Set<string>();
    const UPDATE = 'mutation($id: ID!, $input: SeizureUpdateInput!) { updateSeizure(id: $id, input: $input) { id version releasableTo { code } } }';

    async function update(id: string, input: Record<string, unknown>): Promise<void> {
      const { errors } = await platform.gql(owner, UPDATE, { id, input });
      expect(errors).toBeUndefined();
    }
    async function retract(id: string): Promise<void> {
      const { errors } = await platform.gql(owner, 'mutation($id: ID!) { retractSeizure(id: $id, reason: "entered in error") { id } }', { id });
      expect(errors).toBeUndefined();
    }
    async function release(id: string, agencies: string[]): Promise<void> {
      const { errors } = await platform.gql(owner, 'mutation($id: ID!, $a: [String!]!) { releaseSeizure(id: $id, agencies: $a) { id } }', { id, a: agencies });
      expect(errors).toBeUndefined();
    }

    it('makes change-log seqs visible in order: a writer takes its seq only after the previous writer ended', async () => {
      const { dataSource } = platform.server.runtime;
      const [first, second] = [dataSource.createQueryRunner(), dataSource.createQueryRunner()];
      const insert = 'INSERT INTO seizure_changes (seizure_id, version, change) VALUES (gen_random_uuid(), 1, $1) RETURNING seq';
      try {
        await first.startTransaction();
        const [{ seq: firstSeq }] = (await first.query(insert, ['ORDER-TEST'])) as { seq: string }[];
        let secondDone = false;
        const secondSeq = (async () => {
          await second.startTransaction();
          const [{ seq }] = (await second.query(insert, ['ORDER-TEST'])) as { seq: string }[];
          secondDone = true;
          return seq;
        })();
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(secondDone).toBe(false);
        await first.rollbackTransaction();
        expect(BigInt(await secondSeq)).toBeGreaterThan(BigInt(firstSeq));
        await second.rollbackTransaction();
      } finally {
        await first.release();
        await second.release();
      }
    });

    it("accepts the README's sync query at the largest page", async () => {
      // The selection of the README's curl example, at the page size its sync loop may ask for.
      const selection = 'cursor hasMore items { kind seizureId at seizure { id version reference tlp status seizedAt country commodity { category type } quantity { value unit } redactedFields } }';
      for (const first of [100, 200]) {
        const page = await post(graphqlUrl(platform), partner.key, `query($after: String) { changes(after: $after, first: ${first}) { ${selection} } }`, { after: null });
        expect(page.errors).toBeUndefined();
      }
    });

    it('refuses a cursor it did not issue', async () => {
      const { errors } = await platform.gql(partner.key, CHANGES, { after: 'garbage', first: 3 });
      expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('turns a withdrawn release and a retraction into REMOVE, and never names a report the partner was not shown', async () => {
      const mirror = new Mirror(platform, partner.key, shownToPartnerAgency);
      await mirror.drain(3);
      expect(mirror.records).toEqual(await visibleToPartner(platform, partner.key));

      const withdrawn = (await submitSeizure(platform, owner, { tlp: 'AMBER', releasableTo: ['RILO-WE', 'KY'] })).id;
      const retracted = (await submitSeizure(platform, owner, { tlp: 'AMBER', releasableTo: ['RILO-WE'] })).id;
      const neverShown = (await submitSeizure(platform, owner, { tlp: 'AMBER', releasableTo: ['KY'] })).id;
      await mirror.drain(3);
      expect(mirror.records.has(withdrawn)).toBe(true);
      expect(mirror.records.has(retracted)).toBe(true);
      expect(mirror.everMentioned.has(neverShown)).toBe(false);

      // Releases are only added by releaseSeizure; a withdrawal is an update with a shorter list.
      await update(withdrawn, { releasableTo: ['KY'] });
      await retract(retracted);
      await retract(neverShown);
      const before = mirror.cursor;
      await mirror.drain(3);
      expect(mirror.records.has(withdrawn)).toBe(false);
      expect(mirror.records.has(retracted)).toBe(false);
      expect(mirror.everMentioned.has(neverShown)).toBe(false);
      expect(mirror.records).toEqual(await visibleToPartner(platform, partner.key));

      // Resumable: the same cursor gives the same answer while nothing changes (the cursors differ,
      // each sealed afresh, and lead to the same place).
      const again = await platform.gql<FeedPage>(partner.key, CHANGES, { after: before, first: 10 });
      const twice = await platform.gql<FeedPage>(partner.key, CHANGES, { after: before, first: 10 });
      const { cursor: firstCursor, ...answer } = again.data!.changes;
      const { cursor: secondCursor, ...sameAnswer } = twice.data!.changes;
      expect(sameAnswer).toEqual(answer);
      expect(secondCursor).not.toEqual(firstCursor);
      for (const cursor of [firstCursor, secondCursor]) {
        expect((await platform.gql<FeedPage>(partner.key, CHANGES, { after: cursor, first: 10 })).data!.changes).toMatchObject({ items: [], hasMore: false });
      }
      expect(again.data!.changes.items.map((i) => [i.kind, i.seizureId])).toEqual([
        ['REMOVE', withdrawn],
        ['REMOVE', retracted],
      ]);

      // Each page's disclosures are audited, one event per report shown.
      const feedReads = await platform.server.runtime.dataSource.getRepository(AuditEventEntity).findBy({ actor: partner.userId, action: 'seizure.read', resourceId: withdrawn });
      expect(feedReads.some((e) => (e.details as { via?: string }).via === 'changes')).toBe(true);
    });

    it('keeps a mirror equal to what the partner may see while reports change during paging', async () => {
      // A small deterministic PRNG, so a failure can be replayed.
      let seed = 0x5eed1234;
      const random = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

      const TLPS = ['CLEAR', 'GREEN', 'AMBER'] as const;
      interface Tracked { id: string; tlp: string; releasableTo: string[]; retracted: boolean; everVisible: boolean }
      const visibleNow = (r: Tracked) => !r.retracted && (r.tlp === 'CLEAR' || r.releasableTo.includes('RILO-WE'));
      const pool: Tracked[] = [];
      const create = async () => {
        const tlp = pick(TLPS);
        const releasableTo = [...(random() < 0.5 ? ['RILO-WE'] : []), ...(random() < 0.5 ? ['KY'] : [])];
        const { id } = await submitSeizure(platform, owner, { tlp, releasableTo });
        const record = { id, tlp, releasableTo, retracted: false, everVisible: false };
        record.everVisible = visibleNow(record);
        pool.push(record);
      };
      for (let i = 0; i < 8; i += 1) await create();

      const mirror = new Mirror(platform, partner.key, shownToPartnerAgency);
      const change = async (record: Tracked, round: number) => {
        const roll = random();
        if (roll < 0.25) {
          await release(record.id, ['RILO-WE']);
          record.releasableTo = [...new Set([...record.releasableTo, 'RILO-WE'])];
        } else if (roll < 0.5) {
          record.releasableTo = record.releasableTo.filter((a) => a !== 'RILO-WE');
          await update(record.id, { releasableTo: record.releasableTo }); // a withdrawn release
        } else if (roll < 0.7) {
          record.tlp = pick(TLPS);
          await update(record.id, { tlp: record.tlp });
        } else if (roll < 0.85) {
          await update(record.id, { concealment: `variant ${round}` });
        } else {
          await retract(record.id);
          record.retracted = true;
        }
        record.everVisible ||= visibleNow(record);
      };
      const rounds = async (each: (chosen: Tracked[], round: number) => Promise<void>) => {
        for (let round = 0; round < 15; round += 1) {
          if (pool.filter((r) => !r.retracted).length < 3) await create();
          const live = pool.filter((r) => !r.retracted);
          await each([...new Set([pick(live), pick(live), pick(live)])], round);
          if (random() < 0.3) await create();
        }
      };

      // Two or three changes at once, on different reports, racing a reader that pages all along.
      let writing = true;
      const writer = rounds(async (chosen, round) => {
        await Promise.all(chosen.map((record) => change(record, round)));
      }).finally(() => {
        writing = false;
      });
      const reader = (async () => {
        while (writing) {
          if (!(await mirror.pull(3))) await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      await Promise.all([writer, reader]);
      await mirror.drain(3); // what was committed after the reader's last look

      expect(mirror.pages).toBeGreaterThan(10);
      expect(mirror.records).toEqual(await visibleToPartner(platform, partner.key));
      for (const record of pool.filter((r) => !r.everVisible)) expect(mirror.everMentioned.has(record.id)).toBe(false);
    });
  });
});

describe('federation: partner rate limit', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ env: { RATE_LIMIT_PARTNER_PER_MINUTE: '1', RATE_LIMIT_PARTNER_BURST: '3' } });
  });
  afterAll(() => platform?.stop());

  it('refuses a partner agency past its burst with RATE_LIMITED and when to retry, and leaves others alone', async () => {
    const partner = (await platform.userWithKey('RILO-AP', ['PARTNER'])).key;
    const colleague = (await platform.userWithKey('RILO-AP', ['ANALYST'])).key; // same agency, same bucket
    const member = (await platform.userWithKey('JM', ['ELO'])).key;
    const url = graphqlUrl(platform);

    for (let i = 0; i < 3; i += 1) expect((await post(url, partner, '{ me { email } }')).errors).toBeUndefined();
    const refused = await post<{ me: unknown }>(url, partner, '{ me { email } }');
    expect(refused.errors?.map((e) => e.extensions.code)).toEqual(['RATE_LIMITED']);
    expect(refused.errors![0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.errors![0].extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(Number(refused.headers.get('retry-after'))).toBe(refused.errors![0].extensions.retryAfterSeconds);

    expect((await post(url, colleague, '{ me { email } }')).errors?.[0].extensions.code).toBe('RATE_LIMITED');
    const entities = await post(url, partner, ENTITIES, { representations: [{ __typename: 'Agency', code: 'JM' }] });
    expect(entities.errors?.[0].extensions.code).toBe('RATE_LIMITED');

    for (let i = 0; i < 5; i += 1) expect((await post(url, member, '{ me { email } }')).errors).toBeUndefined();
  });

  it('charges one token for every operation, also one that runs no resolver, and one for many fields', async () => {
    const partner = (await platform.userWithKey('RILO-CIS', ['PARTNER'])).key;
    const member = (await platform.userWithKey('JM', ['ELO'])).key;
    const url = graphqlUrl(platform);

    // Several root fields, aliases and nested fields: one token, one statement on the buckets.
    const many = await statementsOn(platform, 'partner_rate_buckets', () => post(url, partner, '{ a: me { email } b: me { email agency { code } } agency(code: "JM") { code } }'));
    expect(many.result.errors).toBeUndefined();
    expect(many.statements).toBe(1);
    // Refused for its form before it runs: no token.
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ');
    const tooComplex = await statementsOn(platform, 'partner_rate_buckets', () => post(url, partner, `{ ${aliases} }`));
    expect(tooComplex.result.errors?.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(tooComplex.statements).toBe(0);
    // Introspection and the subgraph's SDL run no resolver of Windward's: each costs a token all the same.
    expect((await post(url, partner, '{ __schema { queryType { name } } }')).errors).toBeUndefined();
    expect((await post(url, partner, '{ _service { sdl } }')).errors).toBeUndefined();
    for (const query of ['{ __typename }', '{ __type(name: "Seizure") { name } }', '{ _service { sdl } }', '{ _entities(representations: []) { __typename } }', '{ me { email } }']) {
      const refused = await post(url, partner, query);
      expect({ query, status: refused.status, codes: refused.errors?.map((e) => e.extensions.code) }).toEqual({ query, status: 200, codes: ['RATE_LIMITED'] });
      expect(refused.data).toBeUndefined();
      expect(Number(refused.headers.get('retry-after'))).toBe(refused.errors![0].extensions.retryAfterSeconds);
      expect(refused.errors![0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }

    // Members are not limited: no bucket, not even a statement.
    const unlimited = await statementsOn(platform, 'partner_rate_buckets', async () => {
      for (let i = 0; i < 5; i += 1) expect((await post(url, member, '{ __schema { queryType { name } } _service { sdl } }')).errors).toBeUndefined();
    });
    expect(unlimited.statements).toBe(0);
  });

  it('charges one token for every operation over a WebSocket, and answers a refusal without closing the connection', async () => {
    const partner = (await platform.userWithKey('RILO-ME', ['PARTNER'])).key;
    const member = (await platform.userWithKey('JM', ['ELO'])).key;
    const ws = `${graphqlUrl(platform).replace(/^http/, 'ws')}`;
    const clients: Client[] = [];
    let closed = false;
    const connect = (key: string) => {
      const client = createClient({ url: ws, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${key}` }, retryAttempts: 0, lazy: false, on: { closed: () => (closed = true) } });
      clients.push(client);
      return client;
    };
    /** The errors of one operation: those of its result, or the error it ended with. */
    const run = (client: Client, query: string) =>
      new Promise<{ code?: unknown; extensions?: Record<string, unknown> }[]>((resolve) => {
        let errors: { extensions?: Record<string, unknown> }[] = [];
        client.subscribe({ query }, {
          next: (result) => void (errors = [...errors, ...(result.errors ?? [])]),
          error: (error) => resolve(Array.isArray(error) ? error : [{ extensions: { code: String(error) } }]),
          complete: () => resolve(errors),
        });
      });
    try {
      const client = connect(partner);
      expect(await run(client, '{ me { email } }')).toEqual([]); // a resolver, guarded: still one token
      expect(await run(client, '{ __schema { queryType { name } } }')).toEqual([]);
      expect(await run(client, '{ __typename }')).toEqual([]);
      for (const query of ['{ __typename }', '{ me { email } }']) {
        const refused = await run(client, query);
        expect(refused.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
        expect(refused[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(refused[0].extensions).not.toHaveProperty('http');
      }
      const other = connect(member);
      for (let i = 0; i < 5; i += 1) expect(await run(other, '{ __typename me { email } }')).toEqual([]);
      expect(closed).toBe(false);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});
