import {
  GraphQLError, GraphQLID, GraphQLString, defaultFieldResolver, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType, isUnionType,
  type GraphQLArgument, type GraphQLFieldResolver, type GraphQLInputType, type GraphQLSchema,
} from 'graphql';
import { isUuid } from '../database/uuid.js';

/**
 * Validation at the edge, in one place for the whole schema. Every argument value, once GraphQL
 * has coerced it to its declared type, is checked by that type before any resolver sees it:
 * - `ID`: a UUID (every row id is one), so a malformed id never reaches PostgreSQL;
 * - `String`: text without NUL or other control characters (tab, line feed and carriage return
 *   are text); PostgreSQL refuses NUL in text and the rest has no business in a report;
 * - the strings that are agency or country codes (listed below by schema coordinate): that code's shape;
 * - `_Any` (federation entity representations): an object naming one of the schema's entity types
 *   in `__typename`, its strings text.
 * `DateTime` is checked by its own scalar (calendar-date-time.scalar.ts). A refusal is
 * BAD_USER_INPUT whose message and `fields` name the argument path.
 */

type Rule = 'agencyCode' | 'countryCode';

/** Schema coordinates (Type.field or Type.field.argument) whose strings are codes. */
const CODE_RULES: Record<string, Rule> = {
  'Query.agency.code': 'agencyCode',
  'Seizure.sealedFor.agency': 'agencyCode',
  'Mutation.releaseSeizure.agencies': 'agencyCode',
  'Mutation.addOperationParticipants.agencies': 'agencyCode',
  'OperationInput.participants': 'agencyCode',
  'SeizureInput.releasableTo': 'agencyCode',
  'SeizureUpdateInput.releasableTo': 'agencyCode',
  'SeizureFilter.reportingAgencies': 'agencyCode',
  'SeizureFilter.countries': 'countryCode',
  'SeizureFilter.routeCountry': 'countryCode',
};

export const AGENCY_CODE = /^[A-Za-z][A-Za-z0-9-]{1,15}$/;
const COUNTRY_CODE = /^[A-Za-z]{2}$/;
// C0 controls but tab, line feed and carriage return; DEL; C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Federation representations nest only a little; deeper is an attack, not an entity key. */
const MAX_ANY_DEPTH = 8;

export class InputRefusal extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
  }
}

/** Why a text value is refused, or null: the check of every `String` value that enters. */
export function textProblem(value: string): string | null {
  if (CONTROL.test(value)) return 'must not contain NUL or other control characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode text';
  return null;
}

/** textProblem for a text of 1 to `max` characters (a name, a label), as services check it. */
export function boundedTextProblem(value: string, max: number): string | null {
  if (value.length < 1 || value.length > max) return `must have 1 to ${max} characters`;
  return textProblem(value);
}

function checkString(value: string, path: string, rule: Rule | undefined): void {
  const problem = textProblem(value);
  if (problem) throw new InputRefusal(path, problem);
  if (rule === 'agencyCode' && !AGENCY_CODE.test(value)) throw new InputRefusal(path, 'is not an agency code (such as JM, JIO or RILO-AP)');
  if (rule === 'countryCode' && !COUNTRY_CODE.test(value)) throw new InputRefusal(path, 'is not an ISO 3166-1 alpha-2 country code');
}

function checkAny(value: unknown, path: string, depth: number): void {
  if (depth > MAX_ANY_DEPTH) throw new InputRefusal(path, 'is nested too deeply');
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) throw new InputRefusal(path, problem);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkAny(item, `${path}.${i}`, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    // A key that matches nothing (a malformed id) is that entity's null, as the gateway expects,
    // not a refusal of the whole batch: the entity resolvers check ids before any SQL.
    for (const [key, item] of Object.entries(value)) checkAny(item, `${path}.${key}`, depth + 1);
  }
}

/**
 * Checks one coerced value against its declared input type; throws InputRefusal naming the path.
 * `entityTypes`: the types an entity representation may name (the schema's `_Entity` union).
 */
export function checkInputValue(type: GraphQLInputType, value: unknown, path: string, coordinate: string, entityTypes?: ReadonlySet<string>): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkInputValue(type.ofType, value, path, coordinate, entityTypes);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkInputValue(type.ofType, value, path, coordinate, entityTypes);
    value.forEach((item, i) => checkInputValue(type.ofType, item, `${path}.${i}`, coordinate, entityTypes));
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, field] of Object.entries(fields)) {
      if (name in (value as object)) checkInputValue(field.type, (value as Record<string, unknown>)[name], `${path}.${name}`, `${type.name}.${name}`, entityTypes);
    }
    return;
  }
  if (!isScalarType(type)) return; // enums are checked by GraphQL itself
  if (type.name === GraphQLID.name) {
    if (!isUuid(value)) throw new InputRefusal(path, 'is not a UUID');
  } else if (type.name === GraphQLString.name) {
    if (typeof value === 'string') checkString(value, path, CODE_RULES[coordinate]);
  } else if (type.name === '_Any') {
    // An entity representation is an object naming its type; anything else makes the federation
    // library fail before any resolver could refuse it.
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { __typename?: unknown }).__typename !== 'string') {
      throw new InputRefusal(path, 'is not an entity representation (an object with __typename)');
    }
    const typename = (value as { __typename: string }).__typename;
    if (entityTypes && !entityTypes.has(typename)) {
      const named = textProblem(typename) ? 'an unknown type' : JSON.stringify(typename.slice(0, 64));
      throw new InputRefusal(`${path}.__typename`, `names ${named}, not an entity type (${[...entityTypes].sort().join(', ')})`);
    }
    checkAny(value, path, 0);
  }
}

/** Checks a field's arguments; `where` is the field's schema coordinate (Type.field). */
export function checkArguments(definitions: readonly GraphQLArgument[], args: Record<string, unknown>, where: string, entityTypes?: ReadonlySet<string>): void {
  for (const argument of definitions) {
    if (argument.name in args) checkInputValue(argument.type, args[argument.name], argument.name, `${where}.${argument.name}`, entityTypes);
  }
}

function refusalError(refusal: InputRefusal): GraphQLError {
  return new GraphQLError(refusal.message, { extensions: { code: 'BAD_USER_INPUT', fields: [refusal.path] } });
}

function guarded<T extends GraphQLFieldResolver<unknown, unknown>>(resolver: T, definitions: readonly GraphQLArgument[], where: string, entityTypes: ReadonlySet<string>): T {
  return function guardedResolver(this: unknown, source, args, context, info) {
    try {
      checkArguments(definitions, args, where, entityTypes);
    } catch (error) {
      if (error instanceof InputRefusal) throw refusalError(error);
      throw error;
    }
    return resolver.call(this, source, args, context, info);
  } as T;
}

/**
 * Puts the argument check in front of every resolver (and subscription source) of the schema that
 * takes arguments, so that HTTP, WebSocket and federation requests all pass through it and a field
 * added later is covered without anyone remembering to.
 */
export function guardSchemaInputs(schema: GraphQLSchema): GraphQLSchema {
  // A representation naming another type fails inside the federation library, as an internal error.
  const entityUnion = schema.getType('_Entity');
  const entityTypes: ReadonlySet<string> = new Set(isUnionType(entityUnion) ? entityUnion.getTypes().map((t) => t.name) : []);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0 || (field as { guarded?: boolean }).guarded) continue;
      const where = `${type.name}.${field.name}`;
      field.resolve = guarded(field.resolve ?? defaultFieldResolver, field.args, where, entityTypes);
      if (field.subscribe) field.subscribe = guarded(field.subscribe, field.args, where, entityTypes);
      (field as { guarded?: boolean }).guarded = true;
    }
  }
  return schema;
}
