import { SecretBox, SecretBoxError } from './secret-box.js';

describe('SecretBox', () => {
  const box = SecretBox.fromPassphrase('a platform key passphrase', 'webhook-secret');

  it('seals so that the plaintext is not in the stored value, and opens it again', () => {
    const secret = 'p2m8T0wQdU3_ZcJb1vVf7r4kHnX9aLsYq6oE5iGtR0A';
    const sealed = box.seal(secret);
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain(secret);
    expect(sealed.length).toBeLessThanOrEqual(128); // the webhook_secret column
    expect(box.open(sealed)).toBe(secret);
    expect(box.seal(secret)).not.toBe(sealed); // a fresh IV each time
  });

  it('refuses a value altered anywhere, sealed under another passphrase, or for another purpose', () => {
    const sealed = box.seal('secret');
    const body = Buffer.from(sealed.slice(4), 'base64url');
    for (let i = 0; i < body.length; i += 1) {
      const altered = Buffer.from(body);
      altered[i] ^= 1;
      expect(() => box.open(`sb1:${altered.toString('base64url')}`)).toThrow(SecretBoxError);
    }
    expect(() => SecretBox.fromPassphrase('another passphrase', 'webhook-secret').open(sealed)).toThrow(/altered, or sealed under another/);
    expect(() => SecretBox.fromPassphrase('a platform key passphrase', 'other-purpose').open(sealed)).toThrow(SecretBoxError);
    expect(() => box.open('plaintext')).toThrow('Not a sealed value');
    expect(() => box.open('sb1:AAAA')).toThrow('too short');
  });
});
