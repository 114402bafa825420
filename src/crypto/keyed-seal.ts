import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/*
 * Sealing under a key derived from a random secret that someone else holds (a browser's cookie, a
 * sign-in's state): the database keeps a hash of the secret to find the row by and what is sealed
 * under the key, never the secret, so a copy of the database opens nothing.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A hash to find the secret's row by, and a 256-bit key for `purpose` derived from the secret (HKDF-SHA256). */
export function secretRowKeys(secret: string, purpose: string): { rowKey: string; sealKey: Buffer } {
  const bytes = Buffer.from(secret, 'utf8');
  return {
    rowKey: createHash('sha256').update(bytes).digest('base64url'),
    sealKey: Buffer.from(hkdfSync('sha256', bytes, Buffer.alloc(0), `windward ${purpose}`, 32)),
  };
}

/** AES-256-GCM: iv (12) + ciphertext + tag (16), bound to `context` (what else the row says). */
export function sealUnderKey(key: Buffer, context: string, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context, 'utf8'));
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext, or null when the key or the context does not match or a byte changed (never an exception). */
export function openUnderKey(key: Buffer, context: string, sealed: Buffer): string | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES)).setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
