import fc from 'fast-check';
import type { DataSource, Repository } from 'typeorm';
import { buildAbility } from '../../src/access/ability.factory.js';
import { AccessService } from '../../src/access/access.service.js';
import type { PolicyDocument, PolicyRule } from '../../src/access/policy-document.js';
import type { Principal } from '../../src/access/principal.js';
import type { RequestContext } from '../../src/access/request-context.js';
import { AGENCY_KINDS, ROLES, type AgencyKind, type Role } from '../../src/access/attributes.js';
import type { SeizureFilter } from '../../src/seizures/api/seizure.inputs.js';
import { SeizureSearchService, filterConditions, type StatBucket } from '../../src/seizures/data/seizure-search.service.js';
import { SeizureStatsAggregates, aggregatedMonths } from '../../src/seizures/data/seizure-stats-aggregates.js';
import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import { SEIZURE_DIMENSIONS, SEIZURE_STATUSES, TLPS, type CommodityCategory, type SeizureDimension, type SeizureStatus, type Tlp } from '../../src/seizures/seizure.enums.js';
import { AuthenticationService } from '../../src/auth/authentication.service.js';
import { submitSeizure, NEUTRAL_SEIZURE_COLUMNS } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/**
 * Statistics from the monthly pre-aggregates must be exactly the scan's, bucket by bucket, for
 * the same principal: over generated principals (agencies, roles, RED authors and named users,
 * operations), filters (partial and whole months, countries, categories, TLPs, operations, and
 * filters the aggregates cannot answer), groupings and data, which is changed between checks by
 * inserts, updates and deletes so that the triggers that keep the aggregates are exercised too.
 * After every change the aggregate table must equal its recomputation from `seizures`.
 */

const SEED = 20_261_206;
const RUN_SEED = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};
const RECORDS = 250;
const RUNS = Number(process.env.STATS_PROPERTY_RUNS ?? 150);

interface AgencyShape {
  code: string;
  kind: AgencyKind;
  communities: string[];
}
const AGENCIES: AgencyShape[] = [
  { code: 'JM', kind: 'MEMBER_ADMINISTRATION', communities: ['CCLEC'] },
  { code: 'KY', kind: 'MEMBER_ADMINISTRATION', communities: ['CCLEC'] },
  { code: 'TT', kind: 'MEMBER_ADMINISTRATION', communities: ['CCLEC'] },
  { code: 'JIO', kind: 'JOINT_INTELLIGENCE_OFFICE', communities: ['CCLEC', 'WCO-RILO'] },
  { code: 'WCO', kind: 'SECRETARIAT', communities: ['WCO-RILO'] },
];
const CODES = AGENCIES.map((agency) => agency.code);
const COMMUNITIES = ['CCLEC', 'WCO-RILO', 'ELSEWHERE'];
const COUNTRIES = ['JM', 'KY', 'TT', 'LC'];
const CATEGORIES: CommodityCategory[] = ['DRUGS', 'FIREARMS', 'TOBACCO'];
const UNITS = ['KG', 'G', 'PIECES'];
const USERS = fc.sample(fc.uuid({ version: 4 }), { numRuns: 6, seed: SEED });
const OPERATIONS = fc.sample(fc.uuid({ version: 4 }), { numRuns: 3, seed: SEED + 1 });
const LINK_BASES = ['SUBMITTED', 'LEAD_LINK_UNCONFIRMED', 'OWNER_LINKED'];

/** Month starts of 2025-2026, the range the data spans, and instants next to them. */
const MONTH_STARTS = Array.from({ length: 25 }, (_v, i) => new Date(Date.UTC(2025, i, 1)));
const instantArbitrary = fc.oneof(
  fc.constantFrom(...MONTH_STARTS),
  fc.constantFrom(...MONTH_STARTS).map((date) => new Date(date.getTime() - 1)),
  fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-12-31T23:59:59Z'), noInvalidDate: true }),
);

type Row = Omit<SeizureEntity, 'id' | 'createdAt' | 'updatedAt'>;

const rowArbitrary: fc.Arbitrary<Omit<Row, 'reference'>> = fc
  .record({
    agency: fc.constantFrom(...AGENCIES),
    strayCommunities: fc.option(fc.subarray(COMMUNITIES), { nil: null, freq: 4 }),
    status: fc.constantFrom<SeizureStatus>(...SEIZURE_STATUSES),
    tlp: fc.constantFrom<Tlp>(...TLPS),
    releasableTo: fc.subarray([...CODES, 'ZZ'], { maxLength: 3 }),
    releasableToUsers: fc.subarray(USERS, { maxLength: 3 }),
    createdBy: fc.constantFrom(...USERS),
    operationId: fc.option(fc.constantFrom(...OPERATIONS), { nil: null, freq: 2 }),
    linkBasis: fc.constantFrom(...LINK_BASES),
    // The participants a link was made for: some of the agencies, or (a link before they joined) not the caller's.
    audience: fc.subarray(CODES, { maxLength: 4 }).map((codes) => [...codes].sort()),
    country: fc.constantFrom(...COUNTRIES),
    category: fc.constantFrom(...CATEGORIES),
    unit: fc.constantFrom(...UNITS),
    // Quantities with decimals and values in cents: sums that binary floating point rounds.
    quantity: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500_000 }).map((n) => n / 1000)),
    valueUsd: fc.option(fc.integer({ min: 0, max: 5_000_000 }).map((cents) => cents / 100), { nil: null }),
    seizedAt: instantArbitrary,
  })
  .map((r) => ({
    ...NEUTRAL_SEIZURE_COLUMNS,
    reportingAgency: r.agency.code,
    ownerCommunities: r.strayCommunities ?? r.agency.communities,
    createdBy: r.createdBy,
    status: r.status,
    tlp: r.tlp,
    releasableTo: r.releasableTo,
    releasableToUsers: r.releasableToUsers,
    seizedAt: r.seizedAt,
    country: r.country,
    locationName: null,
    transportMode: 'SEA' as const,
    commodityCategory: r.category,
    commodityType: null,
    quantityValue: r.quantity,
    quantityUnit: r.unit,
    quantityKg: null,
    valueAmount: r.valueUsd,
    valueCurrency: r.valueUsd == null ? null : 'USD',
    valueUsd: r.valueUsd,
    concealment: null,
    detectionMethod: 'RANDOM' as const,
    routeOrigin: null,
    routeTransit: [],
    routeDestination: null,
    routeCountries: [],
    operationId: r.operationId,
    operationLinkBasis: r.operationId ? (r.linkBasis as Row['operationLinkBasis']) : null,
    operationAudience: r.operationId ? r.audience : null,
    lowGrade: false,
    retractionReason: r.status === 'RETRACTED' ? 'generated' : null,
    version: 1,
  }));

interface Caller {
  principal: Principal;
  operations: string[];
}

const callerArbitrary: fc.Arbitrary<Caller> = fc
  .record({
    userId: fc.constantFrom(...USERS),
    agency: fc.oneof(
      { arbitrary: fc.constantFrom(...AGENCIES), weight: 3 },
      { arbitrary: fc.record({ code: fc.constantFrom(...CODES, 'NOWHERE'), kind: fc.constantFrom<AgencyKind>(...AGENCY_KINDS), communities: fc.subarray(COMMUNITIES) }), weight: 1 },
    ),
    roles: fc.subarray<Role>([...ROLES], { minLength: 1 }),
    operations: fc.subarray(OPERATIONS),
  })
  .map(({ userId, agency, roles, operations }) => ({
    principal: {
      userId,
      email: `${userId.slice(0, 8)}@${agency.code.toLowerCase()}.test`,
      agencyCode: agency.code,
      agencyKind: agency.kind,
      country: null,
      region: null,
      communities: agency.communities,
      roles,
      authMethod: 'api-key' as const,
    },
    operations,
  }));

const filterArbitrary: fc.Arbitrary<SeizureFilter> = fc
  .tuple(
    fc.record(
      {
        seizedFrom: instantArbitrary,
        seizedTo: instantArbitrary,
        countries: fc.subarray([...COUNTRIES, 'jm'], { minLength: 1 }),
        commodityCategories: fc.subarray(CATEGORIES, { minLength: 1 }),
        tlps: fc.subarray([...TLPS], { minLength: 1 }),
        reportingAgencies: fc.subarray(CODES, { minLength: 1 }),
        operationId: fc.constantFrom(...OPERATIONS),
        includeRetracted: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    // Now and then a filter the aggregates do not hold: the answer is the scan's.
    fc.option(fc.constantFrom<SeizureFilter>({ transportModes: ['SEA'] }, { text: 'generated' }, { routeCountry: 'JM' }), { freq: 5 }),
  )
  .map(([filter, unanswerable]) => {
    // An inverted date range is refused (BAD_USER_INPUT) by both: compared the right way round.
    if (filter.seizedFrom && filter.seizedTo && filter.seizedFrom > filter.seizedTo) [filter.seizedFrom, filter.seizedTo] = [filter.seizedTo, filter.seizedFrom];
    return { ...filter, ...unanswerable };
  });

const groupByArbitrary: fc.Arbitrary<SeizureDimension[]> = fc.shuffledSubarray([...SEIZURE_DIMENSIONS], { minLength: 1, maxLength: 3 });

/** A write between checks: new rows, changed rows (every column the aggregates read), removed rows. */
type Change =
  | { kind: 'insert'; rows: Omit<Row, 'reference'>[] }
  | { kind: 'update'; pick: number; set: Partial<Row> }
  | { kind: 'delete'; pick: number }
  | { kind: 'microsecond-edge'; pick: number };
const changeArbitrary: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), rows: fc.array(rowArbitrary, { minLength: 1, maxLength: 3 }) }),
  fc.record({
    kind: fc.constant('update' as const),
    pick: fc.nat(),
    set: rowArbitrary.chain((row) =>
      fc.subarray(['tlp', 'status', 'releasableTo', 'releasableToUsers', 'operationId', 'country', 'commodityCategory', 'quantityValue', 'quantityUnit', 'valueUsd', 'seizedAt', 'reportingAgency', 'createdBy'] as const, { minLength: 1 })
        .map((keys) => Object.fromEntries(keys.map((key) => [key, row[key]])) as Partial<Row>),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('microsecond-edge' as const), pick: fc.nat() }),
);

describe('seizure statistics: monthly aggregates = the scan (property)', () => {
  let platform: TestPlatform;
  let dataSource: DataSource;
  let repo: Repository<SeizureEntity>;
  let policy: PolicyDocument;
  let search: SeizureSearchService;
  let aggregates: SeizureStatsAggregates;
  let references = 0;

  const withReferences = (rows: Omit<Row, 'reference'>[]) => rows.map((row) => ({ ...row, reference: `STATS-${(references += 1)}` }));

  beforeAll(async () => {
    platform = await startTestPlatform();
    dataSource = platform.server.runtime.dataSource;
    repo = dataSource.getRepository(SeizureEntity);
    policy = platform.server.app.get(AccessService).policy;
    search = platform.server.app.get(SeizureSearchService);
    aggregates = platform.server.app.get(SeizureStatsAggregates);
    await repo.insert(withReferences(fc.sample(rowArbitrary, { numRuns: RECORDS, seed: SEED })));
  }, 180_000);
  afterAll(() => platform?.stop());

  async function apply(change: Change): Promise<void> {
    const ids = (await repo.find({ select: { id: true }, order: { reference: 'ASC' } })).map((row) => row.id);
    const id = ids[('pick' in change ? change.pick : 0) % Math.max(ids.length, 1)];
    if (change.kind === 'insert') await repo.insert(withReferences(change.rows));
    else if (!id) return;
    else if (change.kind === 'update') await repo.update(id, change.set);
    else if (change.kind === 'delete') await repo.delete(id);
    // The last microsecond of a month: JavaScript dates cannot say it, PostgreSQL stores it.
    else await dataSource.query(`UPDATE seizures SET seized_at = (date_trunc('month', seized_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') - interval '1 microsecond' WHERE id = $1`, [id]);
  }

  /** Both aggregate tables equal their recomputation from `seizures`, row by row. */
  async function expectAggregatesExact(): Promise<void> {
    const key = `month::text, status, tlp, reporting_agency, owner_communities::text, operation_id::text, operation_link_basis,
      country, commodity_category, quantity_unit, created_by::text, releasable_to_users::text`;
    const rows = `SELECT date_trunc('month', seized_at AT TIME ZONE 'UTC')::date AS month, status, tlp, reporting_agency, owner_communities, releasable_to, operation_id,
      operation_link_basis, country, commodity_category, quantity_unit, CASE WHEN tlp = 'RED' THEN created_by END AS created_by,
      CASE WHEN tlp = 'RED' THEN releasable_to_users END AS releasable_to_users, quantity_value, value_usd FROM seizures`;
    const sums = 'count(*)::int AS seizures, sum(quantity_value::numeric) AS quantity, count(value_usd)::int AS valued, coalesce(sum(value_usd::numeric), 0) AS value_usd';
    const numbers = (found: Record<string, unknown>[]) =>
      found.map((row) => ({ ...row, quantity: Number(row.quantity), value_usd: Number(row.value_usd), seizures: Number(row.seizures), valued: Number(row.valued) }));
    for (const [table, keyOf, source] of [
      ['seizure_stats_monthly', key, `(${rows}) s`],
      ['seizure_stats_monthly_released', `recipient, ${key}`, `(${rows}) s CROSS JOIN LATERAL (SELECT DISTINCT unnest(s.releasable_to) AS recipient) r`],
    ]) {
      const kept: Record<string, unknown>[] = await dataSource.query(`SELECT ${keyOf}, seizures, quantity, valued, value_usd FROM ${table} ORDER BY ${keyOf}`);
      const recomputed: Record<string, unknown>[] = await dataSource.query(`SELECT ${keyOf}, ${sums} FROM ${source} GROUP BY ${keyOf} ORDER BY ${keyOf}`);
      expect(numbers(kept)).toEqual(numbers(recomputed));
    }
  }

  /** The same statistics from the aggregates and from the scan; whether the aggregates answered. */
  async function compare(ctx: RequestContext, filter: SeizureFilter, groupBy: SeizureDimension[]): Promise<boolean> {
    const answered = aggregates.statement(ctx.ability, filter, groupBy, filterConditions) !== null;
    const fast = await search.stats(ctx, filter, groupBy);
    aggregates.enabled = false;
    let scan: StatBucket[];
    try {
      scan = await search.stats(ctx, filter, groupBy);
    } finally {
      aggregates.enabled = true;
    }
    expectSameBuckets(fast, scan);
    return answered;
  }

  it(`config/policies.yaml: ${RUNS} principals × filters × groupings, data changed between checks`, async () => {
    let answered = 0;
    let partialMonths = 0;
    await fc.assert(
      fc.asyncProperty(callerArbitrary, filterArbitrary, groupByArbitrary, fc.array(changeArbitrary, { maxLength: 2 }), async (caller, filter, groupBy, changes) => {
        for (const change of changes) await apply(change);
        if (changes.length) await expectAggregatesExact();
        const ctx: RequestContext = { principal: caller.principal, ability: buildAbility(policy, caller.principal, caller.operations), requestId: 'stats-property' };
        // As generated, then the dashboard's shape: no filter but the dates.
        for (const [asked, dimensions] of [[filter, groupBy], [{ seizedFrom: filter.seizedFrom, seizedTo: filter.seizedTo }, ['COUNTRY', 'COMMODITY_CATEGORY']]] as const) {
          if (!(await compare(ctx, asked, [...dimensions]))) continue;
          answered += 1;
          // A month the range only partly covers: scanned, or taken whole less what the range leaves out.
          const months = aggregatedMonths(asked.seizedFrom ?? null, asked.seizedTo ?? null);
          const partlyCovered = (asked.seizedFrom && months?.from?.getTime() !== asked.seizedFrom.getTime()) || (asked.seizedTo && months?.to?.getTime() !== asked.seizedTo.getTime() + 1);
          if (partlyCovered) partialMonths += 1;
        }
      }),
      { numRuns: RUNS, ...RUN_SEED },
    );
    await expectAggregatesExact();
    // The aggregates did answer (the comparison was not scan against scan), edge months included.
    expect(answered).toBeGreaterThan(RUNS / 2);
    expect(partialMonths).toBeGreaterThan(RUNS / 10);
  }, 600_000);

  it('generated policies: rules on any attribute, field rules, inverted rules; the aggregates answer or step aside', async () => {
    const str = (values: string[]) => fc.constantFrom(...values);
    const list = (values: string[]) => fc.subarray(values);
    const conditions: Record<string, fc.Arbitrary<unknown>> = {
      tlp: fc.oneof(str([...TLPS]), fc.record({ $ne: str([...TLPS]) }), fc.record({ $in: list([...TLPS]) }), fc.record({ $nin: list([...TLPS]) })),
      status: fc.oneof(str([...SEIZURE_STATUSES]), fc.record({ $ne: str([...SEIZURE_STATUSES]) })),
      reportingAgency: fc.oneof(str([...CODES, '{{agency}}']), fc.record({ $in: list(CODES) })),
      ownerCommunities: fc.oneof(str(COMMUNITIES), fc.record({ $in: fc.constant('{{communities}}') })),
      releasableTo: fc.oneof(str(['{{agency}}', 'KY']), fc.record({ $nin: list(CODES) })),
      releasableToUsers: fc.oneof(str(['{{userId}}']), fc.record({ $in: list(USERS) })),
      createdBy: fc.oneof(str(['{{userId}}']), fc.record({ $ne: str(['{{userId}}']) })),
      operationId: fc.oneof(fc.constant(null), fc.record({ $in: fc.constant('{{operations}}') }), fc.record({ $ne: fc.constant(null) })),
      operationLinkBasis: fc.oneof(str(LINK_BASES), fc.record({ $ne: str(LINK_BASES) })),
      operationAudience: fc.oneof(str(['{{agency}}', 'KY']), fc.record({ $in: list(CODES) })),
      country: fc.oneof(str(COUNTRIES), fc.record({ $in: list(COUNTRIES) })),
      commodityCategory: str(CATEGORIES),
      valueUsd: fc.record({ $gt: fc.integer({ min: 0, max: 50_000 }) }), // not in the aggregates: the scan answers
    };
    const conditionArbitrary = fc
      .subarray(Object.keys(conditions), { minLength: 1, maxLength: 3 })
      .chain((fields) => fc.record(Object.fromEntries(fields.map((field) => [field, conditions[field]]))))
      .filter((c) => Object.values(c).every((value) => !(value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)));
    const ruleArbitrary: fc.Arbitrary<PolicyRule> = fc.record(
      {
        action: fc.constant('read' as const),
        subject: fc.constant('Seizure' as const),
        conditions: conditionArbitrary,
        inverted: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
        fields: fc.constantFrom(['id'], ['id', 'estimatedValue'], ['operation', 'quantity'], ['estimatedValue']),
      },
      { requiredKeys: ['action', 'subject'] },
    );
    const policyArbitrary = fc.array(ruleArbitrary, { minLength: 1, maxLength: 4 }).map((rules): PolicyDocument => ({ fieldGroups: {}, rules }));
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(policyArbitrary, callerArbitrary, filterArbitrary, groupByArbitrary, async (generated, caller, filter, groupBy) => {
        const ctx: RequestContext = { principal: caller.principal, ability: buildAbility(generated, caller.principal, caller.operations), requestId: 'stats-property' };
        if (await compare(ctx, filter, groupBy)) answered += 1;
        if (await compare(ctx, { seizedFrom: filter.seizedFrom, seizedTo: filter.seizedTo }, ['OPERATION', 'MONTH'])) answered += 1;
      }),
      { numRuns: RUNS, ...RUN_SEED },
    );
    expect(answered).toBeGreaterThan(RUNS / 10);
  }, 600_000);

  it('every write path keeps the aggregates exact: submit, update, release, retract, link to an operation', async () => {
    const users = {
      jm: await platform.userWithKey('JM', ['ELO']),
      ky: await platform.userWithKey('KY', ['ELO']),
      jio: await platform.userWithKey('JIO', ['ANALYST']),
    };
    const ctxOf = async (key: string): Promise<RequestContext> => {
      const principal = await platform.server.app.get(AuthenticationService).authenticate(`Bearer ${key}`);
      return { principal, ability: await platform.server.app.get(AccessService).abilityFor(principal), requestId: 'stats-writes' };
    };
    const gql = async <T>(key: string, query: string, variables: Record<string, unknown>): Promise<T> => {
      const response = await platform.gql<T>(key, query, variables);
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      return response.data!;
    };
    /** After each write: the table equals its recomputation, and each reader's statistics equal the scan's. */
    const check = async () => {
      await expectAggregatesExact();
      for (const user of Object.values(users)) {
        const ctx = await ctxOf(user.key); // anew: a link changes who reads what through an operation
        for (const filter of [{}, { seizedFrom: new Date('2026-09-15T00:00:00Z'), seizedTo: new Date('2026-12-01T00:00:00Z') }]) {
          expect(await compare(ctx, filter, ['COUNTRY', 'COMMODITY_CATEGORY', 'OPERATION'])).toBe(true);
        }
      }
    };
    const report = await submitSeizure(platform, users.jm.key, { tlp: 'AMBER', seizedAt: '2026-10-31T23:59:59.999Z', quantity: { value: 2.5, unit: 'KG' }, commodity: { category: 'DRUGS', type: 'cocaine' } });
    const red = await submitSeizure(platform, users.jm.key, { tlp: 'RED', seizedAt: '2026-11-01T00:00:00.000Z', releasableToUsers: [users.ky.userId] });
    await check();
    await gql(users.jm.key, 'mutation($id: ID!, $i: SeizureUpdateInput!) { updateSeizure(id: $id, input: $i) { version } }', { id: report.id, i: { tlp: 'GREEN' } });
    await check();
    await gql(users.jm.key, 'mutation($id: ID!, $i: SeizureUpdateInput!) { updateSeizure(id: $id, input: $i) { version } }', { id: red.id, i: { releasableToUsers: [] } });
    await check();
    await gql(users.jm.key, 'mutation($id: ID!, $a: [String!]!) { releaseSeizure(id: $id, agencies: $a) { version } }', { id: report.id, a: ['KY'] });
    await check();
    const operation = await gql<{ createOperation: { id: string } }>(users.jio.key, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', {
      i: { codeName: 'Stats Check', focus: 'Aggregates', tlp: 'GREEN', startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z', participants: ['JM', 'KY'] },
    });
    await gql(users.jio.key, 'mutation($id: ID!) { setOperationStatus(operationId: $id, status: ACTIVE) { status } }', { id: operation.createOperation.id });
    await gql(users.jm.key, 'mutation($o: ID!, $s: ID!) { linkSeizureToOperation(operationId: $o, seizureId: $s) { version } }', { o: operation.createOperation.id, s: report.id });
    await check();
    await gql(users.jm.key, 'mutation($id: ID!) { retractSeizure(id: $id, reason: "entered twice") { status } }', { id: report.id });
    await check();
    // No API deletes a report; the trigger for DELETE (and TRUNCATE) is covered by the property above.
  }, 120_000);
});

/**
 * Bucket by bucket, in order: keys, count, unit and value (rounded to cents, as both answer)
 * exactly; the total quantity to 1e-9 of itself, because the scan adds binary floating point in
 * whatever order PostgreSQL reads the rows, while the aggregates add exact decimals.
 */
export function expectSameBuckets(actual: StatBucket[], expected: StatBucket[]): void {
  const exact = (buckets: StatBucket[]) => buckets.map(({ totalQuantity, ...rest }) => ({ ...rest, hasQuantity: totalQuantity !== null }));
  expect(exact(actual)).toEqual(exact(expected));
  actual.forEach((bucket, i) => {
    const want = expected[i].totalQuantity;
    if (want !== null) expect(Math.abs(bucket.totalQuantity! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
  });
}
