import { randomBytes } from 'node:crypto';
import { sealUnderKey } from '../crypto/keyed-seal.js';
import { openFeedCursorOrThrow, sealFeedCursor } from './feed-cursor.js';

describe('change-feed cursors', () => {
  const key = randomBytes(32);
  const reader = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error as { code: string; message: string; details: { fields: string[] } };
    }
    throw new Error('not refused');
  };

  it('open to the position they were sealed at, for their reader only, and differ each time', () => {
    const [one, two] = [sealFeedCursor(key, reader, '123456'), sealFeedCursor(key, reader, '123456')];
    expect(one).not.toBe(two);
    expect(one).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(openFeedCursorOrThrow(key, reader, one)).toBe('123456');
    expect(openFeedCursorOrThrow(key, reader, two)).toBe('123456');
    expect(refusal(() => openFeedCursorOrThrow(key, '00000000-0000-4000-8000-000000000000', one))).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: ['after'] } });
    expect(refusal(() => openFeedCursorOrThrow(randomBytes(32), reader, one)).code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['a changed byte', () => { const b = Buffer.from(sealFeedCursor(key, reader, '7'), 'base64url'); b[13] ^= 1; return b.toString('base64url'); }],
    ['the old readable form', () => Buffer.from('seq:42').toString('base64url')],
    ['too short to hold a seal', () => 'AAAA'],
    ['not base64url', () => 'seq 42!'],
    ['far too long', () => 'A'.repeat(201)],
    ['a sealed position beyond bigint', () => Buffer.from(sealUnderKey(key, `windward change feed cursor\0${reader}`, 'ffffffffffffffff')).toString('base64url')],
    ['a sealed position in another form', () => Buffer.from(sealUnderKey(key, `windward change feed cursor\0${reader}`, '42')).toString('base64url')],
  ])('are refused with BAD_USER_INPUT naming after: %s', (_what, cursor) => {
    const refused = refusal(() => openFeedCursorOrThrow(key, reader, cursor()));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: ['after'] } });
    expect(refused.message).toMatch(/^after: /);
  });

  it('are as long for the first position as for the largest: their length says nothing of the log', () => {
    const lengths = new Set(['0', '1', '99', '123456789', '9223372036854775807'].map((seq) => sealFeedCursor(key, reader, seq).length));
    expect([...lengths]).toHaveLength(1);
    expect(openFeedCursorOrThrow(key, reader, sealFeedCursor(key, reader, '9223372036854775807'))).toBe('9223372036854775807');
    expect(openFeedCursorOrThrow(key, reader, sealFeedCursor(key, reader, '0'))).toBe('0');
  });

  it('tell the holder of an old cursor what to do', () => {
    expect(refusal(() => openFeedCursorOrThrow(key, reader, Buffer.from('seq:42').toString('base64url'))).message).toMatch(/page again from the start \(after: null\)/);
  });
});
