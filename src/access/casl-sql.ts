import { rulesToAST } from '@casl/ability/extra';
import type { DataSource, EntityMetadata, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { NamedParameters, type SqlParameters } from './sql-parameters.js';
import type { AppAbility } from './ability.factory.js';
import type { Action, SubjectName } from './policy-document.js';
import { ruleGroupsOf } from './rule-groups.js';

interface FieldNode {
  operator: string;
  field: string;
  value: unknown;
}
interface CompoundNode {
  operator: 'and' | 'or' | 'not';
  value: Node[];
}
type Node = FieldNode | CompoundNode;
/** A CASL condition tree as rulesToAST and `rule.ast` give it. */
export type ConditionNode = Node;

export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/** The JavaScript type a loaded column value has: what a policy value must be to compare with it. */
const JS_TYPE: Record<string, string> = {
  'character varying': 'string', character: 'string', text: 'string', uuid: 'string',
  smallint: 'number', integer: 'number', real: 'number', 'double precision': 'number', boolean: 'boolean',
};

function isCompound(node: Node): node is CompoundNode {
  return node.operator === 'and' || node.operator === 'or' || node.operator === 'not';
}

/**
 * Compiles a CASL condition tree to a SQL boolean over `alias`. Every leaf is null-safe (never
 * NULL), so NOT means what CASL means by it. Array columns follow CASL's "any element" semantics:
 * equality becomes `@>`, `$in` becomes `&&` (both served by GIN indexes). Anything it does not know
 * (a field that is not a column, an operator such as $regex) throws: access fails closed.
 */
export class CaslSqlCompiler {
  constructor(
    private readonly metadata: EntityMetadata,
    private readonly dataSource: DataSource,
    private readonly alias: string,
    private readonly prefix = 'acl',
  ) {}

  /** The condition with named parameters (`:acl_0`, …), for a TypeORM query builder. */
  compile(node: Node): SqlCondition {
    const params = new NamedParameters(this.prefix);
    return { sql: this.visit(node, params), params: params.values };
  }

  /** The condition with its values added to `params`, whichever placeholders they hand out. */
  compileInto(node: Node, params: SqlParameters): string {
    return this.visit(node, params);
  }

  private visit(node: Node, params: SqlParameters): string {
    if (isCompound(node)) {
      const parts = node.value.map((child) => this.visit(child, params));
      if (node.operator === 'not') return `NOT (${parts.join(' AND ')})`;
      if (parts.length === 0) return node.operator === 'and' ? 'TRUE' : 'FALSE';
      return `(${parts.join(node.operator === 'and' ? ' AND ' : ' OR ')})`;
    }
    return this.leaf(node, params);
  }

  private leaf(node: FieldNode, params: SqlParameters): string {
    const column = this.metadata.findColumnWithPropertyPath(node.field);
    if (!column) throw new Error(`Access policy names "${node.field}", which is not a column of ${this.metadata.name}`);
    const ref = `"${this.alias}"."${column.databaseName}"`;
    // Cast to the column's type, except char(n): a bare `character` is char(1) and would truncate.
    const normalized = this.dataSource.driver.normalizeType(column);
    const sqlType = normalized === 'character' ? 'text' : normalized;
    const param = (value: unknown) => params.add(value);
    // CASL compares with ===: a value of another JS type (an array, null in a list, "3" for 3) never
    // matches in memory, so it may not match through a SQL cast either.
    const literal = (value: unknown): string => {
      if (typeof value !== JS_TYPE[normalized]) {
        throw new Error(`Access policy: ${node.operator} on "${node.field}" (${normalized}) cannot compare with ${JSON.stringify(value)}`);
      }
      return String(value);
    };
    const list = (value: unknown) => {
      if (!Array.isArray(value)) throw new Error(`Access policy: ${node.operator} on "${node.field}" needs a list`);
      return `CAST(${param(value.map(literal))} AS ${sqlType}[])`;
    };
    const scalar = (value: unknown) => `CAST(${param(literal(value))} AS ${sqlType})`;

    switch (node.operator) {
      case 'eq':
      case 'ne': {
        let sql: string;
        if (node.value === null || node.value === undefined) sql = `${ref} IS NULL`;
        else if (column.isArray) sql = `COALESCE(${ref} @> ARRAY[${scalar(node.value)}], FALSE)`;
        else if (column.isNullable) sql = `${ref} IS NOT DISTINCT FROM ${scalar(node.value)}`;
        else sql = `${ref} = ${scalar(node.value)}`;
        return node.operator === 'eq' ? sql : `NOT (${sql})`;
      }
      case 'in':
      case 'nin': {
        const sql = column.isArray ? `COALESCE(${ref} && ${list(node.value)}, FALSE)` : `COALESCE(${ref} = ANY(${list(node.value)}), FALSE)`;
        return node.operator === 'in' ? sql : `NOT (${sql})`;
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        if (column.isArray) throw new Error(`Access policy: ${node.operator} on array "${node.field}"`);
        const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[node.operator];
        const collate = JS_TYPE[normalized] === 'string' && normalized !== 'uuid' ? ' COLLATE "C"' : ''; // JS string order
        // On a null column CASL compares null with the value as JavaScript does (null < 5, null < "K").
        const nullOrder = 0 > Number(node.value) ? 1 : -1;
        const whenNull = { lt: nullOrder < 0, lte: nullOrder < 0, gt: nullOrder > 0, gte: nullOrder > 0 }[node.operator];
        return `COALESCE(${ref} ${op} ${scalar(node.value)}${collate}, ${whenNull ? 'TRUE' : 'FALSE'})`;
      }
      // CASL's $exists asks whether the record has the property, not whether it is null: every
      // column is a property of a loaded record, so use `null` / `{ $ne: null }` instead.
      default:
        throw new Error(`Access policy operator "${node.operator}" on "${node.field}" cannot be compiled to SQL`);
    }
  }
}

/** The entity and alias a condition is written over. */
export interface SqlTarget {
  metadata: EntityMetadata;
  dataSource: DataSource;
  alias: string;
}

/** The SQL form of "what may this caller `action`", with named parameters `:<prefix>_n`: FALSE when nothing is granted. */
export function accessCondition(ability: AppAbility, action: Action, subject: SubjectName, target: SqlTarget, prefix = 'acl'): SqlCondition {
  const params = new NamedParameters(prefix);
  return { sql: accessConditionInto(ability, action, subject, target, params), params: params.values };
}

/** accessCondition's SQL with its values added to `params` (for statements not built by TypeORM). */
export function accessConditionInto(ability: AppAbility, action: Action, subject: SubjectName, target: SqlTarget, params: SqlParameters): string {
  const ast = rulesToAST(ability, action, subject) as Node | null;
  if (!ast) return 'FALSE';
  return new CaslSqlCompiler(target.metadata, target.dataSource, target.alias).compileInto(ast, params);
}

/**
 * Which of the caller's `action` rule groups on `subject` a row matches, as a SQL text expression:
 * one '1' or '0' per group of `ruleGroupsOf(ability, action, subject)` (rules that decide fields
 * alike), in that order. It is what AccessService.permittedFields works out in memory with CASL,
 * computed by PostgreSQL from the same compiled conditions as the WHERE (AccessService.fieldsForMatches
 * takes it from there). A group with a rule without conditions matches every row.
 */
export function ruleGroupMatchesInto(ability: AppAbility, action: Action, subject: SubjectName, target: SqlTarget, params: SqlParameters): string {
  const groups = ruleGroupsOf(ability, action, subject);
  if (groups.length === 0) return "''";
  const compiler = new CaslSqlCompiler(target.metadata, target.dataSource, target.alias);
  return groups
    .map((group) => {
      // Checked before any condition is compiled: a compiled one would leave its parameters unused.
      if (group.rules.some((rule) => !rule.conditions)) return `'1'`;
      const conditions = group.rules.map((rule) => {
        const ast = rule.ast as Node | undefined;
        if (!ast) throw new Error(`Access policy: a ${action} rule on ${subject} has conditions CASL did not parse`);
        return compiler.compileInto(ast, params);
      });
      return `(CASE WHEN ${conditions.length === 1 ? conditions[0] : conditions.map((sql) => `(${sql})`).join(' OR ')} THEN '1' ELSE '0' END)`;
    })
    .join(' || ');
}

/** Narrows a query to the rows the caller may `action`; every list, count and statistic goes through it. */
export function whereAllowed<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, ability: AppAbility, action: Action, subject: SubjectName): SelectQueryBuilder<T> {
  const condition = accessCondition(ability, action, subject, {
    metadata: query.expressionMap.mainAlias!.metadata,
    dataSource: query.connection,
    alias: query.alias,
  });
  return query.andWhere(condition.sql, condition.params);
}

/**
 * Whether the caller may `action` the field `field` of a row, as a SQL boolean: what
 * AccessService.fieldsForMatches decides in memory, written out with the same compiled
 * conditions. The highest-priority matching rule that names the field (or names no fields)
 * decides: an inverted one withholds it, any other grants it; no such rule withholds it.
 */
export function fieldPermittedInto(
  ability: AppAbility,
  action: Action,
  subject: SubjectName,
  field: string,
  target: SqlTarget,
  params: SqlParameters,
  /** Rewrites each rule's conditions first (e.g. simplified for rows known to have some value). */
  rewrite: (conditions: ConditionNode) => ConditionNode = (conditions) => conditions,
): string {
  const compiler = new CaslSqlCompiler(target.metadata, target.dataSource, target.alias);
  const branches: string[] = [];
  for (const rule of ability.possibleRulesFor(action, subject)) {
    if (rule.fields && !rule.fields.includes(field)) continue;
    const ast = rule.conditions ? (rule.ast as Node | undefined) : undefined;
    if (rule.conditions && !ast) throw new Error(`Access policy: a ${action} rule on ${subject} has conditions CASL did not parse`);
    const verdict = rule.inverted ? 'FALSE' : 'TRUE';
    if (!ast) {
      branches.push(`ELSE ${verdict}`);
      break; // matches every row: rules of lower priority never decide
    }
    branches.push(`WHEN ${compiler.compileInto(rewrite(ast), params)} THEN ${verdict}`);
  }
  if (!branches.length || branches[0].startsWith('ELSE')) return branches.length ? branches[0].slice(5) : 'FALSE';
  return `(CASE ${branches.join(' ')}${branches.at(-1)!.startsWith('ELSE') ? '' : ' ELSE FALSE'} END)`;
}
