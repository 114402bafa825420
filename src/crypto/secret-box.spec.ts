import { SecretBox, SecretBoxError } from './secret-box.js';

describe('SecretBox', () => {
  const box = SecretBox.fromPassphrase('a platform key passphrase', 'webhook-secret');
  const record = '3f7c1e9a-0000-4000-8000-000000000001';

  it('seals so that the plaintext is not in the stored value, and opens it again', async () => {
    const secret = 'p2m8T0wQdU3_ZcJb1vVf7r4kHnX9aLsYq6oE5iGtR0A';
    const sealed = await box.seal(secret, record);
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain(secret);
    expect(sealed.length).toBeLessThanOrEqual(128); // the webhook_secret column
    await expect(box.open(sealed, record)).resolves.toBe(secret);
    expect(await box.seal(secret, record)).not.toBe(sealed); // a fresh IV each time
    // Another process (another salt) with the same passphrase opens it.
    await expect(SecretBox.fromPassphrase('a platform key passphrase', 'webhook-secret').open(sealed, record)).resolves.toBe(secret);
  });

  it('refuses a value altered anywhere, moved to another record, or sealed under another passphrase or purpose', async () => {
    const sealed = await box.seal('secret', record);
    const body = Buffer.from(sealed.slice(4), 'base64url');
    for (let i = 0; i < body.length; i += 1) {
      const altered = Buffer.from(body);
      altered[i] ^= 1;
      await expect(box.open(`sb1:${altered.toString('base64url')}`, record)).rejects.toThrow(SecretBoxError);
    }
    await expect(box.open(sealed, '3f7c1e9a-0000-4000-8000-000000000002')).rejects.toThrow(/altered or moved/);
    await expect(SecretBox.fromPassphrase('another passphrase', 'webhook-secret').open(sealed, record)).rejects.toThrow(/another platform key passphrase/);
    await expect(SecretBox.fromPassphrase('a platform key passphrase', 'other-purpose').open(sealed, record)).rejects.toThrow(SecretBoxError);
    await expect(box.open('plaintext', record)).rejects.toThrow('Not a sealed value');
    await expect(box.open('sb1:AAAA', record)).rejects.toThrow('too short');
  }, 30_000);
});
