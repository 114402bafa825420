import {
  AEADEncryptedDataPacket,
  createMessage,
  decrypt,
  encrypt,
  readMessage,
  PublicKeyEncryptedSessionKeyPacket,
  readSignature,
  SymEncryptedIntegrityProtectedDataPacket,
  SymEncryptedSessionKeyPacket,
  SymmetricallyEncryptedDataPacket,
  verify,
  type Message,
  type PrivateKey,
  type PublicKey,
  type AlgorithmInfo,
  type Signature,
} from 'openpgp';

import { BadUserInputError } from '../errors/domain-error.js';
import { isAllowedAlgorithm } from './agency-key.js';
import { canonicalJson, parseCanonicalJsonObject, type JsonObject } from './canonical-json.js';
import {
  DecryptionFailedError,
  KeyRevokedError,
  SignatureInvalidError,
  classifyOpenPgpError,
  type SignatureFailureReason,
} from './crypto.errors.js';
import {
  INTEROP_CONFIG,
  formatFingerprint,
  unlockPrivateKey,
  utf8Bytes,
  type ArmoredPrivateKey,
} from './openpgp-profile.js';

const ENVELOPE_FIELD = 'envelope';
/** The largest armored envelope submitSealedSeizure takes; `windward seal` refuses to make a larger one. */
export const MAX_SEALED_ENVELOPE_BYTES = 4 * 1024 * 1024;
// GnuPG compresses before encrypting; cap what a small envelope may expand to (zip bombs).
const DEFAULT_MAX_PLAINTEXT_BYTES = 16 * 1024 * 1024;
// A sealing is to the platform key (plus perhaps the sender's own, gpg's --encrypt-to) and signed
// once; more than these is refused before any of it costs public-key operations.
const MAX_SESSION_KEY_PACKETS = 16;
const MAX_SIGNATURES = 4;

export interface OpenedEnvelope {
  report: JsonObject;
  /** The exact signed text: the report in RFC 8785 canonical form. */
  canonical: string;
  /** Primary key fingerprint of the signer, upper-case hex. */
  signerFingerprint: string;
  signedAt: Date;
  /** The sender's own signature, armored as a detached signature over the UTF-8 bytes of `canonical`. */
  detachedSignature: string;
}

export interface DetachedVerification {
  valid: boolean;
  /** Primary key fingerprint of the signing key, when it is among the given keys. */
  signerFingerprint: string | null;
  signedAt: Date | null;
  /** Why the signature is not valid; null when it is. */
  failure: SignatureFailureReason | 'KEY_REVOKED' | null;
}

type VerificationResult = Awaited<ReturnType<typeof verify>>['signatures'][number];

function findKeyFor(result: VerificationResult, keys: readonly PublicKey[]): PublicKey | undefined {
  return keys.find((key) => key.getKeys(result.keyID).length > 0);
}

function signatureCreation(signature: Signature): Date | null {
  return signature.packets[0]?.created ?? null;
}

async function resolveSigningKey(signingKey: PrivateKey | ArmoredPrivateKey): Promise<PrivateKey> {
  if ('armoredPrivateKey' in signingKey) {
    return unlockPrivateKey({ ...signingKey, field: 'signingKey' });
  }
  if (!signingKey.isDecrypted()) {
    throw new BadUserInputError('The signing key is locked: unlock it or pass it armored with its passphrase', [
      'signingKey',
    ]);
  }
  return signingKey;
}

/**
 * What a sending agency does (and `windward seal`): signs the canonical JSON of the report with
 * the agency key, then encrypts it to the platform key. Binary literal data, so the signed bytes
 * are exactly the canonical UTF-8 bytes with no line-ending conversion.
 */
export async function sealReport(input: {
  report: Readonly<Record<string, unknown>>;
  signingKey: PrivateKey | ArmoredPrivateKey;
  platformPublicKey: PublicKey;
  now?: Date;
}): Promise<string> {
  const now = input.now ?? new Date();
  if (input.report === null || typeof input.report !== 'object' || Array.isArray(input.report)) {
    throw new BadUserInputError('The report must be a JSON object', ['report']);
  }
  const canonical = canonicalJson(input.report, 'report');
  const signingKey = await resolveSigningKey(input.signingKey);
  // Checked one by one so a revoked key is named correctly (encrypt() reports both the same way).
  try {
    await signingKey.getSigningKey(undefined, now);
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'sign', fingerprint: formatFingerprint(signingKey.getFingerprint()) });
  }
  try {
    await input.platformPublicKey.getEncryptionKey(undefined, now);
  } catch (err) {
    throw classifyOpenPgpError(err, {
      operation: 'encrypt',
      fingerprint: formatFingerprint(input.platformPublicKey.getFingerprint()),
    });
  }
  try {
    return await encrypt({
      message: await createMessage({ binary: utf8Bytes(canonical), format: 'binary' }),
      encryptionKeys: input.platformPublicKey,
      signingKeys: signingKey,
      date: now,
      format: 'armored',
      config: INTEROP_CONFIG,
    });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'encrypt' });
  }
}

async function readArmoredMessage(armored: string): Promise<Message<string>> {
  if (typeof armored !== 'string' || armored.trim() === '') {
    throw new BadUserInputError('Expected an ASCII-armored OpenPGP message', [ENVELOPE_FIELD]);
  }
  try {
    return await readMessage({ armoredMessage: armored, config: INTEROP_CONFIG });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'read-message', field: ENVELOPE_FIELD });
  }
}

function isEncrypted(message: Message<string>): boolean {
  return message.packets.some(
    (packet) =>
      packet instanceof SymEncryptedIntegrityProtectedDataPacket ||
      packet instanceof AEADEncryptedDataPacket ||
      packet instanceof SymmetricallyEncryptedDataPacket,
  );
}

/**
 * Opens a sealed submission: decrypts with the platform key, then requires a valid signature by
 * one of `senderKeys` (the registered keys of the submitting agency) whose key is neither revoked
 * nor expired now, over a JSON object in canonical form.
 */
export async function openSealedEnvelope(input: {
  armored: string;
  platformPrivateKey: PrivateKey;
  senderKeys: readonly PublicKey[];
  now?: Date;
  maxPlaintextBytes?: number;
}): Promise<OpenedEnvelope> {
  const now = input.now ?? new Date();
  const message = await readArmoredMessage(input.armored);
  if (!isEncrypted(message)) {
    throw new DecryptionFailedError('The envelope is not encrypted', 'NOT_ENCRYPTED');
  }

  // Each session key packet naming the platform key (or none) costs a key agreement.
  const sessionKeyPackets = message.packets.filter(
    (packet) => packet instanceof PublicKeyEncryptedSessionKeyPacket || packet instanceof SymEncryptedSessionKeyPacket,
  ).length;
  if (sessionKeyPackets > MAX_SESSION_KEY_PACKETS) {
    throw new BadUserInputError(
      `The envelope has ${sessionKeyPackets} session key packets; seal it to the platform key (at most ${MAX_SESSION_KEY_PACKETS} recipients)`,
      [ENVELOPE_FIELD],
    );
  }

  // Decrypted without verification keys: OpenPGP.js would otherwise hash the whole content once
  // for every signature naming a sender key, however many copies the envelope carries. Only the
  // signature relied on is verified, below.
  let decrypted: Awaited<ReturnType<typeof decrypt>> & { data: Uint8Array };
  try {
    decrypted = await decrypt({
      message,
      decryptionKeys: input.platformPrivateKey,
      format: 'binary',
      date: now,
      config: {
        ...INTEROP_CONFIG,
        maxDecompressedMessageSize: input.maxPlaintextBytes ?? DEFAULT_MAX_PLAINTEXT_BYTES,
      },
    });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'decrypt', field: ENVELOPE_FIELD });
  }

  if (decrypted.signatures.length === 0) {
    throw new SignatureInvalidError('The envelope is not signed', 'UNSIGNED');
  }
  if (decrypted.signatures.length > MAX_SIGNATURES) {
    throw new BadUserInputError(
      `The envelope carries ${decrypted.signatures.length} signatures; sign it once with the agency key`,
      [ENVELOPE_FIELD],
    );
  }
  const candidate = decrypted.signatures
    .map((result) => ({ result, key: findKeyFor(result, input.senderKeys) }))
    .find((entry): entry is { result: VerificationResult; key: PublicKey } => entry.key !== undefined);
  if (candidate === undefined) {
    throw new SignatureInvalidError('The envelope is not signed by a registered key of the agency', 'UNKNOWN_SIGNER');
  }
  const signerFingerprint = formatFingerprint(candidate.key.getFingerprint());

  // New submissions need a key valid now, whatever the reason for a revocation; OpenPGP.js alone
  // only checks the key at signing time.
  let signingKeyAlgorithm: AlgorithmInfo;
  try {
    await candidate.key.verifyPrimaryKey(now);
    signingKeyAlgorithm = (await candidate.key.getSigningKey(candidate.result.keyID, now)).getAlgorithmInfo();
  } catch (err) {
    const classified = classifyOpenPgpError(err, { operation: 'verify', fingerprint: signerFingerprint });
    if (classified instanceof KeyRevokedError) {
      throw classified;
    }
    throw new SignatureInvalidError('The signing key cannot sign', 'BAD_SIGNATURE');
  }
  // A key registered before registration checked subkeys dated in the future may hold a signing
  // subkey of a refused algorithm (RSA 2048) that has come into force since.
  if (!isAllowedAlgorithm(signingKeyAlgorithm)) {
    throw new SignatureInvalidError('The envelope is signed by a subkey of an algorithm Windward refuses; register a new key', 'BAD_SIGNATURE');
  }
  const signature = await candidate.result.signature;
  const signedAt = signatureCreation(signature);
  if (signedAt === null) {
    throw new SignatureInvalidError('The signature has no creation time', 'BAD_SIGNATURE');
  }
  // Verified as the detached signature that is stored, over the very bytes stored as the signed
  // text, so later readers' re-verification holds.
  try {
    const outcome = await verify({
      message: await createMessage({ binary: decrypted.data }),
      signature,
      verificationKeys: candidate.key,
      format: 'binary',
      date: now,
      config: INTEROP_CONFIG,
    });
    if (outcome.signatures.length !== 1) throw new Error('Signature verification failed');
    await outcome.signatures[0].verified;
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'verify', fingerprint: signerFingerprint });
  }

  let canonical: string;
  try {
    canonical = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(decrypted.data);
  } catch {
    throw new BadUserInputError('The signed content is not UTF-8 text', [ENVELOPE_FIELD]);
  }
  const report = parseCanonicalJsonObject(canonical, ENVELOPE_FIELD);
  const detachedSignature = signature.armor();

  return { report, canonical, signerFingerprint, signedAt, detachedSignature };
}

/**
 * Re-verifies a stored detached signature over `content` (a string is taken as its UTF-8 bytes,
 * unchanged). A key revoked as compromised (or with no reason) invalidates its old signatures;
 * superseded or retired keys keep their signatures made before the revocation.
 */
export async function verifyDetachedSignature(input: {
  content: string | Uint8Array;
  armoredSignature: string;
  keys: readonly PublicKey[];
  now?: Date;
}): Promise<DetachedVerification> {
  const now = input.now ?? new Date();
  if (typeof input.armoredSignature !== 'string' || input.armoredSignature.trim() === '') {
    throw new BadUserInputError('Expected an ASCII-armored OpenPGP signature', ['signature']);
  }
  let signature: Signature;
  try {
    signature = await readSignature({ armoredSignature: input.armoredSignature, config: INTEROP_CONFIG });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'read-signature', field: 'signature' });
  }
  const bytes = typeof input.content === 'string' ? utf8Bytes(input.content) : input.content;
  const outcome = await verify({
    message: await createMessage({ binary: bytes }),
    signature,
    verificationKeys: [...input.keys],
    format: 'binary',
    date: now,
    config: INTEROP_CONFIG,
  });

  const signedAt = signatureCreation(signature);
  let firstFailure: DetachedVerification | null = null;
  for (const result of outcome.signatures) {
    const key = findKeyFor(result, input.keys);
    if (key === undefined) {
      continue;
    }
    const signerFingerprint = formatFingerprint(key.getFingerprint());
    try {
      await result.verified;
      return { valid: true, signerFingerprint, signedAt, failure: null };
    } catch (err) {
      const classified = classifyOpenPgpError(err, { operation: 'verify', fingerprint: signerFingerprint });
      firstFailure ??= {
        valid: false,
        signerFingerprint,
        signedAt,
        failure:
          classified instanceof KeyRevokedError
            ? 'KEY_REVOKED'
            : classified instanceof SignatureInvalidError
              ? classified.reason
              : 'BAD_SIGNATURE',
      };
    }
  }
  return (
    firstFailure ?? {
      valid: false,
      signerFingerprint: null,
      signedAt,
      failure: outcome.signatures.length === 0 ? 'UNSIGNED' : 'UNKNOWN_SIGNER',
    }
  );
}
