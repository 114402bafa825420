import { checkedSequence, decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

describe('keyset cursors', () => {
  it('round-trips what it encodes', () => {
    const at = new Date('2026-10-01T08:30:00.123Z');
    expect(decodeKeysetCursor(encodeKeysetCursor({ at, id: ID }))).toEqual({ at, id: ID });
  });

  it.each([
    ['wrong element types', b64([12345, ID])],
    ['a malformed uuid', b64(['2026-01-01T00:00:00.000Z', '------------------------------------'])],
    ['a date beyond JavaScript range', b64(['+275760-09-13T00:00:00.001Z', ID])],
    ['an impossible date', b64(['2026-13-01T00:00:00.000Z', ID])],
    ['a date in another spelling', b64(['2026-01-01', ID])],
    ['extra elements', b64(['2026-01-01T00:00:00.000Z', ID, 1])],
    ['not JSON', 'bm90IGpzb24'],
  ])('refuses %s as BAD_USER_INPUT on after', (_what, cursor) => {
    expect(() => decodeKeysetCursor(cursor)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { fields: ['after'] } }));
  });

  it('keeps sequences within bigint', () => {
    expect(checkedSequence('9223372036854775807')).toBe('9223372036854775807');
    expect(() => checkedSequence('9223372036854775808')).toThrow(/cursor/);
    expect(() => checkedSequence('01')).toThrow(/cursor/);
  });
});
