import { randomBytes } from 'node:crypto';
import { AgencyEntity } from '../../src/agencies/agency.entity.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

type Principal = 'owner' | 'member' | 'jio' | 'partner' | 'namedRed' | 'outsider';
type Tlp = 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER_STRICT' | 'RED';
type Sight = 'full' | 'facts' | 'none';

/**
 * The access matrix of ARCHITECTURE.md: who sees a JM report of each TLP, and how much of it.
 * AMBER is released to KY (the "member"), AMBER+STRICT to RILO-WE (the "partner"), RED names one
 * TT user. "full" includes the nominal section; "facts" is the non-nominal part only.
 */
const EXPECTED: Record<Tlp, Record<Principal, Sight>> = {
  CLEAR: { owner: 'full', member: 'facts', jio: 'facts', partner: 'facts', namedRed: 'facts', outsider: 'facts' },
  GREEN: { owner: 'full', member: 'facts', jio: 'facts', partner: 'none', namedRed: 'facts', outsider: 'none' },
  AMBER: { owner: 'full', member: 'full', jio: 'none', partner: 'none', namedRed: 'none', outsider: 'none' },
  AMBER_STRICT: { owner: 'full', member: 'none', jio: 'none', partner: 'full', namedRed: 'none', outsider: 'none' },
  RED: { owner: 'full', member: 'none', jio: 'none', partner: 'none', namedRed: 'full', outsider: 'none' },
};
const TLPS = Object.keys(EXPECTED) as Tlp[];
const PRINCIPALS = Object.keys(EXPECTED.CLEAR) as Principal[];

const READ = `query Read($id: ID!) {
  seizure(id: $id) { id tlp redactedFields sensitive { narrative persons { name } } releasableTo { code }
    location { name latitude } conveyance { type identifier } commodity { category } }
}`;

describe('seizure access matrix through GraphQL', () => {
  let platform: TestPlatform;
  const keys = {} as Record<Principal, string>;
  const ids = {} as Record<Tlp, string>;
  const marker = randomBytes(4).toString('hex');

  beforeAll(async () => {
    platform = await startTestPlatform();
    // An agency in no community of the platform: sees only TLP:CLEAR and what is released to it.
    await platform.server.runtime.dataSource.getRepository(AgencyEntity).insert({
      code: 'OUTSIDE', name: 'Outside partner', kind: 'PARTNER', country: null, region: null, communities: [], legalBasis: [], status: 'ACTIVE',
    });
    keys.owner = (await platform.userWithKey('JM', ['ELO'])).key;
    keys.member = (await platform.userWithKey('KY', ['ELO'])).key;
    keys.jio = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    keys.partner = (await platform.userWithKey('RILO-WE', ['PARTNER'])).key;
    const named = await platform.userWithKey('TT', ['ELO']);
    keys.namedRed = named.key;
    keys.outsider = (await platform.userWithKey('OUTSIDE', ['PARTNER'])).key;
    const distribution: Record<Tlp, Record<string, unknown>> = {
      CLEAR: {},
      GREEN: {},
      AMBER: { releasableTo: ['KY'] },
      AMBER_STRICT: { releasableTo: ['RILO-WE'] },
      RED: { releasableToUsers: [named.userId] },
    };
    for (const tlp of TLPS) {
      ids[tlp] = (await submitSeizure(platform, keys.owner, { tlp, commodity: { category: 'AMMUNITION', type: marker }, ...distribution[tlp] })).id;
    }
  });
  afterAll(() => platform.stop());

  describe.each(PRINCIPALS)('as %s', (principal) => {
    it.each(TLPS)('reads a %s report as the policy says (single read and redaction)', async (tlp) => {
      const { data, errors } = await platform.gql<{ seizure: Record<string, unknown> | null }>(keys[principal], READ, { id: ids[tlp] });
      expect(errors).toBeUndefined();
      const seizure = data!.seizure as {
        redactedFields: string[]; sensitive: { narrative: string } | null; releasableTo: unknown[];
        location: { latitude: number | null }; conveyance: { identifier: string | null };
      } | null;
      const expected = EXPECTED[tlp][principal];
      if (expected === 'none') {
        expect(seizure).toBeNull();
        return;
      }
      expect(seizure).not.toBeNull();
      if (expected === 'full') {
        expect(seizure!.redactedFields).toEqual([]);
        expect(seizure!.sensitive?.narrative).toBe('Consignee known to the unit');
        expect(seizure!.location.latitude).toBe(17.97);
        expect(seizure!.conveyance.identifier).toBe('MSCU1234567');
      } else {
        expect(seizure!.sensitive).toBeNull();
        expect(seizure!.releasableTo).toEqual([]);
        expect(seizure!.location.latitude).toBeNull();
        expect(seizure!.conveyance.identifier).toBeNull();
        expect(seizure!.redactedFields).toEqual(expect.arrayContaining(['sensitive', 'sealedFor', 'releasableTo', 'location.latitude', 'conveyance.identifier']));
      }
    });

    it('lists, counts and aggregates exactly the visible reports', async () => {
      const visible = TLPS.filter((tlp) => EXPECTED[tlp][principal] !== 'none');
      const query = `query($f: SeizureFilter) {
        seizures(filter: $f, first: 50) { totalCount edges { node { id tlp redactedFields } } }
        seizureStats(filter: $f, groupBy: [COMMODITY_CATEGORY, COUNTRY]) { keys count totalQuantity }
      }`;
      // The marker is in commodity.type, which the full-text filter covers.
      const { data, errors } = await platform.gql<{
        seizures: { totalCount: number; edges: { node: { id: string; tlp: Tlp; redactedFields: string[] } }[] };
        seizureStats: { keys: string[]; count: number; totalQuantity: number }[];
      }>(keys[principal], query, { f: { text: marker } });
      expect(errors).toBeUndefined();
      expect(data!.seizures.edges.map((e) => e.node.tlp).sort()).toEqual([...visible].sort());
      expect(data!.seizures.totalCount).toBe(visible.length);
      for (const edge of data!.seizures.edges) {
        expect(edge.node.redactedFields.length === 0).toBe(EXPECTED[edge.node.tlp][principal] === 'full');
      }
      const stats = data!.seizureStats;
      if (visible.length === 0) expect(stats).toEqual([]);
      else expect(stats).toEqual([{ keys: ['AMMUNITION', 'JM'], count: visible.length, totalQuantity: 4 * visible.length }]);
    });
  });

  it('answers NOT_FOUND, never FORBIDDEN, when a reader without access tries to change a report', async () => {
    const { errors } = await platform.gql(keys.jio, 'mutation($id: ID!) { retractSeizure(id: $id, reason: "not mine") { id } }', { id: ids.AMBER });
    expect(errors![0].extensions.code).toBe('NOT_FOUND');
  });

  it('answers FORBIDDEN when a reader who can see a report may not change it', async () => {
    const { errors } = await platform.gql(keys.member, 'mutation($id: ID!) { retractSeizure(id: $id, reason: "not mine") { id } }', { id: ids.AMBER });
    expect(errors![0].extensions.code).toBe('FORBIDDEN');
  });

  it('lets a partner machine client read but not report', async () => {
    const { errors } = await platform.gql(keys.partner, `mutation($i: SeizureInput!) { submitSeizure(input: $i) { id } }`, {
      i: { reference: 'X-1', tlp: 'CLEAR', seizedAt: '2026-10-01T00:00:00Z', country: 'JM', transportMode: 'AIR', commodity: { category: 'DRUGS' }, quantity: { value: 1, unit: 'KG' }, detectionMethod: 'RANDOM' },
    });
    expect(errors![0].extensions.code).toBe('FORBIDDEN');
  });

  it('releasing a report to an agency gives it the whole report, sensitive section included', async () => {
    const { errors } = await platform.gql(keys.owner, 'mutation($id: ID!) { releaseSeizure(id: $id, agencies: ["JIO"]) { version releasableTo { code } } }', { id: ids.AMBER });
    expect(errors).toBeUndefined();
    const { data } = await platform.gql<{ seizure: { sensitive: { narrative: string } | null; redactedFields: string[] } }>(keys.jio, READ, { id: ids.AMBER });
    expect(data!.seizure.sensitive?.narrative).toBe('Consignee known to the unit');
    expect(data!.seizure.redactedFields).toEqual([]);
  });
});
