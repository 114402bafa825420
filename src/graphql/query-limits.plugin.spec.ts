import { buildSchema, parse } from 'graphql';
import { MAX_MEASURED_FIELDS, MAX_REPRESENTATIONS, jsonDepth, operationBreadth, operationDepth, queryLimitError } from './query-limits.plugin.js';

const depth = (query: string, operationName?: string | null) => operationDepth(parse(query), operationName);

describe('operationDepth', () => {
  it('counts nested fields', () => {
    expect(depth('{ a }')).toBe(1);
    expect(depth('{ a { b } }')).toBe(2);
    expect(depth('{ a { b { c { d } } } e }')).toBe(4);
    expect(depth('{ x: a { y: b { z: c } } }')).toBe(3);
  });

  it('takes the deepest branch, not the sum of branches', () => {
    expect(depth('{ a { b } c { d { e } } f }')).toBe(3);
    expect(depth('{ a { b c d e f g } }')).toBe(2);
  });

  it('follows named fragments, including fragments inside fragments', () => {
    expect(depth('{ a { ...F } } fragment F on A { b { c } }')).toBe(3);
    expect(depth('{ ...Q } fragment Q on Query { a { ...F } } fragment F on A { b { ...G } } fragment G on B { c { d } }')).toBe(4);
  });

  it('follows inline fragments without counting them as a level', () => {
    expect(depth('{ a { ... on A { b { c } } } }')).toBe(3);
    expect(depth('{ a { ... @include(if: true) { b { ... on B { c } } } } }')).toBe(3);
  });

  it('does not loop on fragment cycles (validation rejects them later)', () => {
    expect(depth('{ a { ...F } } fragment F on A { b { ...G } } fragment G on B { c { ...F } }')).toBe(3);
    expect(depth('{ a { ...F } } fragment F on A { b { ...F } }')).toBe(2);
  });

  it('ignores unknown fragments (validation rejects them later)', () => {
    expect(depth('{ a { ...Missing } }')).toBe(1);
  });

  it('does not count introspection fields', () => {
    expect(depth('{ __schema { types { fields { type { ofType { name } } } } } }')).toBe(0);
    expect(depth('{ a { __typename b } }')).toBe(2);
  });

  it('measures only the named operation when one is given, else the deepest of all', () => {
    const document = 'query Shallow { a } query Deep { a { b { c } } }';
    expect(depth(document, 'Shallow')).toBe(1);
    expect(depth(document, 'Deep')).toBe(3);
    expect(depth(document)).toBe(3);
    expect(depth(document, null)).toBe(3);
  });

  it('measures mutations and subscriptions alike', () => {
    expect(depth('mutation { create(input: {a: {b: 1}}) { id owner { name } } }')).toBe(2 + 1);
    expect(depth('subscription { changes { seizure { id } } }')).toBe(3);
  });

  it('is not fooled by fragments that are defined but not used by the operation', () => {
    expect(depth('{ a } fragment Deep on A { b { c { d { e } } } }')).toBe(1);
  });
});

describe('operationBreadth', () => {
  it('counts aliases at every level and root fields through fragments', () => {
    expect(operationBreadth(parse('{ a b { c } }'))).toEqual({ aliases: 0, rootFields: 2 });
    expect(operationBreadth(parse('{ x: a y: a { z: c } }'))).toEqual({ aliases: 3, rootFields: 2 });
    expect(operationBreadth(parse('{ ...F a } fragment F on Query { b c ... on Query { d } }'))).toEqual({ aliases: 0, rootFields: 4 });
  });
});

describe('jsonDepth', () => {
  it('measures nesting without recursion, stopping early', () => {
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(jsonDepth(deep)).toBe(33);
  });
});

describe('queryLimitError on entity references', () => {
  const schema = buildSchema('scalar _Any type Thing { a: Int b: Int c: Int } type Query { _entities(representations: [_Any!]!): [Thing]! }');
  const limits = { maxDepth: 12, maxComplexity: 300, maxAliases: 30, maxRootFields: 20 };
  const check = (count: number) =>
    queryLimitError(schema, parse('query($r: [_Any!]!) { _entities(representations: $r) { a b c } }'), null, { r: Array.from({ length: count }, () => ({ id: 'x' })) }, limits);

  it('costs each representation like a row of a page: its fields times how many there are', () => {
    expect(check(99)).toBeNull(); // 1 + 3 x 99
    expect(check(100)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 300, actual: 301 });
  });

  it('refuses more representations than a page holds, however cheap each is', () => {
    const cheap = { ...limits, maxComplexity: 1_000_000 };
    const refs = (n: number) => queryLimitError(schema, parse('query($r: [_Any!]!) { _entities(representations: $r) { a } }'), null, { r: Array.from({ length: n }, () => ({})) }, cheap);
    expect(refs(MAX_REPRESENTATIONS)).toBeNull();
    expect(refs(MAX_REPRESENTATIONS + 1)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: MAX_REPRESENTATIONS, actual: MAX_REPRESENTATIONS + 1 });
  });
});

/** Fragments F0 … F`levels`, each spreading the next twice, the last `selection`: 2^levels copies of it, in a few lines. */
function spreadBomb(levels: number, type: string, selection: string): string {
  let fragments = '';
  for (let i = 0; i < levels; i += 1) fragments += `fragment F${i} on ${type} { ...F${i + 1} ...F${i + 1} }\n`;
  return `${fragments}fragment F${levels} on ${type} { ${selection} }`;
}

describe('fragments spread again and again', () => {
  it('are measured once each: a few lines spreading a field four million times are measured at once', () => {
    const document = parse(`{ ...F0 } ${spreadBomb(22, 'Query', 'a: b')}`);
    const started = performance.now();
    expect(operationDepth(document)).toBe(1);
    expect(operationBreadth(document)).toEqual({ aliases: 2 ** 22, rootFields: 2 ** 22 });
    expect(performance.now() - started).toBeLessThan(1000); // walked spread by spread: seconds, minutes past 25 levels
  });

  it('count as often as they are spread, as before', () => {
    expect(operationBreadth(parse('{ ...F ...F x { ...F } } fragment F on Query { a: b c }'))).toEqual({ aliases: 3, rootFields: 5 });
    expect(depth('{ ...F a { ...F } } fragment F on Query { b { c } }')).toBe(3);
  });

  it('past what the complexity is computed over, are refused: they would lift the complexity and representation limits', () => {
    const schema = buildSchema('scalar _Any type Thing { a: Int } type Query { _entities(representations: [_Any!]!): [Thing]! }');
    const limits = { maxDepth: 12, maxComplexity: 300, maxAliases: 30, maxRootFields: 20 };
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ...F0 } } ${spreadBomb(14, 'Thing', 'a')}`;
    const representations = Array.from({ length: 5000 }, () => ({ __typename: 'Thing', id: 'x' }));
    expect(queryLimitError(schema, parse(query), null, { r: representations }, limits)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: MAX_MEASURED_FIELDS });
    // Variables that do not coerce are still left to execution, which names them.
    expect(queryLimitError(schema, parse(query), null, { r: null }, limits)).toBeNull();
  });
});

describe('queryLimitError on first: null', () => {
  const schema = buildSchema('type Thing { a: Int b: Int } type Query { things(first: Int = 20): [Thing!]! }');
  const limits = { maxDepth: 12, maxComplexity: 30, maxAliases: 30, maxRootFields: 20 };

  it('costs an explicit null like the default page it stands for', () => {
    const cost = (query: string) => queryLimitError(schema, parse(query), null, {}, limits)?.extensions.actual;
    expect(cost('{ things { a b } }')).toBe(41);
    expect(cost('{ things(first: null) { a b } }')).toBe(41);
    expect(cost('{ things(first: 1) { a b } }')).toBeUndefined();
  });
});
