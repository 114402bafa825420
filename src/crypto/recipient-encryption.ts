import {
  AEADEncryptedDataPacket,
  armor,
  createMessage,
  decrypt,
  decryptSessionKeys,
  encrypt,
  encryptSessionKey,
  enums,
  generateSessionKey,
  PublicKeyEncryptedSessionKeyPacket,
  readMessage,
  SymEncryptedIntegrityProtectedDataPacket,
  type Message,
  type PrivateKey,
  type PublicKey,
  type SessionKey,
} from 'openpgp';

import { BadUserInputError } from '../errors/domain-error.js';
import { DecryptionFailedError, classifyOpenPgpError } from './crypto.errors.js';
import { INTEROP_CONFIG, concatBytes, formatFingerprint } from './openpgp-profile.js';

/*
 * Encryption at rest with one stored packet per recipient. An OpenPGP message is a list of
 * public-key-encrypted session key packets (PKESK, one per recipient) followed by the encrypted
 * data packet (SEIPD). Storing them apart means:
 * - releasing to another agency wraps the session key once more (a row insert, no re-encryption);
 * - withdrawing a release deletes a row;
 * - what one agency receives is its own PKESK + the payload, so it never learns who else can read.
 */

export interface Recipient {
  recipientId: string;
  publicKey: PublicKey;
}

export interface WrappedKey {
  recipientId: string;
  /** Primary key fingerprint of the recipient key, upper-case hex. */
  keyFingerprint: string;
  /** One binary PKESK packet. */
  pkesk: Uint8Array;
}

export interface RecipientEncryption {
  /** The binary encrypted data packet (v1 SEIPD with MDC, readable by GnuPG 2.2). */
  payload: Uint8Array;
  wrappedKeys: WrappedKey[];
}

export interface RecipientPacket {
  pkesk: Uint8Array;
  payload: Uint8Array;
}

const AEAD_NAMES: Record<number, enums.aeadNames> = {
  [enums.aead.eax]: 'eax',
  [enums.aead.ocb]: 'ocb',
  [enums.aead.gcm]: 'gcm',
};

export async function encryptForRecipients(
  plaintext: Uint8Array,
  recipients: readonly Recipient[],
  options: { now?: Date } = {},
): Promise<RecipientEncryption> {
  const now = options.now ?? new Date();
  if (recipients.length === 0) {
    throw new BadUserInputError('At least one recipient is required', ['recipients']);
  }
  const ids = new Set(recipients.map((recipient) => recipient.recipientId));
  if (ids.size !== recipients.length) {
    throw new BadUserInputError('Each recipient may appear only once', ['recipients']);
  }
  // Fails early, naming the key, if a recipient key is revoked or expired.
  for (const { publicKey } of recipients) {
    await assertCanEncryptTo(publicKey, now);
  }

  let sessionKey: SessionKey;
  let payload: Uint8Array;
  try {
    // Picks a cipher every recipient key prefers; with aeadProtect off there is no AEAD algorithm,
    // so the payload is a v1 SEIPD packet.
    sessionKey = await generateSessionKey({
      encryptionKeys: recipients.map((recipient) => recipient.publicKey),
      date: now,
      config: INTEROP_CONFIG,
    });
    // With only a session key (no keys, no passwords) the output is the bare SEIPD packet.
    payload = await encrypt({
      message: await createMessage({ binary: plaintext, format: 'binary' }),
      sessionKey,
      date: now,
      format: 'binary',
      config: INTEROP_CONFIG,
    });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'encrypt' });
  }

  // All at once, as OpenPGP.js itself wraps for several keys: each wrap's key agreement runs on
  // libuv's thread pool, so one after another would leave those threads idle.
  const wrappedKeys: WrappedKey[] = await Promise.all(
    recipients.map(async ({ recipientId, publicKey }) => ({
      recipientId,
      keyFingerprint: formatFingerprint(publicKey.getFingerprint()),
      pkesk: await wrapSessionKeyFor({ sessionKey, publicKey, now }),
    })),
  );
  return { payload, wrappedKeys };
}

async function assertCanEncryptTo(publicKey: PublicKey, now: Date): Promise<void> {
  try {
    await publicKey.getEncryptionKey(undefined, now);
  } catch (err) {
    throw classifyOpenPgpError(err, {
      operation: 'encrypt',
      fingerprint: formatFingerprint(publicKey.getFingerprint()),
    });
  }
}

/** Wraps an existing session key for one more recipient; the payload is not touched. */
export async function wrapSessionKeyFor(input: {
  sessionKey: SessionKey;
  publicKey: PublicKey;
  now?: Date;
}): Promise<Uint8Array> {
  const now = input.now ?? new Date();
  await assertCanEncryptTo(input.publicKey, now);
  const { data, algorithm, aeadAlgorithm } = input.sessionKey;
  try {
    return await encryptSessionKey({
      data: data,
      algorithm,
      aeadAlgorithm,
      encryptionKeys: input.publicKey,
      date: now,
      format: 'binary',
      config: INTEROP_CONFIG,
    });
  } catch (err) {
    throw classifyOpenPgpError(err, {
      operation: 'encrypt',
      fingerprint: formatFingerprint(input.publicKey.getFingerprint()),
    });
  }
}

/**
 * Parses PKESK + payload and checks it is exactly one session key packet followed by one
 * encrypted data packet. Parsed afresh on every call: OpenPGP.js mutates messages it decrypts.
 */
async function readRecipientMessage(input: RecipientPacket): Promise<Message<Uint8Array>> {
  let message: Message<Uint8Array>;
  try {
    message = await readMessage({
      binaryMessage: concatBytes(input.pkesk, input.payload),
      config: INTEROP_CONFIG,
    });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'read-message', field: 'pkesk' });
  }
  const [first, second, ...rest] = message.packets;
  if (
    !(first instanceof PublicKeyEncryptedSessionKeyPacket) ||
    !(second instanceof SymEncryptedIntegrityProtectedDataPacket || second instanceof AEADEncryptedDataPacket) ||
    rest.length > 0
  ) {
    throw new BadUserInputError('Expected one PKESK packet followed by one encrypted data packet', [
      'pkesk',
      'payload',
    ]);
  }
  return message;
}

/** SEIPD fields OpenPGP.js sets when parsing but leaves out of its type declarations. */
interface SeipdHeader {
  version: number | null;
  cipherAlgorithm: number | null;
  aeadAlgorithm: number | null;
}

function readSeipdHeader(packet: unknown): SeipdHeader {
  if (!(packet instanceof SymEncryptedIntegrityProtectedDataPacket)) {
    return { version: null, cipherAlgorithm: null, aeadAlgorithm: null };
  }
  const fields: Record<string, unknown> = { ...packet };
  const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  return {
    version: numberOrNull(fields.version),
    cipherAlgorithm: numberOrNull(fields.cipherAlgorithm),
    aeadAlgorithm: numberOrNull(fields.aeadAlgorithm),
  };
}

/**
 * Recovers the session key a recipient can unwrap, in the form `wrapSessionKeyFor` and OpenPGP.js
 * `encryptSessionKey` take. For RFC 9580 (SEIPDv2) payloads OpenPGP.js returns `algorithm: null`
 * because the cipher is named by the data packet; it is read from there.
 */
export async function unwrapSessionKey(input: RecipientPacket & { privateKey: PrivateKey; now?: Date }): Promise<SessionKey> {
  const message = await readRecipientMessage(input);
  const dataPacket = message.packets[1];
  let decrypted: Awaited<ReturnType<typeof decryptSessionKeys>>;
  try {
    decrypted = await decryptSessionKeys({ message, decryptionKeys: input.privateKey, date: input.now, config: INTEROP_CONFIG });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'decrypt', field: 'pkesk' });
  }
  const [sessionKey] = decrypted;
  if (sessionKey === undefined) {
    throw new DecryptionFailedError('The message is not encrypted to this key', 'NOT_FOR_THIS_KEY');
  }
  if (sessionKey.algorithm !== null) {
    return { data: sessionKey.data, algorithm: sessionKey.algorithm };
  }
  const header = readSeipdHeader(dataPacket);
  const aeadAlgorithm = header.aeadAlgorithm === null ? undefined : AEAD_NAMES[header.aeadAlgorithm];
  if (header.version !== 2 || header.cipherAlgorithm === null || aeadAlgorithm === undefined) {
    throw new DecryptionFailedError('The session key algorithm could not be determined', 'FAILED');
  }
  return {
    data: sessionKey.data,
    algorithm: enums.read(enums.symmetric, header.cipherAlgorithm),
    aeadAlgorithm,
  };
}

/**
 * Builds the complete OpenPGP message for one recipient (its PKESK + the payload): what
 * `gpg --decrypt` or OpenPGP.js `decrypt` open with that recipient's key.
 */
export async function assembleMessageFor(input: RecipientPacket & { armored: true }): Promise<string>;
export async function assembleMessageFor(input: RecipientPacket & { armored: false }): Promise<Uint8Array>;
export async function assembleMessageFor(input: RecipientPacket & { armored: boolean }): Promise<string | Uint8Array> {
  const message = await readRecipientMessage(input);
  const bytes = concatBytes(input.pkesk, input.payload);
  if (!input.armored) {
    return bytes;
  }
  // GnuPG 2.2 misreads armor without the CRC24 line ("invalid radix64 character"); RFC 9580 only
  // forbids the checksum for SEIPDv2 messages.
  const emitChecksum = readSeipdHeader(message.packets[1]).version !== 2;
  return armor(enums.armor.message, bytes, undefined, undefined, undefined, emitChecksum);
}

/** Decrypts a stored payload with one recipient's PKESK and private key. */
export async function decryptPayload(input: RecipientPacket & { privateKey: PrivateKey; now?: Date }): Promise<Uint8Array> {
  const message = await readRecipientMessage(input);
  try {
    const { data } = await decrypt({
      message,
      decryptionKeys: input.privateKey,
      format: 'binary',
      date: input.now,
      config: INTEROP_CONFIG,
    });
    return data;
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'decrypt', field: 'payload' });
  }
}
