import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/*
 * Secrets the platform must read back (a webhook's signing secret) kept encrypted at rest: a copy
 * of the database alone does not give them away. AES-256-GCM under a key derived (HKDF-SHA256)
 * from the platform key passphrase, which is never stored in the database, and the purpose, so
 * that each kind of secret has a key of its own. The purpose is also authenticated data: a value
 * sealed for one purpose does not open as another.
 */

const PREFIX = 'sb1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that does not open: altered, or sealed under another passphrase or purpose. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export class SecretBox {
  private constructor(
    private readonly key: Buffer,
    private readonly purpose: string,
  ) {}

  static fromPassphrase(passphrase: string, purpose: string): SecretBox {
    if (!passphrase) throw new SecretBoxError('A secret box needs a passphrase');
    const key = Buffer.from(hkdfSync('sha256', passphrase, 'windward secret box', purpose, 32));
    return new SecretBox(key, purpose);
  }

  /** Whether a stored value is sealed (rather than a plaintext written before sealing existed). */
  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /** `sb1:` and base64url of IV, tag and ciphertext: fits where the plaintext's base64url did, plus 60 characters. */
  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(this.purpose, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  open(sealed: string): string {
    if (!SecretBox.isSealed(sealed)) throw new SecretBoxError('Not a sealed value');
    const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('A sealed value too short to open');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(this.purpose, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('The sealed value does not open: it was altered, or sealed under another platform key passphrase');
    }
  }
}
