import { BadUserInputError, DomainError } from '../errors/domain-error.js';

export type SignatureFailureReason = 'UNSIGNED' | 'UNKNOWN_SIGNER' | 'BAD_SIGNATURE';
export type DecryptionFailureReason = 'TAMPERED' | 'NOT_FOR_THIS_KEY' | 'NOT_ENCRYPTED' | 'FAILED';
export type KeyState = 'REVOKED' | 'EXPIRED';

export class SignatureInvalidError extends DomainError {
  constructor(
    message = 'The signature is not valid',
    readonly reason: SignatureFailureReason = 'BAD_SIGNATURE',
  ) {
    super('SIGNATURE_INVALID', message, { reason });
  }
}

export class DecryptionFailedError extends DomainError {
  constructor(
    message = 'The message could not be decrypted',
    readonly reason: DecryptionFailureReason = 'FAILED',
  ) {
    super('DECRYPTION_FAILED', message, { reason });
  }
}

export class KeyRevokedError extends DomainError {
  constructor(
    message: string,
    readonly state: KeyState = 'REVOKED',
    fingerprint: string | null = null,
  ) {
    super('KEY_REVOKED', message, { state, fingerprint });
  }
}

/** What the caller was doing when OpenPGP.js failed; decides how an unrecognised failure is reported. */
export type OpenPgpOperation =
  | 'read-key'
  | 'read-message'
  | 'read-signature'
  | 'unlock-key'
  | 'decrypt'
  | 'verify'
  | 'encrypt'
  | 'sign';

export interface OpenPgpErrorContext {
  operation: OpenPgpOperation;
  /** Input path reported in BAD_USER_INPUT `fields`. */
  field?: string;
  /** Fingerprint of the key concerned, when known (public information). */
  fingerprint?: string;
}

// OpenPGP.js throws plain Errors, sometimes wrapped as "Error decrypting message: <cause>", so the
// patterns match anywhere in the message. Order matters: key state first (an expired or revoked
// key surfaces inside signing, encryption and verification errors alike).
const KEY_REVOKED = /(?:key|subkey) is revoked|has been revoked/i;
const KEY_EXPIRED = /(?:key|subkey) is expired/i;
const TAMPERED =
  /Modification detected|unable to authenticate data|Authentication tag mismatch|Message is not authenticated|Integrity check failed/i;
const NOT_FOR_THIS_KEY =
  /No decryption key packets found|Session key decryption failed|No public key encrypted session key packet found|Key Data Integrity failed|Invalid point encoding|Invalid session key|Decryption error/i;
const NOT_ENCRYPTED = /No encrypted data found/i;
const UNSIGNED = /Message is not signed/i;
const UNKNOWN_SIGNER = /Could not find signing key with key ID/i;
const BAD_SIGNATURE =
  /Signed digest did not match|Signature verification failed|Signature creation time is in the future|Signature is expired|Key is newer than the signature|Could not find valid signing key packet|Insecure|hash algorithm/i;
const TOO_LARGE = /Maximum decompressed (?:message )?size exceeded/i;
const WRONG_PASSPHRASE = /Incorrect key passphrase|passphrase/i;
const MALFORMED =
  /Misformed armored text|Unexpected end of packet|Error during parsing|Packet not allowed|Unknown ASCII armor type|Armored text not of type|armor integrity|Unsupported|is unsupported|Unknown packet type|Input array too short|Parsing .* failed|Invalid|malformed|No key packet found|Only unencrypted|Unknown/i;

type ReadOperation = Extract<OpenPgpOperation, `read-${string}`>;

function isReadOperation(operation: OpenPgpOperation): operation is ReadOperation {
  return operation.startsWith('read-');
}

const MALFORMED_MESSAGES: Record<ReadOperation, string> = {
  'read-key': 'Malformed OpenPGP key: expected an ASCII-armored OpenPGP public key block',
  'read-message': 'Malformed OpenPGP message: expected an ASCII-armored OpenPGP message',
  'read-signature': 'Malformed OpenPGP signature: expected an ASCII-armored OpenPGP signature',
};

function defaultField(operation: OpenPgpOperation): string {
  switch (operation) {
    case 'read-key':
      return 'publicKey';
    case 'read-signature':
      return 'signature';
    case 'unlock-key':
      return 'passphrase';
    default:
      return 'message';
  }
}

/**
 * Maps an OpenPGP.js failure to a DomainError with a short message of our own (library messages
 * can quote key ids, packet contents or stack details). Errors that are not the caller's fault
 * (encrypting or signing with keys the platform already validated) come back unchanged so they are
 * reported as internal errors.
 */
export function classifyOpenPgpError(err: unknown, context: OpenPgpErrorContext): Error {
  if (err instanceof DomainError) {
    return err;
  }
  const message = err instanceof Error ? err.message : String(err);
  const { operation } = context;
  const field = context.field ?? defaultField(operation);
  const fingerprint = context.fingerprint ?? null;

  if (KEY_REVOKED.test(message)) {
    return new KeyRevokedError('The key has been revoked', 'REVOKED', fingerprint);
  }
  if (KEY_EXPIRED.test(message)) {
    return new KeyRevokedError('The key has expired', 'EXPIRED', fingerprint);
  }
  if (isReadOperation(operation)) {
    // Anything that fails while parsing is a problem with what the caller sent.
    return new BadUserInputError(MALFORMED_MESSAGES[operation], [field]);
  }
  if (operation === 'unlock-key') {
    if (WRONG_PASSPHRASE.test(message)) {
      return new BadUserInputError('The private key could not be unlocked: wrong passphrase', [field]);
    }
    return new BadUserInputError('The private key could not be unlocked', [field]);
  }
  if (TOO_LARGE.test(message)) {
    return new BadUserInputError('The message is larger than allowed once decompressed', [field]);
  }
  if (TAMPERED.test(message)) {
    return new DecryptionFailedError('The message was modified or damaged after encryption', 'TAMPERED');
  }
  if (NOT_FOR_THIS_KEY.test(message)) {
    return new DecryptionFailedError('The message is not encrypted to this key', 'NOT_FOR_THIS_KEY');
  }
  if (NOT_ENCRYPTED.test(message)) {
    return new DecryptionFailedError('The message is not encrypted', 'NOT_ENCRYPTED');
  }
  if (UNSIGNED.test(message)) {
    return new SignatureInvalidError('The message is not signed', 'UNSIGNED');
  }
  if (UNKNOWN_SIGNER.test(message)) {
    return new SignatureInvalidError('The message is not signed by a registered key', 'UNKNOWN_SIGNER');
  }
  if (BAD_SIGNATURE.test(message)) {
    return new SignatureInvalidError('The signature is not valid', 'BAD_SIGNATURE');
  }
  switch (operation) {
    case 'decrypt':
      // A damaged ciphertext can fail anywhere in the inner packets once decrypted.
      return MALFORMED.test(message)
        ? new DecryptionFailedError('The message was modified or damaged after encryption', 'TAMPERED')
        : new DecryptionFailedError();
    case 'verify':
      return new SignatureInvalidError('The signature is not valid', 'BAD_SIGNATURE');
    default:
      return err instanceof Error ? err : new Error(message);
  }
}
