import { createCipheriv, createDecipheriv, randomBytes, scrypt, type BinaryLike, type ScryptOptions } from 'node:crypto';

/*
 * Secrets the platform must read back (a webhook's signing secret) kept encrypted at rest: a copy
 * of the database alone does not give them away. AES-256-GCM under a key derived with scrypt from
 * the platform key passphrase, which is never stored in the database.
 *
 * The passphrase also protects the platform's private key (OpenPGP S2K), so a sealed value must not
 * be a cheaper way to test guesses of it: scrypt at N=2^15, r=8 costs each guess 32 MiB and tens of
 * milliseconds, more than the S2K does. The salt is random per process and travels in the value;
 * a process derives the key of a salt once and keeps it, so sealing and opening cost a key
 * derivation only the first time a salt is met.
 *
 * The purpose and the record the secret belongs to are authenticated data: a value sealed for one
 * alert does not open as another's.
 */

/** What every sealed value starts with (a stored plaintext never does: base64url has no colon). */
export const SEALED_PREFIX = 'sb1:';
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KDF: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
/** Salts whose keys a process keeps: its own, and those of values sealed by other processes. */
const MAX_KEYS = 256;

/** A sealed value that does not open: altered, or sealed under another passphrase, purpose or record. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

function derive(passphrase: BinaryLike, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(passphrase, salt, 32, KDF, (error, key) => (error ? reject(error) : resolve(key))));
}

export class SecretBox {
  private readonly salt = randomBytes(SALT_BYTES);
  private readonly keys = new Map<string, Promise<Buffer>>();

  private constructor(
    private readonly passphrase: string,
    private readonly purpose: string,
  ) {}

  static fromPassphrase(passphrase: string, purpose: string): SecretBox {
    if (!passphrase) throw new SecretBoxError('A secret box needs a passphrase');
    return new SecretBox(passphrase, purpose);
  }

  /** Whether a stored value is sealed (rather than a plaintext written before sealing existed). */
  static isSealed(value: string): boolean {
    return value.startsWith(SEALED_PREFIX);
  }

  /** `sb1:` and base64url of salt, IV, tag and ciphertext: 80 characters more than the plaintext's base64url. */
  async seal(plaintext: string, record: string): Promise<string> {
    const key = await this.keyFor(this.salt);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(this.aad(record));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([this.salt, iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  async open(sealed: string, record: string): Promise<string> {
    if (!SecretBox.isSealed(sealed)) throw new SecretBoxError('Not a sealed value');
    const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    const head = SALT_BYTES + IV_BYTES + TAG_BYTES;
    if (bytes.length < head) throw new SecretBoxError('A sealed value too short to open');
    const key = await this.keyFor(bytes.subarray(0, SALT_BYTES));
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(SALT_BYTES, SALT_BYTES + IV_BYTES));
    decipher.setAAD(this.aad(record));
    decipher.setAuthTag(bytes.subarray(SALT_BYTES + IV_BYTES, head));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(head)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('The sealed value does not open: it was altered or moved, or sealed under another platform key passphrase');
    }
  }

  private aad(record: string): Buffer {
    return Buffer.from(`${this.purpose}\0${record}`, 'utf8');
  }

  private keyFor(salt: Buffer): Promise<Buffer> {
    const id = salt.toString('hex');
    let key = this.keys.get(id);
    if (!key) {
      if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
      key = derive(this.passphrase, Buffer.from(salt));
      key.catch(() => this.keys.delete(id));
      this.keys.set(id, key);
    }
    return key;
  }
}
