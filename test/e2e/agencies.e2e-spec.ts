import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

describe('agencies and me', () => {
  let platform: TestPlatform;
  let elo: { key: string; email: string };

  beforeAll(async () => {
    platform = await startTestPlatform();
    elo = await platform.userWithKey('JM', ['ELO']);
  });
  afterAll(() => platform.stop());

  it('lists the reference agencies: 38 CCLEC members, the JIO, 12 RILOs and the WCO Secretariat', async () => {
    const { data } = await platform.gql<{ agencies: { code: string; kind: string; communities: string[] }[] }>(elo.key, '{ agencies { code kind communities } }');
    const byKind = (kind: string) => data!.agencies.filter((a) => a.kind === kind);
    expect(data!.agencies).toHaveLength(52);
    expect(byKind('MEMBER_ADMINISTRATION')).toHaveLength(38);
    expect(byKind('RILO')).toHaveLength(12);
    expect(byKind('JOINT_INTELLIGENCE_OFFICE').map((a) => a.code)).toEqual(['JIO']);
    expect(byKind('SECRETARIAT').map((a) => a.code)).toEqual(['WCO']);
    expect(byKind('MEMBER_ADMINISTRATION').every((a) => a.communities.includes('CCLEC'))).toBe(true);
  });

  it('filters by kind and finds one agency by code, case-insensitively', async () => {
    const { data } = await platform.gql<{ agencies: { code: string }[]; agency: { name: string; country: string } | null; none: unknown }>(
      elo.key,
      '{ agencies(kind: RILO) { code } agency(code: "ky") { name country } none: agency(code: "XX") { code } }',
    );
    expect(data!.agencies.map((a) => a.code)).toContain('RILO-WE');
    expect(data!.agency).toEqual({ name: 'Cayman Islands Customs and Border Control', country: 'KY' });
    expect(data!.none).toBeNull();
  });

  it('tells the caller who they are', async () => {
    const { data } = await platform.gql<{ me: { email: string; roles: string[]; authMethod: string; agency: { code: string } } }>(
      elo.key,
      '{ me { email roles authMethod agency { code } } }',
    );
    expect(data!.me).toEqual({ email: elo.email, roles: ['ELO'], authMethod: 'api-key', agency: { code: 'JM' } });
  });

  it('refuses an unknown enum value as bad input without running anything', async () => {
    const { errors } = await platform.gql(elo.key, '{ agencies(kind: PIRATES) { code } }');
    expect(errors![0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
