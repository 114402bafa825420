import {
  getNamedType, isEnumType, isInputObjectType, isInterfaceType, isLeafType, isListType, isNonNullType, isObjectType, isScalarType, isUnionType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema,
} from 'graphql';

/*
 * Generates GraphQL operations from a schema, with random and hostile argument values. Driven by a
 * seeded generator, so a run is reproduced by its seed. Nothing here knows Windward's fields: a
 * field added to the schema is fuzzed without anyone writing a case for it.
 */

/** mulberry32: small, fast and good enough to pick cases; the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzOperation {
  kind: 'query' | 'mutation' | 'subscription';
  query: string;
  variables: Record<string, unknown>;
}

/** Values the server handed out (ids, cursors, codes): mixed in so that some operations get past the first check. */
export interface KnownValues {
  ids: string[];
  cursors: string[];
  codes: string[];
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

const CONTROL_CHARACTERS = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u001b', '\u007f', '\u0085', '\u009f'];

const HOSTILE_STRINGS = [
  '', ' ', 'JM', 'jm', 'JIO', 'RILO-AP', 'ZZ', 'X'.repeat(300), 'A'.repeat(20_000), "' OR 1=1 --", '"; DROP TABLE seizures; --', '%', '_', '\\',
  '$1', '{{agency}}', '${jndi:ldap://x}', '<script>alert(1)</script>', '../../etc/passwd', '\u202e\u0645\u0631\u062d\u0628\u0627', '🚢📦',
  '\ud800', 'a\udc00b', '\uffff', '\ufeff', 'null', 'undefined', '[]', '{}', '0', '-1', 'NaN', '2026-13-01T00:00:00Z', 'tab\tand\nnewline',
];

const HOSTILE_IDS = [
  '', 'not-a-uuid', '------------------------------------', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '1', "1' OR '1'='1", 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '3fa85f64-5717-4562-b3fc-2c963f66afa6\u0000', '3FA85F64-5717-4562-B3FC-2C963F66AFA6',
];

const HOSTILE_DATES = [
  '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-00-10T00:00:00Z', '0000-01-01T00:00:00Z', '+275761-01-01T00:00:00Z', '-271822-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z', '0001-01-01T00:00:00Z', '2026-01-01', 'yesterday', '', '2026-01-01T25:00:00Z', '2026-01-01T00:00:00+99:00',
  '2026-06-15T08:30:00Z', '1970-01-01T00:00:00Z', '8640000000000001',
];

const HOSTILE_CURSORS = [
  b64(JSON.stringify([12345, '3fa85f64-5717-4562-b3fc-2c963f66afa6'])), b64(JSON.stringify(['2026-01-01T00:00:00.000Z', 'not-a-uuid'])),
  b64(JSON.stringify(['+275760-09-13T00:00:00.001Z', '3fa85f64-5717-4562-b3fc-2c963f66afa6'])), b64(JSON.stringify(['2026-13-01', '3fa85f64-5717-4562-b3fc-2c963f66afa6'])),
  b64(JSON.stringify([null, null])), b64(JSON.stringify({ a: 1 })), b64(JSON.stringify(['2026-01-01T00:00:00.000Z', '------------------------------------'])),
  b64('seq:99999999999999999999'), b64('seq:9999999999999999999'), b64('seq:-1'), b64('seq:1\u0000'), b64('9999999999999999999'), b64('not json'),
  '!!!', '', 'a'.repeat(5000), b64(JSON.stringify(['2026-01-01T00:00:00.000Z', '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'extra'])),
];

const HOSTILE_INTS = [0, 1, -1, 20, 200, 201, 2_147_483_647, -2_147_483_648, 1_000_000];
/** Wrong-typed variable values: GraphQL must refuse them as bad input, never fail on them. */
const WRONG_TYPES: unknown[] = [true, 1e308, -0, 2 ** 53 + 1, 'string', { nested: { object: true } }, [1, [2, [3]]], null, 3.5];

/**
 * Arrays nested `depth` deep. Kept as a marker and written out by `requestBody`: building and
 * serialising the real structure recursively overflows the test's own stack.
 */
export class DeepNesting {
  constructor(readonly depth: number) {}
}

function deepNesting(depth: number): DeepNesting {
  return new DeepNesting(depth);
}

/** The JSON body of a request, with every DeepNesting written out as nested arrays. */
export function requestBody(operation: FuzzOperation): string {
  const deep: DeepNesting[] = [];
  const text = JSON.stringify({ query: operation.query, variables: operation.variables }, (_key, value: unknown) => {
    if (!(value instanceof DeepNesting)) return value;
    deep.push(value);
    return `\u0000deep${deep.length - 1}\u0000`;
  });
  return text.replace(/"\\u0000deep(\d+)\\u0000"/g, (_match, index: string) => {
    const depth = deep[Number(index)].depth;
    return `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
  });
}

function graphqlString(value: string): string {
  return JSON.stringify(value); // a JSON string is a valid GraphQL string literal
}

export class GraphqlFuzzer {
  private variableCounter = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly random: () => number,
    private readonly known: KnownValues,
  ) {}

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private hostileString(name: string): string {
    const lower = name.toLowerCase();
    if (lower === 'after' || lower.includes('cursor')) return this.chance(0.3) && this.known.cursors.length ? this.pick(this.known.cursors) : this.pick(HOSTILE_CURSORS);
    if (/agenc|code|countr|participants|releasable/.test(lower) && this.chance(0.5)) return this.pick(this.known.codes);
    if (this.chance(0.35)) {
      const base = this.pick(HOSTILE_STRINGS).slice(0, 50);
      const at = Math.floor(this.random() * (base.length + 1));
      return base.slice(0, at) + this.pick(CONTROL_CHARACTERS) + base.slice(at);
    }
    return this.pick(HOSTILE_STRINGS);
  }

  /** A JS value for an input type (what goes into the variables). */
  value(type: GraphQLInputType, name: string, depth = 0): unknown {
    if (this.chance(0.03)) return this.pick(WRONG_TYPES);
    if (this.chance(0.005)) return deepNesting(5000);
    if (isNonNullType(type)) return this.value(type.ofType, name, depth);
    if (this.chance(0.08)) return null;
    if (isListType(type)) {
      const length = this.chance(0.05) ? 300 : Math.floor(this.random() * 4);
      return Array.from({ length }, () => this.value(type.ofType, name, depth + 1));
    }
    if (isInputObjectType(type)) {
      if (depth > 4) return {};
      const result: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        if (isNonNullType(field.type) || this.chance(0.5)) result[field.name] = this.value(field.type, field.name, depth + 1);
      }
      if (this.chance(0.03)) result.__proto__unknownField = 'x';
      return result;
    }
    if (isEnumType(type)) return this.chance(0.9) ? this.pick(type.getValues()).value : this.pick(['NOT_A_VALUE', '', 'red']);
    if (isScalarType(type)) {
      switch (type.name) {
        case 'ID':
          return this.chance(0.4) && this.known.ids.length ? this.pick(this.known.ids) : this.pick(HOSTILE_IDS);
        case 'Int':
          return this.pick(HOSTILE_INTS);
        case 'Float':
          return this.pick([0, -1, 1.5, 1e308, -1e308, 5e-324, 90.0001, -180.5]);
        case 'Boolean':
          return this.chance(0.5);
        case 'DateTime':
          return this.pick(HOSTILE_DATES);
        case 'String':
          return this.hostileString(name);
        default:
          return this.chance(0.5) ? this.hostileString(name) : { __typename: 'Seizure', id: this.pick([...HOSTILE_IDS, ...this.known.ids]) };
      }
    }
    return null;
  }

  /** A GraphQL literal for a value of an input type; null when the value cannot be written inline. */
  private literal(type: GraphQLInputType, value: unknown): string | null {
    if (value === null || value === undefined) return 'null';
    const named = getNamedType(type);
    if (isEnumType(named) && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) {
      return isListType(isNonNullType(type) ? type.ofType : type) ? null : value;
    }
    if (Array.isArray(value)) {
      const inner = isNonNullType(type) ? type.ofType : type;
      if (!isListType(inner)) return null;
      const items = value.map((item) => this.literal(inner.ofType, item));
      return items.every((item) => item !== null) ? `[${items.join(', ')}]` : null;
    }
    if (typeof value === 'object') {
      const inner = isNonNullType(type) ? type.ofType : type;
      if (!isInputObjectType(inner)) return null;
      const fields = inner.getFields();
      const parts: string[] = [];
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[key];
        if (!field) return null;
        const text = this.literal(field.type, item);
        if (text === null) return null;
        parts.push(`${key}: ${text}`);
      }
      return `{${parts.join(', ')}}`;
    }
    if (typeof value === 'string') return graphqlString(value);
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
    if (typeof value === 'boolean') return String(value);
    return null;
  }

  private typeText(type: GraphQLInputType): string {
    return type.toString();
  }

  private argumentsText(args: readonly GraphQLArgument[], declarations: string[], variables: Record<string, unknown>): string {
    const parts: string[] = [];
    for (const argument of args) {
      if (!isNonNullType(argument.type) && this.chance(0.35)) continue;
      const value = this.value(argument.type, argument.name);
      const inline = this.chance(0.4) ? this.literal(argument.type, value) : null;
      if (inline !== null) {
        parts.push(`${argument.name}: ${inline}`);
      } else {
        const name = `v${(this.variableCounter += 1)}`;
        declarations.push(`$${name}: ${this.typeText(argument.type)}`);
        variables[name] = value;
        parts.push(`${argument.name}: $${name}`);
      }
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  }

  private selection(type: GraphQLOutputType, depth: number, declarations: string[], variables: Record<string, unknown>): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return '';
    if (isUnionType(named) || depth >= 3) return '{ __typename }';
    const fields: GraphQLField<unknown, unknown>[] = Object.values((named as GraphQLObjectType).getFields());
    const chosen = fields.filter(() => this.chance(0.35));
    if (chosen.length === 0) chosen.push(this.pick(fields));
    const parts = chosen.map((field) => {
      const alias = this.chance(0.05) ? `a${Math.floor(this.random() * 1000)}: ` : '';
      return `${alias}${field.name}${this.argumentsText(field.args, declarations, variables)} ${this.selection(field.type, depth + 1, declarations, variables)}`.trim();
    });
    if (isInterfaceType(named)) parts.push('__typename');
    return `{ ${parts.join(' ')} }`;
  }

  /** One operation on a random root field of `kind`. */
  operation(kind: FuzzOperation['kind']): FuzzOperation {
    const root = kind === 'query' ? this.schema.getQueryType() : kind === 'mutation' ? this.schema.getMutationType() : this.schema.getSubscriptionType();
    if (!root) throw new Error(`the schema has no ${kind} type`);
    // Federation's _entities and _service are root fields like any other.
    const field = this.pick(Object.values(root.getFields()));
    const declarations: string[] = [];
    const variables: Record<string, unknown> = {};
    const args = this.argumentsText(field.args, declarations, variables);
    const body = `${field.name}${args} ${this.selection(field.type, 1, declarations, variables)}`.trim();
    const header = declarations.length ? `${kind} Fuzz(${declarations.join(', ')})` : `${kind} Fuzz`;
    return { kind, query: `${header} { ${body} }`, variables };
  }

  /** Operations aimed at the limits: many aliases, many root fields, deep nesting, aliased introspection. */
  amplification(): FuzzOperation {
    const which = Math.floor(this.random() * 4);
    if (which === 0) return { kind: 'query', query: `{ ${Array.from({ length: 300 }, (_, i) => `i${i}: __schema { types { name fields { name } } }`).join(' ')} }`, variables: {} };
    if (which === 1) return { kind: 'query', query: `{ ${Array.from({ length: 300 }, (_, i) => `s${i}: seizure(id: ${graphqlString(this.pick(this.known.ids.length ? this.known.ids : HOSTILE_IDS))}) { id }`).join(' ')} }`, variables: {} };
    if (which === 2) return { kind: 'query', query: `{ ${'operations { edges { node { seizures { edges { node { operation '.repeat(6)}{ id }${' } } } } } } } }'.repeat(6)} }`, variables: {} };
    return { kind: 'query', query: 'query Deep($f: SeizureFilter) { seizures(filter: $f) { totalCount } }', variables: { f: { countries: deepNesting(5000) } } };
  }
}

/** Whether a root field exists in the schema (for the fuzz's own checks). */
export function hasRootField(schema: GraphQLSchema, kind: 'query' | 'mutation', name: string): boolean {
  const root = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  return Boolean(root && root.getFields()[name]);
}

export type { GraphQLObjectType };
export { isObjectType };
