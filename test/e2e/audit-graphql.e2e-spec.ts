import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, auditEventHash } from '../../src/audit/audit-chain.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

interface TrailEvent {
  id: string; seq: string; at: string; actor: string; actorEmail: string | null; agency: string; action: string; resourceType: string | null;
  resourceId: string; resourceAgency: string; fields: string[]; details: string; hash: string; prevHash: string;
}

interface Trail {
  auditTrail: {
    edges: { cursor: string; node: TrailEvent }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const TRAIL = `query ($resourceId: ID!, $first: Int, $after: String) {
  auditTrail(resourceId: $resourceId, first: $first, after: $after) {
    edges { cursor node { id seq at actor actorEmail agency action resourceType resourceId resourceAgency fields details hash prevHash } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('audit trail and chain over GraphQL', () => {
  let platform: TestPlatform;
  const keys: Record<string, string> = {};
  const jmResource = randomUUID();
  const kyResource = randomUUID();
  const kyBusyResource = randomUUID();
  let jmEvents: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform();
    const users = {
      jioAuditor: ['JIO', 'AUDITOR'],
      jmAuditor: ['JM', 'AUDITOR'],
      jmAdmin: ['JM', 'AGENCY_ADMIN'],
      kyAdmin: ['KY', 'AGENCY_ADMIN'],
      jmElo: ['JM', 'ELO'],
    } as const;
    for (const [name, [agency, role]] of Object.entries(users)) keys[name] = (await platform.userWithKey(agency, [role])).key;

    const audit = platform.server.app.get(AuditService);
    const appended = [];
    for (let i = 0; i < 7; i++) {
      appended.push(
        await audit.appendStandalone({ actor: randomUUID(), agency: i % 2 ? 'KY' : 'JM', action: 'seizure.read', resourceType: 'Seizure', resourceId: jmResource, resourceAgency: 'JM', fields: ['narrative'], details: { i } }),
      );
      // Another agency's activity in between, which JM's administrators and auditors must not be able to count.
      await audit.appendStandalone({ actor: randomUUID(), agency: 'KY', action: 'seizure.read', resourceType: 'Seizure', resourceId: kyBusyResource, resourceAgency: 'KY' });
    }
    await audit.appendStandalone({ actor: randomUUID(), agency: 'KY', action: 'seizure.read', resourceType: 'Seizure', resourceId: kyResource, resourceAgency: 'KY' });
    jmEvents = appended.map((e) => e.id).reverse();
  });
  afterAll(() => platform.stop());

  const trail = (key: string, variables: Record<string, unknown>) => platform.gql<Trail>(key, TRAIL, variables);

  it('lets a JIO auditor verify the chain', async () => {
    const [{ count }] = (await platform.server.runtime.dataSource.query('SELECT count(*)::int AS count FROM audit_events')) as { count: number }[];
    const { data, errors } = await platform.gql(keys.jioAuditor, '{ verifyAuditChain { ok checked firstBrokenId } }');
    expect(errors).toBeUndefined();
    expect(data).toEqual({ verifyAuditChain: { ok: true, checked: count, firstBrokenId: null } });
  });

  it.each(['jmElo', 'jmAdmin'])('refuses chain verification to %s', async (who) => {
    const { data, errors } = await platform.gql(keys[who], '{ verifyAuditChain { ok } }');
    expect(data).toBeNull();
    expect(errors![0].extensions.code).toBe('FORBIDDEN');
  });

  it.each(['jmAdmin', 'jmAuditor', 'jioAuditor'])('shows %s the trail of a JM resource, newest first', async (who) => {
    const { data, errors } = await trail(keys[who], { resourceId: jmResource });
    expect(errors).toBeUndefined();
    const edges = data!.auditTrail.edges;
    expect(edges.map((e) => e.node.id)).toEqual(jmEvents);
    expect(edges[0].node).toMatchObject({ resourceId: jmResource, resourceAgency: 'JM', action: 'seizure.read', fields: ['narrative'], details: '{"i":6}' });
    expect(edges[0].node.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(edges[0].node.at).toISOString()).toBe(edges[0].node.at);
    expect(data!.auditTrail.pageInfo).toEqual({ hasNextPage: false, endCursor: edges.at(-1)!.cursor });
  });

  it('shows another agency’s administrator an empty trail, as for an unknown resource', async () => {
    const other = await trail(keys.kyAdmin, { resourceId: jmResource });
    const unknown = await trail(keys.kyAdmin, { resourceId: randomUUID() });
    expect(other.data).toEqual({ auditTrail: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } });
    expect(other.data).toEqual(unknown.data);
    const own = await trail(keys.kyAdmin, { resourceId: kyResource });
    expect(own.data!.auditTrail.edges).toHaveLength(1);
  });

  it('refuses the trail to roles other than agency administrators and auditors', async () => {
    const { data, errors } = await trail(keys.jmElo, { resourceId: jmResource });
    expect(data).toBeNull();
    expect(errors![0].extensions.code).toBe('FORBIDDEN');
  });

  it('pages with first/after: disjoint pages that cover the trail', async () => {
    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    do {
      const { data, errors } = await trail(keys.jioAuditor, { resourceId: jmResource, first: 3, after });
      expect(errors).toBeUndefined();
      seen.push(...data!.auditTrail.edges.map((e) => e.node.id));
      hasNext.push(data!.auditTrail.pageInfo.hasNextPage);
      after = data!.auditTrail.pageInfo.hasNextPage ? data!.auditTrail.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(jmEvents);
    expect(hasNext).toEqual([true, true, false]);
  });

  it('clamps first to 1..200', async () => {
    const { data } = await trail(keys.jioAuditor, { resourceId: jmResource, first: 0 });
    expect(data!.auditTrail.edges).toHaveLength(1);
    expect(data!.auditTrail.pageInfo.hasNextPage).toBe(true);
  });

  it.each([
    ['a cursor it did not hand out', { resourceId: randomUUID(), after: 'not-a-cursor' }, 'after'],
    ['a resource id that is not a UUID', { resourceId: 'seizure-1' }, 'resourceId'],
  ])('refuses %s as bad input', async (_what, variables, field) => {
    const { data, errors } = await trail(keys.jioAuditor, variables);
    expect(data).toBeNull();
    expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [field] });
  });
  describe("an agency's own chain", () => {
    const jmChainLength = async () =>
      ((await platform.server.runtime.dataSource.query("SELECT count(*)::int AS count FROM audit_events WHERE resource_agency = 'JM'")) as { count: number }[])[0].count;
    /** What the event's hash covers, read back from what the trail shows. */
    const shownContent = (node: TrailEvent) => ({
      seq: node.seq, id: node.id, at: new Date(node.at), actor: node.actor, actorEmail: node.actorEmail, agency: node.agency, action: node.action,
      resourceType: node.resourceType, resourceId: node.resourceId, resourceAgency: node.resourceAgency, fields: node.fields, details: JSON.parse(node.details) as Record<string, unknown>,
    });

    it.each(['jmAdmin', 'jmAuditor'])('shows %s positions and links that count only the events on JM records, each hash checkable from what is shown', async (who) => {
      const { data, errors } = await trail(keys[who], { resourceId: jmResource });
      expect(errors).toBeUndefined();
      const nodes = data!.auditTrail.edges.map((e) => e.node);
      expect(nodes.map((n) => n.id)).toEqual(jmEvents);
      for (let i = 0; i + 1 < nodes.length; i++) {
        // Newest first: each event follows the next one in the list directly, although KY's events came in between.
        expect(BigInt(nodes[i].seq)).toBe(BigInt(nodes[i + 1].seq) + 1n);
        expect(nodes[i].prevHash).toBe(nodes[i + 1].hash);
      }
      for (const node of nodes) expect(auditEventHash(node.prevHash, shownContent(node))).toBe(node.hash);
      expect(BigInt(nodes[0].seq)).toBeLessThanOrEqual(BigInt(await jmChainLength()));
    });

    it("shows a JIO auditor the platform's chain, where KY's events sit between JM's", async () => {
      const nodes = (await trail(keys.jioAuditor, { resourceId: jmResource })).data!.auditTrail.edges.map((e) => e.node);
      for (let i = 0; i + 1 < nodes.length; i++) {
        expect(BigInt(nodes[i].seq)).toBe(BigInt(nodes[i + 1].seq) + 2n);
        expect(nodes[i].prevHash).not.toBe(nodes[i + 1].hash);
      }
      for (const node of nodes) expect(auditEventHash(node.prevHash, shownContent(node))).toBe(node.hash);
    });

    it("tells JM's auditor nothing of other agencies' activity: its view is the same after many more KY events", async () => {
      const view = async () => ({
        trail: (await trail(keys.jmAuditor, { resourceId: jmResource })).data!.auditTrail.edges.map((e) => [e.cursor, e.node.seq, e.node.prevHash, e.node.hash]),
        verify: (await platform.gql(keys.jmAuditor, '{ verifyAuditChain { ok checked firstBrokenId firstBrokenSeq reason } }')).data,
      });
      const before = await view();
      expect(before.verify).toEqual({ verifyAuditChain: { ok: true, checked: await jmChainLength(), firstBrokenId: null, firstBrokenSeq: null, reason: null } });
      const audit = platform.server.app.get(AuditService);
      for (let i = 0; i < 25; i++) {
        await audit.appendStandalone({ actor: randomUUID(), agency: 'KY', action: 'seizure.read', resourceType: 'Seizure', resourceId: kyBusyResource, resourceAgency: 'KY' });
        await audit.appendStandalone({ actor: 'system', agency: 'JIO', action: 'platform.maintenance' });
      }
      expect(await view()).toEqual(before);
    });

    it('pages an agency reader through its own chain, and refuses a cursor of the other chain', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const { data, errors } = await trail(keys.jmAuditor, { resourceId: jmResource, first: 3, after });
        expect(errors).toBeUndefined();
        seen.push(...data!.auditTrail.edges.map((e) => e.node.id));
        after = data!.auditTrail.pageInfo.hasNextPage ? data!.auditTrail.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(jmEvents);
      const jioCursor = (await trail(keys.jioAuditor, { resourceId: jmResource, first: 2 })).data!.auditTrail.pageInfo.endCursor;
      const jmCursor = (await trail(keys.jmAuditor, { resourceId: jmResource, first: 2 })).data!.auditTrail.pageInfo.endCursor;
      for (const [key, cursor] of [[keys.jmAuditor, jioCursor], [keys.jioAuditor, jmCursor]] as const) {
        const { data, errors } = await trail(key, { resourceId: jmResource, after: cursor });
        expect(data).toBeNull();
        expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['after'] });
      }
    });

    it("reports a break in JM's chain to JM's auditor by its place in that chain, and one in KY's chain to the JIO alone", async () => {
      const db = platform.server.runtime.dataSource;
      const verify = async (key: string) => (await platform.gql<{ verifyAuditChain: Record<string, unknown> }>(key, '{ verifyAuditChain { ok checked firstBrokenId firstBrokenSeq reason } }')).data!.verifyAuditChain;
      const [jm] = (await db.query("SELECT seq::text AS seq, id, agency_seq::text AS agency_seq, agency_hash FROM audit_events WHERE resource_id = $1 ORDER BY seq DESC LIMIT 1", [jmResource])) as { seq: string; id: string; agency_seq: string; agency_hash: string }[];
      const [ky] = (await db.query("SELECT seq::text AS seq, agency_hash FROM audit_events WHERE resource_agency = 'KY' ORDER BY seq DESC LIMIT 1")) as { seq: string; agency_hash: string }[];
      try {
        await db.query("UPDATE audit_events SET agency_hash = repeat('b', 64) WHERE seq = $1", [ky.seq]);
        expect(await verify(keys.jmAuditor)).toMatchObject({ ok: true });
        expect(await verify(keys.jioAuditor)).toMatchObject({ ok: false, firstBrokenSeq: ky.seq, reason: expect.stringMatching(/^in KY's chain: /) });
        await db.query("UPDATE audit_events SET agency_hash = repeat('a', 64) WHERE seq = $1", [jm.seq]);
        expect(await verify(keys.jmAuditor)).toEqual({ ok: false, checked: Number(jm.agency_seq), firstBrokenId: jm.id, firstBrokenSeq: jm.agency_seq, reason: 'the content does not match its hash' });
        expect(jm.agency_seq).not.toBe(jm.seq);
      } finally {
        await db.query('UPDATE audit_events SET agency_hash = $2 WHERE seq = $1', [ky.seq, ky.agency_hash]);
        await db.query('UPDATE audit_events SET agency_hash = $2 WHERE seq = $1', [jm.seq, jm.agency_hash]);
      }
      expect(await verify(keys.jioAuditor)).toMatchObject({ ok: true });
    });

    it('starts each chain from the genesis hash', async () => {
      const [first] = (await platform.server.runtime.dataSource.query("SELECT agency_prev_hash FROM audit_events WHERE resource_agency = 'JM' AND agency_seq = 1")) as { agency_prev_hash: string }[];
      expect(first.agency_prev_hash).toBe(GENESIS_HASH);
    });
  });
});
