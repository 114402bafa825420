import fc from 'fast-check';
import { GraphQLInputObjectType, GraphQLID, GraphQLList, GraphQLNonNull, GraphQLString } from 'graphql';
import { InputRefusal, checkInputValue, textProblem } from './input-guard.js';
import { parseCalendarDateTime } from './calendar-date-time.scalar.js';

const CONTROL = [...Array.from({ length: 32 }, (_, i) => i).filter((c) => c !== 9 && c !== 10 && c !== 13), ...Array.from({ length: 33 }, (_, i) => 0x7f + i)].map((c) => String.fromCharCode(c));

describe('textProblem', () => {
  it('accepts text without control characters, tab, line feed and carriage return included', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !CONTROL.some((c) => s.includes(c))), (text) => textProblem(text) === null));
    expect(textProblem('line one\r\nline two\ttab')).toBeNull();
  });

  it('refuses any string holding a control character, wherever it is', () => {
    fc.assert(fc.property(fc.string(), fc.constantFrom(...CONTROL), fc.nat(), (text, control, at) => {
      const position = at % (text.length + 1);
      return textProblem(text.slice(0, position) + control + text.slice(position)) !== null;
    }));
  });

  it('refuses lone surrogates', () => {
    expect(textProblem('a\ud800b')).not.toBeNull();
    expect(textProblem('\udc00')).not.toBeNull();
    expect(textProblem('🚢')).toBeNull();
  });
});

describe('checkInputValue', () => {
  const Filter = new GraphQLInputObjectType({
    name: 'SeizureFilter',
    fields: { text: { type: GraphQLString }, operationId: { type: GraphQLID }, reportingAgencies: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)) } },
  });
  const refusalOf = (value: unknown): InputRefusal | null => {
    try {
      checkInputValue(Filter, value, 'filter', 'Query.seizures.filter');
      return null;
    } catch (error) {
      return error as InputRefusal;
    }
  };

  it('names the path of the refused value', () => {
    expect(refusalOf({ text: 'a\u0000' })?.path).toBe('filter.text');
    expect(refusalOf({ operationId: '------------------------------------' })?.path).toBe('filter.operationId');
    expect(refusalOf({ reportingAgencies: ['JM', 'not a code'] })?.path).toBe('filter.reportingAgencies.1');
    expect(refusalOf({ text: 'cocaine', operationId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', reportingAgencies: ['JM', 'RILO-AP'] })).toBeNull();
  });
});

describe('parseCalendarDateTime', () => {
  it.each(['2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z', '0000-01-01T00:00:00Z', '+275761-01-01T00:00:00Z', '2026-01-01', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00+24:00', '9999-12-31T23:00:00-23:59', '0001-01-01T00:00:00+00:01'])('refuses %s', (value) => {
    expect(() => parseCalendarDateTime(value)).toThrow(/DateTime/);
  });

  it('takes real dates, offsets and fractions', () => {
    expect(parseCalendarDateTime('2024-02-29T23:30:00.5+01:00').toISOString()).toBe('2024-02-29T22:30:00.500Z');
    expect(parseCalendarDateTime('9999-12-31T23:59:59Z').getUTCFullYear()).toBe(9999);
  });
});
