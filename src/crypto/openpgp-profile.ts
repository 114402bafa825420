import {
  decryptKey,
  enums,
  generateKey,
  readKeys,
  readPrivateKey,
  type PartialConfig,
  type PrivateKey,
  type PublicKey,
  type UserID,
} from 'openpgp';

import { BadUserInputError } from '../errors/domain-error.js';
import { classifyOpenPgpError } from './crypto.errors.js';

/**
 * The interoperability profile (RFC 4880, what GnuPG 2.2 reads and writes): v4 keys, v1 SEIPD
 * with MDC and no AEAD (GnuPG 2.2 cannot read RFC 9580 SEIPDv2). Passed to every OpenPGP.js call
 * instead of mutating the library's global config, which other code may share.
 */
export const INTEROP_CONFIG: PartialConfig = {
  aeadProtect: false,
  v6Keys: false,
  preferredSymmetricAlgorithm: enums.symmetric.aes256,
  preferredHashAlgorithm: enums.hash.sha512,
  // Compressing before encrypting buys little for small JSON and can leak content through size.
  preferredCompressionAlgorithm: enums.compression.uncompressed,
};

/** Upper-case hex, the form fingerprints are stored and compared in. */
export function formatFingerprint(hex: string): string {
  return hex.toUpperCase();
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

const utf8Encoder = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export interface GeneratedKeyPair {
  /** Armored private key, encrypted with the passphrase when one was given. */
  privateKeyArmored: string;
  publicKeyArmored: string;
  /** Armored revocation certificate (reason unspecified); keep it offline. */
  revocationCertificate: string;
  fingerprint: string;
}

/** Curve25519 legacy v4 key (Ed25519 primary for signing, Curve25519 ECDH subkey for encryption). */
export async function generateInteropKeyPair(options: {
  userId: UserID;
  passphrase?: string;
  now?: Date;
}): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey, revocationCertificate } = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [options.userId],
    passphrase: options.passphrase === undefined || options.passphrase === '' ? undefined : options.passphrase,
    date: options.now,
    format: 'object',
    config: INTEROP_CONFIG,
  });
  return {
    privateKeyArmored: privateKey.armor(),
    publicKeyArmored: publicKey.armor(),
    revocationCertificate,
    fingerprint: formatFingerprint(publicKey.getFingerprint()),
  };
}

const PRIVATE_KEY_HEADER = /-----BEGIN PGP PRIVATE KEY BLOCK-----/;
const ARMOR_HEADER = /-----BEGIN PGP [A-Z ,/0-9]+-----/g;

/** A private key the caller supplies as armored text, optionally passphrase-protected. */
export interface ArmoredPrivateKey {
  armoredPrivateKey: string;
  passphrase?: string;
}

/**
 * Reads and unlocks an armored private key. Errors are BAD_USER_INPUT and never quote the
 * passphrase or the library's message.
 */
export async function unlockPrivateKey(
  options: ArmoredPrivateKey & { field?: string; requirePassphrase?: boolean },
): Promise<PrivateKey> {
  const field = options.field ?? 'privateKey';
  const armored = options.armoredPrivateKey;
  if (typeof armored !== 'string' || !PRIVATE_KEY_HEADER.test(armored)) {
    throw new BadUserInputError('Expected an ASCII-armored OpenPGP private key block', [field]);
  }
  if ((armored.match(ARMOR_HEADER) ?? []).length > 1) {
    throw new BadUserInputError('Expected exactly one OpenPGP private key block', [field]);
  }
  let key: PrivateKey;
  try {
    key = await readPrivateKey({ armoredKey: armored, config: INTEROP_CONFIG });
  } catch {
    throw new BadUserInputError('Malformed OpenPGP private key', [field]);
  }
  if (key.isDecrypted()) {
    if (options.requirePassphrase) {
      throw new BadUserInputError('The private key must be protected with a passphrase', [field]);
    }
    return key;
  }
  if (options.passphrase === undefined || options.passphrase === '') {
    throw new BadUserInputError('The private key is protected: a passphrase is required', ['passphrase']);
  }
  try {
    return await decryptKey({ privateKey: key, passphrase: options.passphrase, config: INTEROP_CONFIG });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'unlock-key', field: 'passphrase' });
  }
}

const PRIVATE_KEY_REFUSED = 'Private keys are refused: send only the public key. Nothing was stored.';

/**
 * Reads exactly one public key, refusing private keys and multiple keys. Does not judge whether
 * the key is still valid: stored keys are loaded this way to re-verify old signatures.
 * `privateKeyRefused` replaces the API's wording where nothing is sent or stored (the CLI).
 */
export async function readPublicKeyOrThrow(
  armored: string,
  field = 'publicKey',
  options: { privateKeyRefused?: string } = {},
): Promise<PublicKey> {
  const privateKeyRefused = options.privateKeyRefused ?? PRIVATE_KEY_REFUSED;
  if (typeof armored !== 'string' || armored.trim() === '') {
    throw new BadUserInputError('Expected an ASCII-armored OpenPGP public key block', [field]);
  }
  if (PRIVATE_KEY_HEADER.test(armored)) {
    throw new BadUserInputError(privateKeyRefused, [field]);
  }
  // readKeys reads only the first armored block and silently ignores the rest.
  if ((armored.match(ARMOR_HEADER) ?? []).length > 1) {
    throw new BadUserInputError('Expected exactly one OpenPGP public key, found several blocks', [field]);
  }
  let keys: PublicKey[];
  try {
    keys = await readKeys({ armoredKeys: armored, config: INTEROP_CONFIG });
  } catch (err) {
    throw classifyOpenPgpError(err, { operation: 'read-key', field });
  }
  if (keys.some((key) => key.isPrivate())) {
    throw new BadUserInputError(privateKeyRefused, [field]);
  }
  if (keys.length !== 1) {
    throw new BadUserInputError(`Expected exactly one OpenPGP public key, found ${keys.length}`, [field]);
  }
  return keys[0];
}
