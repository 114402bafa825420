import { BadUserInputError, DomainError, NotFoundError } from '../errors/domain-error.js';
import {
  DecryptionFailedError,
  KeyRevokedError,
  SignatureInvalidError,
  classifyOpenPgpError,
  type OpenPgpOperation,
} from './crypto.errors.js';

describe('classifyOpenPgpError', () => {
  it.each<[string, OpenPgpOperation, string, string]>([
    ['Error decrypting message: Modification detected.', 'decrypt', 'DECRYPTION_FAILED', 'TAMPERED'],
    ['Error decrypting message: unable to authenticate data', 'decrypt', 'DECRYPTION_FAILED', 'TAMPERED'],
    ['Error decrypting message: No decryption key packets found', 'decrypt', 'DECRYPTION_FAILED', 'NOT_FOR_THIS_KEY'],
    ['Error decrypting message: Key Data Integrity failed', 'decrypt', 'DECRYPTION_FAILED', 'NOT_FOR_THIS_KEY'],
    ['Error decrypting message: No encrypted data found', 'decrypt', 'DECRYPTION_FAILED', 'NOT_ENCRYPTED'],
    ['Error during parsing. This message / key probably does not conform', 'decrypt', 'DECRYPTION_FAILED', 'TAMPERED'],
    ['Error decrypting message: Message is not signed', 'decrypt', 'SIGNATURE_INVALID', 'UNSIGNED'],
    ['Could not find signing key with key ID 5273ae1ac45b0d79', 'verify', 'SIGNATURE_INVALID', 'UNKNOWN_SIGNER'],
    ['Signed digest did not match', 'verify', 'SIGNATURE_INVALID', 'BAD_SIGNATURE'],
    ['something new', 'verify', 'SIGNATURE_INVALID', 'BAD_SIGNATURE'],
    ['Error encrypting message: Primary key is revoked', 'encrypt', 'KEY_REVOKED', 'REVOKED'],
    ['Error signing message: Primary key is expired', 'sign', 'KEY_REVOKED', 'EXPIRED'],
    ['Could not find valid signing key packet in key 0011: Subkey is revoked', 'verify', 'KEY_REVOKED', 'REVOKED'],
    ['Misformed armored text', 'read-message', 'BAD_USER_INPUT', ''],
    ['Parsing SymEncryptedIntegrityProtectedDataPacket failed: Unexpected end of packet', 'read-message', 'BAD_USER_INPUT', ''],
    ['Armored text not of type key', 'read-key', 'BAD_USER_INPUT', ''],
    ['Error decrypting private key: Incorrect key passphrase', 'unlock-key', 'BAD_USER_INPUT', ''],
  ])('%s (%s) → %s', (message, operation, code, reason) => {
    const classified = classifyOpenPgpError(new Error(message), { operation });
    expect(classified).toBeInstanceOf(DomainError);
    expect((classified as DomainError).code).toBe(code);
    if (reason !== '') {
      expect(Object.values((classified as DomainError).details)).toContain(reason);
    }
    // Never the library's wording: it can quote key ids and packet contents.
    expect(classified.message).not.toContain(message);
  });

  it('returns domain errors unchanged', () => {
    const original = new NotFoundError('Key');
    expect(classifyOpenPgpError(original, { operation: 'decrypt' })).toBe(original);
  });

  it('keeps unknown failures of the platform’s own operations internal', () => {
    const original = new Error('out of memory');
    expect(classifyOpenPgpError(original, { operation: 'encrypt' })).toBe(original);
  });

  it('names the offending input field and key', () => {
    const bad = classifyOpenPgpError(new Error('Misformed armored text'), { operation: 'read-key', field: 'key' });
    expect(bad).toBeInstanceOf(BadUserInputError);
    expect((bad as BadUserInputError).details.fields).toEqual(['key']);
    const revoked = classifyOpenPgpError(new Error('Primary key is revoked'), { operation: 'verify', fingerprint: 'AB' });
    expect(revoked).toBeInstanceOf(KeyRevokedError);
    expect((revoked as KeyRevokedError).details).toEqual({ state: 'REVOKED', fingerprint: 'AB' });
  });

  it('exposes the codes of the error classes', () => {
    expect(new SignatureInvalidError().code).toBe('SIGNATURE_INVALID');
    expect(new DecryptionFailedError().code).toBe('DECRYPTION_FAILED');
    expect(new KeyRevokedError('x').code).toBe('KEY_REVOKED');
  });
});
