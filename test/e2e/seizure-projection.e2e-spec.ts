import { randomBytes } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { getNamedType, isLeafType, isNonNullType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { SEIZURE_FIELD_COLUMNS } from '../../src/seizures/read/seizure-projection.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/**
 * A search page reads only the columns its query's fields need (SeizureProjection). Whatever a
 * client selects, each field must come out exactly as it does when every column is read: checked
 * here field by field against `seizure(id)`, which reads the whole row, for readers shown the whole
 * report and readers shown its facts only.
 */
describe('seizure pages read only the columns a query needs', () => {
  let platform: TestPlatform;
  let seizureType: GraphQLObjectType;
  const keys: Record<string, string> = {};
  const marker = `proj${randomBytes(4).toString('hex')}`;

  /** A selection of every field below `field`, arguments left to their defaults. */
  function selectionOf(field: GraphQLField<unknown, unknown>, depth = 0): string {
    const type = getNamedType(field.type);
    if (isLeafType(type)) return field.name;
    if (!isObjectType(type) || depth > 1) return '';
    const inner = Object.values(type.getFields())
      .filter((f) => !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined))
      .map((f) => selectionOf(f, depth + 1))
      .filter(Boolean)
      .join(' ');
    return `${field.name} { ${inner} }`;
  }

  const page = (selection: string) => `query($f: SeizureFilter) { seizures(filter: $f, first: 10) { edges { node { id ${selection} } } } }`;

  async function nodesById(key: string, query: string): Promise<Map<string, Record<string, unknown>>> {
    const { data, errors } = await platform.gql<{ seizures: { edges: { node: Record<string, unknown> }[] } }>(key, query, {
      f: { text: marker, includeRetracted: true },
    });
    expect(errors).toBeUndefined();
    return new Map(data!.seizures.edges.map((edge) => [edge.node.id as string, edge.node]));
  }

  /** The reference: `seizure(id)` reads every column of the report. */
  async function wholeReports(key: string, ids: Iterable<string>, selection: string): Promise<Map<string, Record<string, unknown>>> {
    const whole = new Map<string, Record<string, unknown>>();
    for (const id of ids) {
      const { data, errors } = await platform.gql<{ seizure: Record<string, unknown> }>(key, `query($id: ID!) { seizure(id: $id) { id ${selection} } }`, { id });
      expect(errors).toBeUndefined();
      whole.set(id, data!.seizure);
    }
    return whole;
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    seizureType = platform.server.app.get(GraphQLSchemaHost).schema.getType('Seizure') as GraphQLObjectType;
    keys.owner = (await platform.userWithKey('JM', ['ELO'])).key;
    keys.member = (await platform.userWithKey('KY', ['ELO'])).key;
    keys.partner = (await platform.userWithKey('RILO-WE', ['PARTNER'])).key;
    const commodity = (type: string) => ({ category: 'FIREARMS', type: `${marker} ${type}`, description: 'Pistols in a refrigeration unit' });
    await submitSeizure(platform, keys.owner, { tlp: 'GREEN', commodity: commodity('green') });
    await submitSeizure(platform, keys.owner, { tlp: 'AMBER', releasableTo: ['KY'], handling: { code: 'H2', conditions: 'No onward sharing' }, commodity: commodity('amber') });
    const bare = await submitSeizure(platform, keys.owner, {
      tlp: 'CLEAR', commodity: commodity('clear'), location: undefined, route: undefined, conveyance: undefined, evaluation: undefined,
      estimatedValue: undefined, concealment: undefined, sensitive: undefined,
    });
    const retracted = await submitSeizure(platform, keys.owner, { tlp: 'CLEAR', commodity: commodity('retracted') });
    const retraction = await platform.gql(keys.owner, 'mutation($id: ID!) { retractSeizure(id: $id, reason: "Duplicate of an earlier report") { id } }', { id: retracted.id });
    expect(retraction.errors).toBeUndefined();
    // A signed report without going through OpenPGP: only the stored columns matter here.
    await platform.server.runtime.dataSource.query(
      `UPDATE seizures SET signer_fingerprint = $2, signature = $3, signed_content = $4, signed_at = now() WHERE id = $1`,
      [bare.id, 'AB'.repeat(20), '-----BEGIN PGP SIGNATURE-----\nstub\n-----END PGP SIGNATURE-----', '{"reference":"signed"}'],
    );
  });
  afterAll(() => platform.stop());

  it('knows the columns of every field of the Seizure type', () => {
    const missing = Object.keys(seizureType.getFields()).filter((name) => !SEIZURE_FIELD_COLUMNS[name]);
    expect(missing).toEqual([]);
  });

  describe.each(['owner', 'member', 'partner'])('as %s', (reader) => {
    it('returns each field alone exactly as when the whole report is read', async () => {
      const fields = Object.values(seizureType.getFields()).map((field) => selectionOf(field)).filter(Boolean);
      const listed = await nodesById(keys[reader], page('reference'));
      const whole = await wholeReports(keys[reader], listed.keys(), fields.join(' '));
      expect(whole.size).toBeGreaterThanOrEqual(reader === 'partner' ? 2 : 4);
      for (const field of Object.values(seizureType.getFields())) {
        const selection = selectionOf(field);
        if (!selection) continue;
        const alone = await nodesById(keys[reader], page(selection));
        expect([...alone.keys()].sort()).toEqual([...whole.keys()].sort());
        for (const [id, node] of alone) {
          expect({ field: field.name, value: node[field.name] }).toEqual({ field: field.name, value: whole.get(id)![field.name] });
        }
      }
    });
  });

  it('follows named and inline fragments, and aliases', async () => {
    const listed = await nodesById(keys.owner, page('reference'));
    const whole = await wholeReports(keys.owner, listed.keys(), 'commodity { category type } route { origin transit destination } redactedFields');
    const query = `query($f: SeizureFilter) {
      seizures(filter: $f, first: 50) { ...Page }
    }
    fragment Page on SeizureConnection { edges { ... on SeizureEdge { node { id goods: commodity { category type } ...Routing redactedFields } } } }
    fragment Routing on Seizure { route { origin transit destination } }`;
    const viaFragments = await nodesById(keys.owner, query);
    for (const [id, node] of viaFragments) {
      const expected = whole.get(id)!;
      expect(node.goods).toEqual(expected.commodity);
      expect(node.route).toEqual(expected.route);
      expect(node.redactedFields).toEqual(expected.redactedFields);
    }
    expect(viaFragments.size).toBe(whole.size);
  });
});
