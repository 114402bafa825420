import { randomBytes } from 'node:crypto';
import { subject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import fc from 'fast-check';
import type { DataSource, Repository } from 'typeorm';
import { buildAbility, type AppAbility } from '../../src/access/ability.factory.js';
import { AccessService } from '../../src/access/access.service.js';
import { CaslSqlCompiler, fieldPermittedInto, ruleGroupMatchesInto, whereAllowed } from '../../src/access/casl-sql.js';
import { ruleGroupsOf } from '../../src/access/rule-groups.js';
import type { Action, PolicyDocument, PolicyRule } from '../../src/access/policy-document.js';
import { AgencyEntity } from '../../src/agencies/agency.entity.js';
import type { Principal } from '../../src/access/principal.js';
import { PositionalParameters } from '../../src/access/sql-parameters.js';
import { SEIZURE_STATUSES, TLPS, type SeizureStatus, type Tlp } from '../../src/seizures/seizure.enums.js';
import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import { SEIZURE_FIELDS } from '../../src/seizures/read/seizure-fields.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { AGENCY_KINDS, ROLES, type AgencyKind, type Role } from '../../src/access/attributes.js';
import { NEUTRAL_SEIZURE_COLUMNS } from '../support/seizure-fixtures.js';

/**
 * The SQL form of the access policy (whereAllowed) must select exactly the rows that CASL's
 * in-memory check (ability.can) allows: otherwise lists, counts and statistics show what a single
 * read refuses, or hide what it allows. Checked over generated records × generated principals,
 * first with config/policies.yaml, then with generated policies that use every operator the SQL
 * compiler claims to support.
 */

/** The data set is fixed; the principals and policies are new each run unless FC_SEED replays one. */
const SEED = 20_261_001;
/**
 * For the loops over every record of every generated caller (~400,000 comparisons): `expect` costs
 * tens of microseconds a call (it captures a stack), so those loops compare plainly and call
 * `expect` only on a difference, which then fails with both sides and the record's id.
 */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

const RUN_SEED = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};
const RECORDS = 300;
const RUNS = 1000;

/** Real agencies of config/agencies.yaml, plus one test partner in no community. */
const LONER = 'PROPTEST-LONER';
interface AgencyShape {
  code: string;
  kind: AgencyKind;
  communities: string[];
}
const AGENCIES: AgencyShape[] = [
  { code: 'JM', kind: 'MEMBER_ADMINISTRATION', communities: ['CCLEC'] },
  { code: 'KY', kind: 'MEMBER_ADMINISTRATION', communities: ['CCLEC'] },
  { code: 'TT', kind: 'MEMBER_ADMINISTRATION', communities: ['CCLEC'] },
  { code: 'BB', kind: 'MEMBER_ADMINISTRATION', communities: ['CCLEC'] },
  { code: 'JIO', kind: 'JOINT_INTELLIGENCE_OFFICE', communities: ['CCLEC', 'WCO-RILO'] },
  { code: 'RILO-WE', kind: 'RILO', communities: ['WCO-RILO'] },
  { code: 'RILO-AP', kind: 'RILO', communities: ['WCO-RILO'] },
  { code: 'WCO', kind: 'SECRETARIAT', communities: ['WCO-RILO'] },
  { code: LONER, kind: 'PARTNER', communities: [] },
];
const CODES = AGENCIES.map((agency) => agency.code);
const COMMUNITIES = ['CCLEC', 'WCO-RILO', 'ELSEWHERE'];
const COUNTRIES = ['JM', 'KY', 'TT', 'BB', 'LC', 'DE', 'JP', 'BE'];

/** Fixed pools so that principals and records meet: named users, authors, operations. */
const USERS = fc.sample(fc.uuid({ version: 4 }), { numRuns: 10, seed: SEED });
const STRANGERS = fc.sample(fc.uuid({ version: 4 }), { numRuns: 2, seed: SEED + 1 }); // on records, never callers
const OPERATIONS = fc.sample(fc.uuid({ version: 4 }), { numRuns: 3, seed: SEED + 2 });
const FOREIGN_OPERATION = fc.sample(fc.uuid({ version: 4 }), { numRuns: 1, seed: SEED + 3 })[0]; // nobody's

/** Fields whose permission is also checked as SQL (fieldPermittedInto), nested ones included. */
const FIELDS_IN_SQL = ['estimatedValue', 'concealment', 'location', 'location.name', 'location.latitude', 'route', 'operation', 'sensitive', 'releasableTo', 'reference'];

type Row = Omit<SeizureEntity, 'id' | 'createdAt' | 'updatedAt'>;

function recordArbitrary(marker: string): fc.Arbitrary<Row> {
  return fc
    .record({
      agency: fc.constantFrom(...AGENCIES),
      strayCommunities: fc.option(fc.subarray(COMMUNITIES), { nil: null, freq: 3 }), // mostly the agency's own
      status: fc.constantFrom<SeizureStatus>(...SEIZURE_STATUSES),
      tlp: fc.constantFrom<Tlp>(...TLPS),
      releasableTo: fc.subarray([...CODES, 'ZZ']),
      releasableToUsers: fc.subarray([...USERS, ...STRANGERS], { maxLength: 4 }),
      createdBy: fc.constantFrom(...USERS),
      operationId: fc.option(fc.constantFrom(...OPERATIONS, FOREIGN_OPERATION), { nil: null, freq: 2 }),
      // The participants the link was made for: agencies that joined later are not in it.
      operationAudience: fc.subarray(CODES, { minLength: 1 }).map((codes) => [...codes].sort()),
      country: fc.constantFrom(...COUNTRIES),
      locationName: fc.option(fc.constantFrom('Kingston', 'Port of Spain', 'port of spain', '_quay', 'Écija'), { nil: null }),
      valueUsd: fc.option(fc.integer({ min: -10, max: 1000 }), { nil: null }),
      version: fc.integer({ min: 1, max: 5 }),
      lowGrade: fc.boolean(),
      seizedAt: fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }),
      quantity: fc.integer({ min: 1, max: 1000 }),
    })
    .map(
      (r): Row => ({
        ...NEUTRAL_SEIZURE_COLUMNS,
        reference: '', // numbered below: (reportingAgency, reference) is unique
        reportingAgency: r.agency.code,
        ownerCommunities: r.strayCommunities ?? r.agency.communities,
        createdBy: r.createdBy,
        status: r.status,
        tlp: r.tlp,
        releasableTo: r.releasableTo,
        releasableToUsers: r.releasableToUsers,
        seizedAt: r.seizedAt,
        country: r.country,
        locationName: r.locationName,
        transportMode: 'SEA',
        commodityCategory: 'DRUGS',
        commodityType: marker,
        quantityValue: r.quantity,
        quantityUnit: 'KG',
        quantityKg: r.quantity,
        valueAmount: null,
        valueCurrency: null,
        valueUsd: r.valueUsd,
        concealment: null,
        detectionMethod: 'RANDOM',
        routeOrigin: null,
        routeTransit: [],
        routeDestination: null,
        routeCountries: [],
        operationId: r.operationId,
        operationLinkBasis: r.operationId ? 'SUBMITTED' : null,
        operationAudience: r.operationId ? r.operationAudience : null,
        lowGrade: r.lowGrade,
        retractionReason: r.status === 'RETRACTED' ? 'generated' : null,
        version: r.version,
      }),
    );
}

interface Caller {
  principal: Principal;
  operations: string[];
}

/** Consistent real callers, and arbitrary combinations of agency, kind and communities. */
const agencyArbitrary: fc.Arbitrary<AgencyShape> = fc.oneof(
  { arbitrary: fc.constantFrom(...AGENCIES), weight: 3 },
  {
    arbitrary: fc.record({
      code: fc.constantFrom(...CODES, 'NOWHERE'),
      kind: fc.constantFrom<AgencyKind>(...AGENCY_KINDS),
      communities: fc.subarray(COMMUNITIES),
    }),
    weight: 1,
  },
);

const callerArbitrary: fc.Arbitrary<Caller> = fc
  .record({
    userId: fc.constantFrom(...USERS),
    agency: agencyArbitrary,
    roles: fc.subarray<Role>([...ROLES], { minLength: 1 }),
    operations: fc.subarray(OPERATIONS),
    country: fc.option(fc.constantFrom(...COUNTRIES), { nil: null }),
  })
  .map(({ userId, agency, roles, operations, country }) => ({
    principal: {
      userId,
      email: `${userId.slice(0, 8)}@${agency.code.toLowerCase()}.test`,
      agencyCode: agency.code,
      agencyKind: agency.kind,
      country,
      region: country ? 'Caribbean' : null,
      communities: agency.communities,
      roles,
      authMethod: 'api-key' as const,
    },
    operations,
  }));

/** Generated read rules over every record attribute and operator the compiler says it supports. */
function conditionArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  const str = (values: string[]) => fc.constantFrom(...values);
  const list = (values: string[]) => fc.subarray(values);
  const fieldConditions: Record<string, fc.Arbitrary<unknown>> = {
    tlp: fc.oneof(str([...TLPS]), fc.record({ $ne: str([...TLPS]) }), fc.record({ $in: list([...TLPS]) }), fc.record({ $nin: list([...TLPS]) })),
    status: fc.oneof(str([...SEIZURE_STATUSES]), fc.record({ $ne: str([...SEIZURE_STATUSES]) }), fc.record({ $nin: list([...SEIZURE_STATUSES]) })),
    reportingAgency: fc.oneof(str([...CODES, '{{agency}}']), fc.record({ $ne: str(['{{agency}}', 'JM']) }), fc.record({ $in: list(CODES) })),
    ownerCommunities: fc.oneof(
      str([...COMMUNITIES]),
      fc.record({ $in: fc.oneof(fc.constant('{{communities}}'), list(COMMUNITIES)) }),
      fc.record({ $nin: fc.oneof(fc.constant('{{communities}}'), list(COMMUNITIES)) }),
      fc.record({ $ne: str(COMMUNITIES) }),
    ),
    releasableTo: fc.oneof(str(['{{agency}}', 'KY', 'ZZ']), fc.record({ $ne: str(['{{agency}}', 'KY']) }), fc.record({ $in: list(CODES) }), fc.record({ $nin: list(CODES) })),
    releasableToUsers: fc.oneof(str(['{{userId}}', USERS[0]]), fc.record({ $ne: str(['{{userId}}']) }), fc.record({ $in: list(USERS) })),
    createdBy: fc.oneof(str(['{{userId}}', USERS[1]]), fc.record({ $ne: str(['{{userId}}']) }), fc.record({ $in: list(USERS) }), fc.record({ $nin: list(USERS) })),
    operationId: fc.oneof(
      fc.constant(null),
      str(OPERATIONS),
      fc.record({ $ne: fc.oneof(fc.constant(null), str(OPERATIONS)) }),
      fc.record({ $in: fc.oneof(fc.constant('{{operations}}'), list([...OPERATIONS, FOREIGN_OPERATION])) }),
      fc.record({ $nin: fc.oneof(fc.constant('{{operations}}'), list(OPERATIONS)) }),
    ),
    country: fc.oneof(str([...COUNTRIES, '{{country}}']), fc.record({ $ne: str(['{{country}}', 'JM']) }), fc.record({ $in: list(COUNTRIES) })),
    locationName: fc.oneof(
      fc.constant(null),
      str(['Kingston']),
      fc.record({ $ne: fc.constantFrom(null, 'Kingston') }),
      fc.record({ $nin: list(['Kingston', 'Nowhere']) }),
      fc.record({ $lt: str(['K', 'p', 'Port', '_', 'É']) }, { requiredKeys: [] }),
      fc.record({ $gte: str(['K', 'p', 'Port', '_', 'É']) }, { requiredKeys: [] }),
    ),
    valueUsd: fc.oneof(
      fc.record({ $lt: fc.integer({ min: -5, max: 1000 }) }),
      fc.record({ $gt: fc.integer({ min: -5, max: 1000 }) }),
      fc.record({ $lte: fc.integer({ min: -5, max: 5 }), $gte: fc.integer({ min: -5, max: 5 }) }, { requiredKeys: [] }),
    ),
    version: fc.oneof(
      fc.integer({ min: 0, max: 6 }),
      fc.record({ $lt: fc.integer({ min: 0, max: 6 }) }, { requiredKeys: [] }),
      fc.record({ $gte: fc.integer({ min: 0, max: 6 }), $lte: fc.integer({ min: 0, max: 6 }) }, { requiredKeys: [] }),
      fc.record({ $gt: fc.integer({ min: 0, max: 6 }), $ne: fc.integer({ min: 0, max: 6 }) }),
    ),
    lowGrade: fc.oneof(fc.boolean(), fc.record({ $ne: fc.boolean() })),
  };
  return fc
    .subarray(Object.keys(fieldConditions), { minLength: 1, maxLength: 2 })
    .chain((fields) => fc.record(Object.fromEntries(fields.map((field) => [field, fieldConditions[field]]))))
    .filter((conditions) => {
      // An empty operator object is not a condition CASL accepts.
      return Object.values(conditions).every((value) => !(value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0));
    });
}

const ruleArbitrary: fc.Arbitrary<PolicyRule> = fc.record(
  {
    action: fc.constant('read' as const),
    subject: fc.constant('Seizure' as const),
    conditions: conditionArbitrary(),
    inverted: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
    fields: fc.constantFrom(['id'], ['id', 'tlp'], ['tlp', 'id']),
  },
  { requiredKeys: ['action', 'subject'] },
);

const policyArbitrary: fc.Arbitrary<PolicyDocument> = fc.array(ruleArbitrary, { minLength: 1, maxLength: 5 }).map((rules) => ({ fieldGroups: {}, rules }));

describe('access policy: SQL filter = CASL in-memory check (property)', () => {
  let platform: TestApp;
  let dataSource: DataSource;
  let repo: Repository<SeizureEntity>;
  let policy: PolicyDocument;
  let records: SeizureEntity[];
  let subjects: SeizureEntity[];
  const marker = `prop-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    platform = await startTestApp();
    dataSource = platform.server.runtime.dataSource;
    repo = dataSource.getRepository(SeizureEntity);
    policy = platform.server.app.get(AccessService).policy;
    await dataSource.getRepository(AgencyEntity).insert({
      code: LONER, name: 'Property-test partner', kind: 'PARTNER', country: null, region: null, communities: [], legalBasis: [], status: 'ACTIVE',
    });
    const rows = fc.sample(recordArbitrary(marker), { numRuns: RECORDS, seed: SEED }).map((row, i) => ({ ...row, reference: `${marker}-${i}` }));
    await repo.insert(rows);
    records = await repo.find({ where: { commodityType: marker } });
    expect(records).toHaveLength(RECORDS);
    subjects = records.map((record) => subject('Seizure', { ...record }));
  }, 180_000);
  afterAll(() => platform?.stop());

  async function sqlIds(ability: AppAbility, action: Action): Promise<string[]> {
    const query = repo.createQueryBuilder('s').select('s.id', 'id');
    whereAllowed(query, ability, action, 'Seizure').andWhere('s.commodity_type = :marker', { marker });
    const rows = await query.getRawMany<{ id: string }>();
    return rows.map((row) => row.id).sort();
  }

  /**
   * The same three whereAllowed queries in one round trip (UNION ALL of their exact SQL, parameters
   * renumbered), to keep 1,000 principals quick on the embedded database too.
   */
  async function sqlIdsPerAction<A extends Action>(ability: AppAbility, actions: readonly A[]): Promise<Record<A, string[]>> {
    const parts: string[] = [];
    const params: unknown[] = [];
    actions.forEach((action, index) => {
      const query = repo.createQueryBuilder('s').select('s.id', 'id').addSelect(String(index), 'action');
      whereAllowed(query, ability, action, 'Seizure').andWhere('s.commodity_type = :marker', { marker });
      const [sql, values] = query.getQueryAndParameters();
      const offset = params.length;
      parts.push(`(${sql.replace(/\$(\d+)/g, (_match, n: string) => `$${Number(n) + offset}`)})`);
      params.push(...values);
    });
    const rows: { id: string; action: number }[] = await dataSource.query(parts.join(' UNION ALL '), params);
    const result = Object.fromEntries(actions.map((action) => [action, [] as string[]])) as Record<A, string[]>;
    for (const row of rows) result[actions[Number(row.action)]].push(row.id);
    for (const action of actions) result[action].sort();
    return result;
  }

  /** What AccessService.can decides per record: ability.can on a copy of the loaded entity. */
  function memoryIds(ability: AppAbility, action: Action): string[] {
    return subjects.filter((record) => ability.can(action, record)).map((record) => record.id).sort();
  }

  async function expectSame(ability: AppAbility, action: Action): Promise<string[]> {
    const expected = memoryIds(ability, action);
    expect(await sqlIds(ability, action)).toEqual(expected);
    return expected;
  }

  it(`config/policies.yaml: read, update and retract over ${RUNS} generated principals × ${RECORDS} records`, async () => {
    const byId = new Map(records.map((record) => [record.id, record]));
    const hits = { readByTlp: new Map<string, number>(), namedRed: 0, authorRed: 0, byOperation: 0, byOperationAudience: 0, update: 0, retract: 0 };
    await fc.assert(
      fc.asyncProperty(callerArbitrary, async ({ principal, operations }) => {
        const ability = buildAbility(policy, principal, operations);
        const sql = await sqlIdsPerAction(ability, ['read', 'update', 'retract'] as const);
        const [read, update, retract] = (['read', 'update', 'retract'] as const).map((action) => memoryIds(ability, action));
        expect(sql).toEqual({ read, update, retract });
        for (const id of read) {
          const record = byId.get(id)!;
          hits.readByTlp.set(record.tlp, (hits.readByTlp.get(record.tlp) ?? 0) + 1);
          if (record.tlp === 'RED' && record.releasableToUsers.includes(principal.userId)) hits.namedRed += 1;
          if (record.tlp === 'RED' && record.createdBy === principal.userId) hits.authorRed += 1;
          if (record.operationId && operations.includes(record.operationId) && record.reportingAgency !== principal.agencyCode) {
            hits.byOperation += 1;
            // Read through the operation only by an agency the link was made for (others read it by another rule).
            if (record.operationAudience?.includes(principal.agencyCode)) hits.byOperationAudience += 1;
          }
        }
        hits.update += update.length;
        hits.retract += retract.length;
      }),
      { numRuns: RUNS, ...RUN_SEED },
    );
    // The generators reach every rule of the policy, not only the easy cases.
    for (const tlp of TLPS) expect(hits.readByTlp.get(tlp) ?? 0).toBeGreaterThan(0);
    expect(hits.namedRed).toBeGreaterThan(0);
    expect(hits.authorRed).toBeGreaterThan(0);
    expect(hits.byOperation).toBeGreaterThan(0);
    expect(hits.byOperationAudience).toBeGreaterThan(0);
    expect(hits.update).toBeGreaterThan(0);
    expect(hits.retract).toBeGreaterThan(0);
  }, 180_000);

  it('generated policies (eq, $ne, $in, $nin, $lt…$gte, null, placeholders, inverted and field rules) compile to the same selection', async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(policyArbitrary, callerArbitrary, async (generated, { principal, operations }) => {
        const ability = buildAbility(generated, principal, operations);
        const allowed = await expectSame(ability, 'read');
        if (allowed.length > 0 && allowed.length < records.length) nonTrivial += 1;
      }),
      { numRuns: 500, ...RUN_SEED },
    );
    expect(nonTrivial).toBeGreaterThan(100);
  }, 180_000);

  it('field disclosure: AccessService.permittedFields (one shared set per rule combination) = CASL permittedFieldsOf', () => {
    const access = platform.server.app.get(AccessService);
    const caslFields = (ability: AppAbility, record: SeizureEntity) =>
      permittedFieldsOf(ability, 'read', subject('Seizure', { ...record }), { fieldsFrom: (rule) => rule.fields ?? [...SEIZURE_FIELDS] }).sort();
    const ours = (ability: AppAbility, record: SeizureEntity) => [...access.permittedFields(ability, 'Seizure', record, SEIZURE_FIELDS)].sort();
    let combinations = 0;
    const check = (ability: AppAbility) => {
      const seen = new Set<ReadonlySet<string>>();
      for (const record of records) {
        const [mine, theirs] = [ours(ability, record), caslFields(ability, record)];
        if (!sameList(mine, theirs)) expect({ record: record.id, fields: mine }).toEqual({ record: record.id, fields: theirs });
        seen.add(access.permittedFields(ability, 'Seizure', record, SEIZURE_FIELDS));
      }
      combinations = Math.max(combinations, seen.size);
    };
    fc.assert(fc.property(callerArbitrary, ({ principal, operations }) => check(buildAbility(policy, principal, operations))), { numRuns: 150, ...RUN_SEED });
    // Several distinct answers per caller: owner, released-to and facts-only views of the records.
    expect(combinations).toBeGreaterThanOrEqual(3);
    fc.assert(
      fc.property(policyArbitrary, callerArbitrary, (generated, { principal, operations }) => check(buildAbility(generated, principal, operations))),
      { numRuns: 200, ...RUN_SEED },
    );
  }, 180_000);

  it('field disclosure from rule matches computed in SQL (search pages), and field by field in SQL (reports, statistics) = CASL in memory', async () => {
    const access = platform.server.app.get(AccessService);
    const byId = new Map(records.map((record) => [record.id, record]));
    let combinations = 0;
    const check = async (ability: AppAbility) => {
      const params = new PositionalParameters();
      const target = { metadata: repo.metadata, dataSource, alias: 's' };
      const matches = ruleGroupMatchesInto(ability, 'read', 'Seizure', target, params);
      // Field by field in SQL (fieldPermittedInto: what operation reports and statistics use).
      const fields = FIELDS_IN_SQL.map((field, i) => `${fieldPermittedInto(ability, 'read', 'Seizure', field, target, params)} AS f${i}`).join(', ');
      const rows: ({ id: string; matches: string } & Record<string, unknown>)[] = await dataSource.query(
        `SELECT s.id, ${matches} AS matches, ${fields} FROM seizures s WHERE s.commodity_type = ${params.add(marker)}`,
        params.values,
      );
      expect(rows).toHaveLength(records.length);
      const rules = ability.possibleRulesFor('read', 'Seizure');
      const groups = ruleGroupsOf(ability, 'read', 'Seizure');
      expect(groups.flatMap((group) => group.rules)).toHaveLength(rules.length); // every rule in one group
      const seen = new Set<string>();
      for (const row of rows) {
        const record = byId.get(row.id)!;
        // CASL's own match of each rule, taken per group: a group matches when one of its rules does.
        const inMemory = groups.map((group) => (group.rules.some((rule) => rule.matchesConditions(record)) ? '1' : '0')).join('');
        if (row.matches !== inMemory) expect({ record: row.id, matches: row.matches }).toEqual({ record: row.id, matches: inMemory });
        const permitted = access.permittedFields(ability, 'Seizure', record, SEIZURE_FIELDS);
        const fromMatches = access.fieldsForMatches(ability, 'Seizure', row.matches, SEIZURE_FIELDS);
        if (fromMatches !== permitted) expect(fromMatches).toBe(permitted);
        // And what CASL itself permits, rule by rule: the groups lose nothing.
        const casl = permittedFieldsOf(ability, 'read', subject('Seizure', { ...record }), { fieldsFrom: (rule) => rule.fields ?? [...SEIZURE_FIELDS] }).sort();
        if (!sameList([...fromMatches].sort(), casl)) expect({ record: row.id, fields: [...fromMatches].sort() }).toEqual({ record: row.id, fields: casl });
        const [inSql, expected] = [FIELDS_IN_SQL.filter((_f, i) => row[`f${i}`] === true), FIELDS_IN_SQL.filter((field) => permitted.has(field))];
        if (!sameList(inSql, expected)) expect({ record: row.id, fields: inSql }).toEqual({ record: row.id, fields: expected });
        seen.add(row.matches);
      }
      combinations = Math.max(combinations, seen.size);
    };
    await fc.assert(fc.asyncProperty(callerArbitrary, ({ principal, operations }) => check(buildAbility(policy, principal, operations))), { numRuns: 150, ...RUN_SEED });
    expect(combinations).toBeGreaterThanOrEqual(3);
    await fc.assert(
      fc.asyncProperty(policyArbitrary, callerArbitrary, (generated, { principal, operations }) => check(buildAbility(generated, principal, operations))),
      { numRuns: 200, ...RUN_SEED },
    );
  }, 180_000);

  it('refuses rule matches that do not fit the caller\'s rules, and records missing a condition column', () => {
    const access = platform.server.app.get(AccessService);
    const ability = buildAbility(policy, { userId: USERS[0], email: 'x@jm.test', agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', country: 'JM', region: 'Caribbean', communities: ['CCLEC'], roles: ['ELO'], authMethod: 'api-key' }, []);
    const count = ability.possibleRulesFor('read', 'Seizure').length;
    expect(() => access.fieldsForMatches(ability, 'Seizure', '1'.repeat(count + 1), SEIZURE_FIELDS)).toThrow(/do not fit/);
    expect(() => access.fieldsForMatches(ability, 'Seizure', 'x'.repeat(count), SEIZURE_FIELDS)).toThrow(/do not fit/);
    const partial = Object.assign(new SeizureEntity(), { ...records[0], releasableTo: undefined });
    expect(() => access.permittedFields(ability, 'Seizure', partial, SEIZURE_FIELDS)).toThrow(/releasableTo was not read/);
  });

  describe('the SQL compiler', () => {
    const caller = (over: Partial<Principal> = {}): Principal => ({
      userId: USERS[0], email: 'x@jm.test', agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', country: 'JM', region: 'Caribbean',
      communities: ['CCLEC'], roles: ['ELO'], authMethod: 'api-key', ...over,
    });
    const abilityOf = (...rules: Omit<PolicyRule, 'subject'>[]) => buildAbility({ fieldGroups: {}, rules: rules.map((rule) => ({ subject: 'Seizure' as const, ...rule })) }, caller(), [OPERATIONS[0]]);
    const compiled = (ability: AppAbility) => {
      const query = whereAllowed(repo.createQueryBuilder('s'), ability, 'read', 'Seizure');
      return query.getQuery();
    };

    it('fails closed on a field that is not a column', () => {
      expect(() => compiled(abilityOf({ action: 'read', conditions: { nosuch: 'x' } }))).toThrow(/"nosuch", which is not a column/);
      expect(() => compiled(abilityOf({ action: 'read', conditions: { 'location.name': 'Kingston' } }))).toThrow(/not a column/);
    });

    it.each([
      ['$regex', { reference: { $regex: '^prop' } }],
      ['$all', { releasableTo: { $all: ['KY'] } }],
      ['$size', { releasableTo: { $size: 1 } }],
      ['$elemMatch', { releasableTo: { $elemMatch: { $eq: 'KY' } } }],
    ])('fails closed on the operator %s', (_name, conditions) => {
      expect(() => compiled(abilityOf({ action: 'read', conditions }))).toThrow(/cannot be compiled to SQL/);
    });

    it('fails closed even when the unknown condition sits in an inverted rule', () => {
      const ability = abilityOf({ action: 'read' }, { action: 'read', inverted: true, conditions: { reference: { $regex: 'x' } } });
      expect(() => compiled(ability)).toThrow(/cannot be compiled/);
    });

    it('grants nothing (FALSE) when no rule grants the action', async () => {
      const ability = abilityOf({ action: 'update', conditions: { reportingAgency: '{{agency}}' } });
      expect(compiled(ability)).toContain('FALSE');
      expect(await expectSame(ability, 'read')).toEqual([]);
    });

    it.each([
      ['an inverted rule on a nullable column', [{ action: 'read' as const }, { action: 'read' as const, inverted: true, conditions: { operationId: OPERATIONS[0] } }]],
      ['an inverted rule on $in', [{ action: 'read' as const }, { action: 'read' as const, inverted: true, conditions: { operationId: { $in: '{{operations}}' } } }]],
      ['$ne on a nullable column', [{ action: 'read' as const, conditions: { operationId: { $ne: OPERATIONS[0] } } }]],
      ['$nin on a nullable column', [{ action: 'read' as const, conditions: { operationId: { $nin: [OPERATIONS[0], OPERATIONS[1]] } } }]],
      ['$ne on a nullable text column', [{ action: 'read' as const, conditions: { locationName: { $ne: 'Kingston' } } }]],
      ['equality with null', [{ action: 'read' as const, conditions: { operationId: null } }]],
      ['$ne null', [{ action: 'read' as const, conditions: { operationId: { $ne: null } } }]],
    ])('NOT is null-safe: %s selects what CASL allows, null rows included', async (_name, rules) => {
      const ability = abilityOf(...rules);
      const allowed = await expectSame(ability, 'read');
      expect(allowed.length).toBeGreaterThan(0);
      expect(allowed.length).toBeLessThan(records.length);
    });

    it('NOT keeps rows whose column is null: they are in the result of an inverted rule', async () => {
      const ability = abilityOf({ action: 'read' }, { action: 'read', inverted: true, conditions: { operationId: OPERATIONS[0] } });
      const allowed = new Set(await expectSame(ability, 'read'));
      const nullRows = records.filter((record) => record.operationId === null);
      expect(nullRows.length).toBeGreaterThan(0);
      for (const record of nullRows) expect(allowed.has(record.id)).toBe(true);
    });

    it.each([
      ['$exists (CASL: has the property, even when null)', { operationId: { $exists: true } }],
      ['$exists false', { operationId: { $exists: false } }],
      ['a list where one value is expected (CASL: never equal)', { ownerCommunities: '{{communities}}' }],
      ['a list against a scalar column', { reportingAgency: ['JM'] }],
      ['null inside $in', { locationName: { $in: [null, 'Kingston'] } }],
      ['null inside $nin', { locationName: { $nin: [null] } }],
      ['a string for an integer column', { version: '3' }],
      ['a string for a boolean column', { lowGrade: 'true' }],
      ['a number for a text column', { reportingAgency: { $in: [1] } }],
      ['a value for a timestamp column', { seizedAt: { $lt: '2026-01-01' } }],
    ])('fails closed where CASL and a SQL cast would disagree: %s', (_name, conditions) => {
      const ability = abilityOf({ action: 'read', conditions });
      expect(() => memoryIds(ability, 'read')).not.toThrow(); // CASL itself accepts it
      expect(() => compiled(ability)).toThrow(/cannot be compiled|cannot compare/);
    });

    it('char(n) columns compare whole values (a bare CAST AS character would keep one letter)', async () => {
      for (const conditions of [{ country: 'JM' }, { country: { $ne: 'JM' } }, { country: { $in: ['JM', 'KY'] } }, { country: { $nin: ['JM', 'JMX', 'J'] } }]) {
        const allowed = await expectSame(abilityOf({ action: 'read', conditions }), 'read');
        expect(allowed.length).toBeGreaterThan(0);
        expect(allowed.length).toBeLessThan(records.length);
      }
    });

    it('ranges on nullable columns treat null as CASL does (null < 5 and null < "K" in JavaScript)', async () => {
      for (const conditions of [
        { valueUsd: { $lt: 500 } }, { valueUsd: { $gt: -1 } }, { valueUsd: { $gte: 0 } }, { valueUsd: { $lte: -1 } },
        { locationName: { $lt: 'L' } }, { locationName: { $gt: 'A' } },
      ]) {
        await expectSame(abilityOf({ action: 'read', conditions }), 'read');
        await expectSame(abilityOf({ action: 'read' }, { action: 'read', inverted: true, conditions }), 'read');
      }
    });

    it('array columns: equality is containment (@>), $in is overlap (&&), with CASL\'s any-element meaning', async () => {
      const metadata = dataSource.getMetadata(SeizureEntity);
      const compiler = new CaslSqlCompiler(metadata, dataSource, 's');
      expect(compiler.compile({ operator: 'eq', field: 'releasableTo', value: 'KY' }).sql).toMatch(/"s"\."releasable_to" @> ARRAY\[/);
      expect(compiler.compile({ operator: 'in', field: 'ownerCommunities', value: ['CCLEC'] }).sql).toMatch(/"s"\."owner_communities" && CAST\(/);
      expect(compiler.compile({ operator: 'in', field: 'tlp', value: ['RED'] }).sql).toMatch(/"s"\."tlp" = ANY\(/);
      for (const conditions of [
        { releasableTo: 'KY' },
        { releasableTo: { $in: ['KY', 'TT'] } },
        { releasableTo: { $ne: 'KY' } },
        { releasableTo: { $nin: ['KY', 'TT'] } },
        { ownerCommunities: { $in: '{{communities}}' } },
        { releasableToUsers: '{{userId}}' },
        { releasableTo: { $in: [] } },
      ]) {
        await expectSame(abilityOf({ action: 'read', conditions }), 'read');
      }
      const anyElement = await expectSame(abilityOf({ action: 'read', conditions: { releasableTo: 'KY' } }), 'read');
      expect(anyElement.length).toBeGreaterThan(0);
      expect(anyElement.some((id) => records.find((record) => record.id === id)!.releasableTo.length > 1)).toBe(true);
    });
  });
});
