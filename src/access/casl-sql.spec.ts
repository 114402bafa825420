import { DataSource, type EntityMetadata } from 'typeorm';
import { SeizureEntity } from '../seizures/data/seizure.entity.js';
import { buildAbility } from './ability.factory.js';
import { accessCondition, CaslSqlCompiler } from './casl-sql.js';
import type { Action, PolicyRule } from './policy-document.js';
import type { Principal } from './principal.js';

/**
 * The compiler's SQL text, without a database: TypeORM builds entity metadata and the Postgres
 * driver normalises types without connecting. What the SQL selects is checked against CASL in
 * test/access-property.e2e-spec.ts.
 */
describe('CaslSqlCompiler', () => {
  let dataSource: DataSource;
  let metadata: EntityMetadata;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'postgres', entities: [SeizureEntity] });
    await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    metadata = dataSource.getMetadata(SeizureEntity);
  });

  const compile = (node: { operator: string; field: string; value: unknown }) => new CaslSqlCompiler(metadata, dataSource, 's').compile(node);

  const principal: Principal = {
    userId: '11111111-1111-4111-8111-111111111111', email: 'elo@jm.test', agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION',
    country: 'JM', region: 'Caribbean', communities: ['CCLEC'], roles: ['ELO'], authMethod: 'api-key',
  };
  const conditionOf = (rules: Omit<PolicyRule, 'subject'>[], action: Action = 'read') =>
    accessCondition(
      buildAbility({ fieldGroups: {}, rules: rules.map((rule) => ({ subject: 'Seizure' as const, ...rule })) }, principal, []),
      action,
      'Seizure',
      { metadata, dataSource, alias: 's' },
    );

  it('fails closed on a field that is not a column', () => {
    expect(() => compile({ operator: 'eq', field: 'nosuch', value: 'x' })).toThrow(/"nosuch", which is not a column of SeizureEntity/);
    expect(() => conditionOf([{ action: 'read', conditions: { 'location.name': 'Kingston' } }])).toThrow(/not a column/);
  });

  it.each(['regex', 'all', 'size', 'elemMatch', 'exists', 'mod', 'where', 'nor'])('fails closed on the operator %s', (operator) => {
    expect(() => compile({ operator, field: 'releasableTo', value: 'x' })).toThrow(/cannot be compiled to SQL|not a column/);
  });

  it('fails closed on $regex coming from a policy, also in an inverted rule', () => {
    expect(() => conditionOf([{ action: 'read', conditions: { reference: { $regex: '^X' } } }])).toThrow(/operator "regex" on "reference" cannot be compiled/);
    expect(() => conditionOf([{ action: 'read' }, { action: 'read', inverted: true, conditions: { reference: { $regex: '^X' } } }])).toThrow(/cannot be compiled/);
  });

  it.each([
    ['a list for a single value', { operator: 'eq', field: 'reportingAgency', value: ['JM'] }],
    ['a list for a single value of an array column', { operator: 'eq', field: 'ownerCommunities', value: ['CCLEC'] }],
    ['null inside a list', { operator: 'in', field: 'locationName', value: [null, 'Kingston'] }],
    ['a string for an integer', { operator: 'eq', field: 'version', value: '3' }],
    ['a string for a boolean', { operator: 'eq', field: 'lowGrade', value: 'true' }],
    ['a number for a text column', { operator: 'in', field: 'reportingAgency', value: [1] }],
    ['a timestamp column', { operator: 'lt', field: 'seizedAt', value: '2026-01-01' }],
    ['not a list for $in', { operator: 'in', field: 'tlp', value: 'RED' }],
  ])('fails closed on values CASL would never find equal: %s', (_name, node) => {
    expect(() => compile(node)).toThrow(/cannot compare|needs a list/);
  });

  it('grants nothing when no rule grants the action, everything when an unconditional one does', () => {
    expect(conditionOf([{ action: 'read', conditions: { tlp: 'CLEAR' } }], 'update')).toEqual({ sql: 'FALSE', params: {} });
    expect(conditionOf([{ action: 'read' }]).sql).toBe('TRUE');
  });

  it('array columns: equality is containment (@>) and $in is overlap (&&), never NULL', () => {
    expect(compile({ operator: 'eq', field: 'releasableTo', value: 'KY' })).toEqual({
      sql: 'COALESCE("s"."releasable_to" @> ARRAY[CAST(:acl_0 AS text)], FALSE)', params: { acl_0: 'KY' },
    });
    expect(compile({ operator: 'in', field: 'ownerCommunities', value: ['CCLEC', 'WCO-RILO'] })).toEqual({
      sql: 'COALESCE("s"."owner_communities" && CAST(:acl_0 AS text[]), FALSE)', params: { acl_0: ['CCLEC', 'WCO-RILO'] },
    });
    expect(compile({ operator: 'nin', field: 'releasableTo', value: [] }).sql).toBe('NOT (COALESCE("s"."releasable_to" && CAST(:acl_0 AS text[]), FALSE))');
  });

  it('scalar columns: $in is = ANY, equality on a nullable column is IS NOT DISTINCT FROM', () => {
    expect(compile({ operator: 'in', field: 'tlp', value: ['RED'] }).sql).toBe('COALESCE("s"."tlp" = ANY(CAST(:acl_0 AS character varying[])), FALSE)');
    expect(compile({ operator: 'eq', field: 'tlp', value: 'RED' }).sql).toBe('"s"."tlp" = CAST(:acl_0 AS character varying)');
    expect(compile({ operator: 'ne', field: 'operationId', value: '22222222-2222-4222-8222-222222222222' }).sql).toBe(
      'NOT ("s"."operation_id" IS NOT DISTINCT FROM CAST(:acl_0 AS uuid))',
    );
    expect(compile({ operator: 'eq', field: 'operationId', value: null }).sql).toBe('"s"."operation_id" IS NULL');
    expect(compile({ operator: 'ne', field: 'operationId', value: null }).sql).toBe('NOT ("s"."operation_id" IS NULL)');
  });

  it('char(n) columns are compared as text, not cast to char(1)', () => {
    expect(compile({ operator: 'eq', field: 'country', value: 'JM' }).sql).toBe('"s"."country" = CAST(:acl_0 AS text)');
    expect(compile({ operator: 'in', field: 'country', value: ['JM'] }).sql).toBe('COALESCE("s"."country" = ANY(CAST(:acl_0 AS text[])), FALSE)');
  });

  it('ranges: JavaScript order for strings (COLLATE "C") and JavaScript\'s answer for null', () => {
    // null < "K" and null < 5 are true in JavaScript (so in CASL); null > -1 is true, null > 5 false.
    expect(compile({ operator: 'lt', field: 'locationName', value: 'K' }).sql).toBe('COALESCE("s"."location_name" < CAST(:acl_0 AS character varying) COLLATE "C", TRUE)');
    expect(compile({ operator: 'gt', field: 'locationName', value: 'K' }).sql).toMatch(/, FALSE\)$/);
    expect(compile({ operator: 'lte', field: 'valueUsd', value: 5 }).sql).toBe('COALESCE("s"."value_usd" <= CAST(:acl_0 AS double precision), TRUE)');
    expect(compile({ operator: 'gt', field: 'valueUsd', value: -1 }).sql).toMatch(/, TRUE\)$/);
    expect(compile({ operator: 'gte', field: 'valueUsd', value: 0 }).sql).toMatch(/, FALSE\)$/);
    expect(() => compile({ operator: 'lt', field: 'releasableTo', value: 'K' })).toThrow(/on array/);
  });

  it('NOT wraps a null-safe leaf: an inverted rule keeps the rows whose column is null', () => {
    const { sql } = conditionOf([{ action: 'read' }, { action: 'read', inverted: true, conditions: { operationId: '22222222-2222-4222-8222-222222222222' } }]);
    expect(sql).toBe('NOT ("s"."operation_id" IS NOT DISTINCT FROM CAST(:acl_0 AS uuid))');
  });

  it('numbers placeholders uniquely across the whole tree', () => {
    const { sql, params } = conditionOf([
      { action: 'read', conditions: { tlp: 'GREEN', ownerCommunities: { $in: '{{communities}}' } } },
      { action: 'read', conditions: { tlp: 'RED', createdBy: '{{userId}}' } },
    ]);
    expect(Object.keys(params).sort()).toEqual(['acl_0', 'acl_1', 'acl_2', 'acl_3']);
    expect(sql.match(/:acl_\d/g)).toHaveLength(4);
    expect(params).toEqual(expect.objectContaining({ acl_0: 'RED', acl_1: principal.userId }));
  });
});
