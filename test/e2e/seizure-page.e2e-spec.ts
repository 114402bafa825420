import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ruleGroupsOf } from '../../src/access/rule-groups.js';
import { AccessService } from '../../src/access/access.service.js';
import { AuthenticationService } from '../../src/auth/authentication.service.js';
import type { RequestContext } from '../../src/access/request-context.js';
import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import { COMMODITY_CATEGORIES, DETECTION_METHODS, TLPS, TRANSPORT_MODES } from '../../src/seizures/seizure.enums.js';
import type { SeizureFilter } from '../../src/seizures/api/seizure.inputs.js';
import { SeizureSearchService, encodeCursor, visibleSeizures } from '../../src/seizures/data/seizure-search.service.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/**
 * A search page's SQL is written by SeizureSearchService itself and sent straight to the driver
 * (ReadStatements); every other query is built by TypeORM from `visibleSeizures()`. Both must read exactly
 * the same rows and values, for every reader and every filter.
 */
describe('search page statement', () => {
  let platform: TestPlatform;
  let search: SeizureSearchService;
  const contexts: Record<string, RequestContext> = {};

  const contextFor = async (key: string): Promise<RequestContext> => {
    const principal = await platform.server.app.get(AuthenticationService).authenticate(`Bearer ${key}`);
    return { principal, ability: await platform.server.app.get(AccessService).abilityFor(principal), requestId: 'test' };
  };

  /** What `visibleSeizures()` and TypeORM's own hydration read, in page order. */
  const viaTypeorm = (ctx: RequestContext, filter: SeizureFilter, columns?: (keyof SeizureEntity)[]) => {
    const query = visibleSeizures(platform.server.app.get(DataSource), ctx, filter).orderBy('s.seized_at', 'DESC').addOrderBy('s.id', 'DESC');
    if (columns) query.select(columns.map((column) => `s.${column}`));
    return query.getMany();
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    search = platform.server.app.get(SeizureSearchService);
    const owner = await platform.userWithKey('JM', ['ELO']);
    const member = await platform.userWithKey('KY', ['ELO']);
    const named = await platform.userWithKey('TT', ['ELO']);
    const partner = await platform.userWithKey('RILO-WE', ['PARTNER']);
    const jio = await platform.userWithKey('JIO', ['ANALYST']);
    const variants: Record<string, unknown>[] = [
      { tlp: 'CLEAR', country: 'JM', commodity: { category: 'DRUGS', type: 'cocaine', description: 'Bricks in a false floor' }, quantity: { value: 2.5, unit: 'KG' } },
      { tlp: 'GREEN', country: 'KY', transportMode: 'AIR', detectionMethod: 'DETECTOR_DOG', route: null, conveyance: null, location: null },
      { tlp: 'AMBER', releasableTo: ['KY', 'TT'], estimatedValue: null, sensitive: null },
      { tlp: 'AMBER_STRICT', country: 'TT', route: { origin: 'VE', transit: [], destination: 'TT' } },
      { tlp: 'RED', releasableToUsers: [named.userId] },
      { tlp: 'GREEN', commodity: { category: 'AMMUNITION', type: '9mm rounds', description: null }, quantity: { value: 500, unit: 'ROUNDS' } },
      { tlp: 'CLEAR', transportMode: 'POSTAL', detectionMethod: 'NII_XRAY', evaluation: null },
    ];
    const ids: string[] = [];
    for (const overrides of variants) ids.push((await submitSeizure(platform, owner.key, overrides)).id);
    await submitSeizure(platform, member.key, { tlp: 'GREEN', country: 'KY' });
    await submitSeizure(platform, member.key, { tlp: 'AMBER', releasableTo: ['JM'] });
    const { errors } = await platform.gql(owner.key, 'mutation($id: ID!) { retractSeizure(id: $id, reason: "duplicate") { id } }', { id: ids[6] });
    expect(errors).toBeUndefined();
    for (const [name, key] of Object.entries({ owner: owner.key, member: member.key, named: named.key, partner: partner.key, jio: jio.key })) {
      contexts[name] = await contextFor(key);
    }
  });
  afterAll(() => platform.stop());

  it('reads the same entities as TypeORM, every column, for each reader', async () => {
    for (const [name, ctx] of Object.entries(contexts)) {
      const expected = await viaTypeorm(ctx, { includeRetracted: true });
      const page = await search.page(ctx, { includeRetracted: true }, 200);
      expect({ name, rows: page.rows }).toEqual({ name, rows: expected });
      expect(page.rows.every((row) => row instanceof SeizureEntity)).toBe(true);
      expect(page.hasNextPage).toBe(false);
    }
    expect((await search.page(contexts.owner, {}, 200)).rows.length).toBeGreaterThan(5);
  });

  it('reads only the columns asked for, leaving the others undefined as TypeORM does', async () => {
    const columns: (keyof SeizureEntity)[] = ['id', 'seizedAt', 'tlp', 'releasableTo', 'quantityValue', 'routeTransit', 'lowGrade', 'latitude'];
    const page = await search.page(contexts.owner, {}, 200, null, columns);
    expect(page.rows).toEqual(await viaTypeorm(contexts.owner, {}, columns));
    expect(page.rows[0].reference).toBeUndefined();
  });

  it('pages with the keyset cursor and says whether more follow', async () => {
    const all = (await search.page(contexts.owner, { includeRetracted: true }, 200)).rows;
    const first = await search.page(contexts.owner, { includeRetracted: true }, 3);
    expect(first.rows.map((r) => r.id)).toEqual(all.slice(0, 3).map((r) => r.id));
    expect(first.hasNextPage).toBe(true);
    const rest = await search.page(contexts.owner, { includeRetracted: true }, 200, encodeCursor(first.rows[2]));
    expect(rest.rows.map((r) => r.id)).toEqual(all.slice(3).map((r) => r.id));
    expect(rest.hasNextPage).toBe(false);
  });

  it('matches TypeORM for generated readers and filters', async () => {
    const some = <T>(values: readonly T[]) => fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 });
    const parts: Record<string, fc.Arbitrary<unknown>> = {
      commodityCategories: some(COMMODITY_CATEGORIES.filter((c) => ['DRUGS', 'FIREARMS', 'AMMUNITION', 'TOBACCO'].includes(c))),
      countries: some(['JM', 'KY', 'TT', 'jm', 'BS']),
      reportingAgencies: some(['JM', 'KY', 'ky']),
      transportModes: some(TRANSPORT_MODES.slice(0, 5)),
      detectionMethods: some(DETECTION_METHODS.filter((d) => ['NII_XRAY', 'DETECTOR_DOG'].includes(d))),
      tlps: some(TLPS),
      routeCountry: fc.constantFrom('US', 'BS', 'VE', 'tt'),
      seizedFrom: fc.constantFrom(new Date('2026-10-05T00:00:00Z'), new Date('2026-10-15T00:00:00Z')),
      seizedTo: fc.constantFrom(new Date('2026-10-20T00:00:00Z'), new Date('2026-12-01T00:00:00Z')),
      text: fc.constantFrom('pistol', 'cocaine floor', 'Kingston', '  '),
      includeRetracted: fc.boolean(),
    };
    // Up to three filters at once, so that most combinations still match some reports.
    const filter = fc
      .subarray(Object.keys(parts), { maxLength: 3 })
      .chain((keys) => fc.record(Object.fromEntries(keys.map((key) => [key, parts[key]]))) as fc.Arbitrary<SeizureFilter>);
    const reader = fc.constantFrom(...Object.keys(contexts));
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(reader, filter, async (name, given) => {
        const ctx = contexts[name];
        const expected = await viaTypeorm(ctx, given);
        if (expected.length) nonEmpty += 1;
        // Which read rule groups each row matches, as CASL decides each rule on the whole entity.
        const groups = ruleGroupsOf(ctx.ability, 'read', 'Seizure');
        const caslMatches = (rows: SeizureEntity[]) => rows.map((row) => groups.map((group) => (group.rules.some((rule) => rule.matchesConditions(row)) ? '1' : '0')).join(''));
        const page = await search.page(ctx, given, 200);
        expect(page.rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
        expect(page.ruleMatches).toEqual(caslMatches(expected));
        if (expected.length > 2) {
          // After a cursor: the filter's, the cursor's and the rule matches' parameters all in their places.
          const rest = await search.page(ctx, given, 200, encodeCursor(expected[1]));
          expect(rest.rows.map((r) => r.id)).toEqual(expected.slice(2).map((r) => r.id));
          expect(rest.ruleMatches).toEqual(caslMatches(expected.slice(2)));
        }
      }),
      { numRuns: 150, seed: 20261124 },
    );
    expect(nonEmpty).toBeGreaterThan(20); // the generated filters are not all empty
  });

  it('refuses a bad filter or cursor before anything runs', () => {
    expect(() => search.pageStatement(contexts.owner, { countries: ['XX'] }, 10)).toThrow(/ISO 3166-1/);
    expect(() => search.pageStatement(contexts.owner, { operationId: 'nope' }, 10)).toThrow(/not an id/);
    expect(() => search.pageStatement(contexts.owner, {}, 10, 'garbage')).toThrow(/not a cursor/);
    expect(() => visibleSeizures(platform.server.app.get(DataSource), contexts.owner, { countries: ['XX'] })).toThrow(/ISO 3166-1/);
    expect(() => search.checkFilter({ countries: ['XX'] })).toThrow(/ISO 3166-1/);
    expect(() => search.checkFilter({ text: 'x'.repeat(201) })).toThrow(/at most 200/);
    expect(() => search.checkFilter(null)).not.toThrow();
  });
});
