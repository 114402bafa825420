import { BadUserInputError } from '../errors/domain-error.js';
import { canonicalJson, parseCanonicalJsonObject } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys, drops whitespace and normalises numbers (RFC 8785)', () => {
    expect(canonicalJson({ b: [3, 1.5e1, { z: null, a: true }], a: 'é\n"', c: 1e21, d: -0 })).toBe(
      '{"a":"é\\n\\"","b":[3,15,{"a":true,"z":null}],"c":1e+21,"d":0}',
    );
  });

  it('leaves out undefined object properties, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it.each([
    ['undefined', undefined, 'value'],
    ['a function', { a: () => 1 }, 'a'],
    ['a symbol', { a: Symbol('x') }, 'a'],
    ['a bigint', { n: 10n }, 'n'],
    ['NaN', { x: [1, Number.NaN] }, 'x[1]'],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, 'x'],
    ['a Date', { at: new Date(0) }, 'at'],
    ['a Map', { m: new Map() }, 'm'],
    ['undefined in an array', { list: [1, undefined] }, 'list[1]'],
    ['a lone surrogate', { s: '\ud800' }, 'value'],
  ])('refuses %s with BAD_USER_INPUT naming the field', (_label, value, field) => {
    let caught: unknown;
    try {
      canonicalJson(value);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadUserInputError);
    expect((caught as BadUserInputError).details.fields).toEqual([field]);
  });

  it('refuses circular structures', () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(() => canonicalJson(value)).toThrow(BadUserInputError);
  });

  it('prefixes field paths with the given root', () => {
    expect(() => canonicalJson({ a: { b: Number.NaN } }, 'report')).toThrow(
      expect.objectContaining({ details: { fields: ['report.a.b'] } }),
    );
  });
});

describe('parseCanonicalJsonObject', () => {
  it('returns the object when the text is canonical', () => {
    expect(parseCanonicalJsonObject('{"a":1,"b":[true]}', 'f')).toEqual({ a: 1, b: [true] });
  });

  it.each([
    ['not JSON', '{a:1}'],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a string', '"x"'],
    ['unsorted keys', '{"b":1,"a":2}'],
    ['whitespace', '{"a": 1}'],
    ['a trailing newline', '{"a":1}\n'],
  ])('refuses %s', (_label, text) => {
    expect(() => parseCanonicalJsonObject(text, 'envelope')).toThrow(BadUserInputError);
  });
});
