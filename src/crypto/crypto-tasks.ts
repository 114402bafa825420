import { BadUserInputError, DomainError, type ErrorCode, type ErrorDetails } from '../errors/domain-error.js';
import { loadAgencyPublicKey } from './agency-key.js';
import { DecryptionFailedError, KeyRevokedError, SignatureInvalidError, type DecryptionFailureReason, type KeyState, type SignatureFailureReason } from './crypto.errors.js';
import { loadPlatformPrivateKey } from './platform-key.js';
import { encryptForRecipients, type RecipientEncryption } from './recipient-encryption.js';
import { openSealedEnvelope, type OpenedEnvelope } from './sealed-envelope.js';
import type { PrivateKey } from 'openpgp';

/*
 * The OpenPGP work of a sealed submission, as tasks a worker thread runs: inputs and outputs are
 * plain data (armored keys, bytes), which cross threads by structured clone. The same functions
 * run inline when there is no pool.
 */

/** The platform private key as stored (armored, passphrase-protected) and its passphrase. */
export interface PlatformKeyMaterial {
  armoredPrivateKey: string;
  passphrase: string;
}

export interface CryptoTasks {
  /** Verifies and decrypts a sealed envelope with the platform key (openSealedEnvelope). */
  openSealedEnvelope: { input: { armored: string; senderKeys: string[] }; output: TransportedEnvelope };
  /** Encrypts bytes to recipients given by armored public keys (encryptForRecipients). */
  encryptForRecipients: { input: { plaintext: Uint8Array; recipients: { recipientId: string; armoredPublicKey: string }[] }; output: RecipientEncryption };
}
export type CryptoTaskName = keyof CryptoTasks;

/**
 * An opened envelope as it crosses threads: the time as a number, because a Date made by the
 * thread's deserializer belongs to another realm under Jest's VM modules (instanceof fails there).
 */
export type TransportedEnvelope = Omit<OpenedEnvelope, 'signedAt'> & { signedAtMs: number };

/** Runs tasks with one platform key, unlocked once, on first need. */
export class CryptoTaskRunner {
  private platformKey?: Promise<PrivateKey>;

  constructor(private readonly material: PlatformKeyMaterial | null) {}

  run<N extends CryptoTaskName>(name: N, input: CryptoTasks[N]['input']): Promise<CryptoTasks[N]['output']> {
    switch (name) {
      case 'openSealedEnvelope':
        return this.open(input as CryptoTasks['openSealedEnvelope']['input']) as Promise<CryptoTasks[N]['output']>;
      case 'encryptForRecipients':
        return this.encrypt(input as CryptoTasks['encryptForRecipients']['input']) as Promise<CryptoTasks[N]['output']>;
      default:
        return Promise.reject(new Error(`Unknown crypto task ${String(name)}`));
    }
  }

  private async open(input: CryptoTasks['openSealedEnvelope']['input']): Promise<TransportedEnvelope> {
    const [platformPrivateKey, senderKeys] = await Promise.all([this.platformPrivateKey(), Promise.all(input.senderKeys.map(loadAgencyPublicKey))]);
    const { signedAt, ...opened } = await openSealedEnvelope({ armored: input.armored, platformPrivateKey, senderKeys });
    return { ...opened, signedAtMs: signedAt.getTime() };
  }

  private async encrypt(input: CryptoTasks['encryptForRecipients']['input']): Promise<RecipientEncryption> {
    const recipients = await Promise.all(input.recipients.map(async (r) => ({ recipientId: r.recipientId, publicKey: await loadAgencyPublicKey(r.armoredPublicKey) })));
    return encryptForRecipients(input.plaintext, recipients);
  }

  private platformPrivateKey(): Promise<PrivateKey> {
    if (!this.material) return Promise.reject(new Error('This crypto worker has no platform key'));
    this.platformKey ??= loadPlatformPrivateKey(this.material);
    return this.platformKey;
  }
}

/** An error as it crosses a thread: a DomainError keeps its code, message and details; anything else only its message. */
export type SerializedError = { domain: true; code: ErrorCode; message: string; details: ErrorDetails } | { domain: false; name: string; message: string };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof DomainError) return { domain: true, code: error.code, message: error.message, details: error.details };
  if (error instanceof Error) return { domain: false, name: error.name, message: error.message };
  return { domain: false, name: 'Error', message: String(error) };
}

/** The same DomainError subclass as the task threw inline, so callers and the API see no difference. */
export function deserializeError(error: SerializedError): Error {
  if (!error.domain) {
    const internal = new Error(`Crypto task failed: ${error.message}`);
    internal.name = error.name;
    return internal;
  }
  const { code, message, details } = error;
  switch (code) {
    case 'SIGNATURE_INVALID':
      return new SignatureInvalidError(message, details.reason as SignatureFailureReason);
    case 'DECRYPTION_FAILED':
      return new DecryptionFailedError(message, details.reason as DecryptionFailureReason);
    case 'KEY_REVOKED':
      return new KeyRevokedError(message, details.state as KeyState, (details.fingerprint as string | null) ?? null);
    case 'BAD_USER_INPUT':
      return new BadUserInputError(message, (details.fields as string[] | undefined) ?? []);
    default:
      return new DomainError(code, message, details);
  }
}
