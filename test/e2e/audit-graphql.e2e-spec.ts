import { randomUUID } from 'node:crypto';
import { AuditService } from '../../src/audit/audit.service.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

interface Trail {
  auditTrail: {
    edges: { cursor: string; node: { id: string; seq: string; at: string; actor: string; agency: string; action: string; resourceId: string; resourceAgency: string; fields: string[]; details: string; hash: string; prevHash: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const TRAIL = `query ($resourceId: ID!, $first: Int, $after: String) {
  auditTrail(resourceId: $resourceId, first: $first, after: $after) {
    edges { cursor node { id seq at actor agency action resourceId resourceAgency fields details hash prevHash } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('audit trail and chain over GraphQL', () => {
  let platform: TestPlatform;
  const keys: Record<string, string> = {};
  const jmResource = randomUUID();
  const kyResource = randomUUID();
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
});
