import { randomBytes } from 'node:crypto';
import { openUnderKey, sealUnderKey, secretRowKeys } from './keyed-seal.js';

describe('keyed seal', () => {
  it('derives the same row key and sealing key from the same secret, other keys for another secret or purpose', () => {
    const secret = randomBytes(32).toString('base64url');
    const keys = secretRowKeys(secret, 'a purpose');
    expect(secretRowKeys(secret, 'a purpose')).toEqual(keys);
    expect(keys.rowKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys.rowKey).not.toContain(secret);
    expect(secretRowKeys(secret, 'another purpose').sealKey.equals(keys.sealKey)).toBe(false);
    expect(secretRowKeys(secret, 'another purpose').rowKey).toBe(keys.rowKey); // the row is the secret's, whatever is sealed in it
    expect(secretRowKeys(randomBytes(32).toString('base64url'), 'a purpose').sealKey.equals(keys.sealKey)).toBe(false);
  });

  it('opens only under the same key and context, and never throws', () => {
    const { rowKey, sealKey } = secretRowKeys(randomBytes(32).toString('base64url'), 'a purpose');
    const sealed = sealUnderKey(sealKey, rowKey, 'the verifier');
    expect(sealUnderKey(sealKey, rowKey, 'the verifier').equals(sealed)).toBe(false); // a fresh IV each time
    expect(sealed.toString('latin1')).not.toContain('verifier');
    expect(openUnderKey(sealKey, rowKey, sealed)).toBe('the verifier');
    expect(openUnderKey(randomBytes(32), rowKey, sealed)).toBeNull();
    expect(openUnderKey(sealKey, `${rowKey}x`, sealed)).toBeNull();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] ^= 1;
    expect(openUnderKey(sealKey, rowKey, flipped)).toBeNull();
    expect(openUnderKey(sealKey, rowKey, Buffer.alloc(27))).toBeNull();
  });
});
