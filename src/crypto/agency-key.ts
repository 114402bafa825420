import { enums, revokeKey, type AlgorithmInfo, type PublicKey, type SignaturePacket, type Subkey } from 'openpgp';

import { BadUserInputError } from '../errors/domain-error.js';
import { KeyRevokedError, classifyOpenPgpError } from './crypto.errors.js';
import {
  INTEROP_CONFIG,
  formatFingerprint,
  generateInteropKeyPair,
  readPublicKeyOrThrow,
  type GeneratedKeyPair,
} from './openpgp-profile.js';

export interface AgencyKeyInfo {
  /** Primary key fingerprint, upper-case hex. */
  fingerprint: string;
  /** Primary key id (last 16 hex digits of the fingerprint), upper-case. */
  keyId: string;
  /** Primary key family: 'curve25519' (Ed25519/Cv25519 legacy), 'rsa<bits>', or the ECDSA curve name. */
  algorithm: string;
  bits?: number;
  /** OpenPGP.js curve name of the primary key, for ECC keys (e.g. 'ed25519Legacy'). */
  curve?: string;
  createdAt: Date;
  expiresAt: Date | null;
  userIds: string[];
  /** The public key re-armored by us: never contains secret material. */
  armored: string;
}

export type RevocationReason = 'UNSPECIFIED' | 'SUPERSEDED' | 'COMPROMISED' | 'RETIRED';

export interface KeyRevocation {
  reason: RevocationReason;
  revokedAt: Date;
  comment: string | null;
}

/** The argument an agency or personal key comes in, in every API that takes one (GraphQL's register mutations). */
const FIELD = 'armoredPublicKey';
const MIN_RSA_BITS = 3072;
/**
 * The largest armored key registration takes. Each subkey binding and self-signature costs a
 * verification on the API's event loop, so an unbounded key (copied subkeys up to the request
 * limit) would stall every request for seconds. An exported key, RSA 4096 with a photo ID
 * included, is well under this.
 */
export const MAX_ARMORED_KEY_LENGTH = 64 * 1024;
// Curves GnuPG 2.2 implements for v4 keys. secp256k1 is left out, as OpenPGP.js refuses it.
const ALLOWED_CURVES: ReadonlySet<string> = new Set([
  'ed25519Legacy',
  'curve25519Legacy',
  'nistP256',
  'nistP384',
  'nistP521',
  'brainpoolP256r1',
  'brainpoolP384r1',
  'brainpoolP512r1',
]);

const ALGORITHM_ADVICE = 'use a Curve25519 (ed25519/cv25519) or RSA (3072 bits or more) key';

/** Why the algorithm of a key (`which`: 'primary key', 'subkey …') is refused, or null if it is allowed. */
function algorithmProblem(info: AlgorithmInfo, which: string): string | null {
  switch (info.algorithm) {
    case 'rsaEncryptSign':
    case 'rsaEncrypt':
    case 'rsaSign':
      return (info.bits ?? 0) < MIN_RSA_BITS ? `RSA keys must have at least ${MIN_RSA_BITS} bits; the ${which} has ${info.bits ?? 0}` : null;
    case 'dsa':
    case 'elgamal':
      return `DSA and ElGamal keys are refused (the ${which}); ${ALGORITHM_ADVICE}`;
    case 'eddsaLegacy':
    case 'ecdh':
    case 'ecdsa':
      if (info.curve === undefined || !ALLOWED_CURVES.has(info.curve)) {
        return `The ${which} uses an unsupported curve; ${ALGORITHM_ADVICE}`;
      }
      // OpenPGP.js verifies ECDSA over Brainpool on Node only with a module it does not ship
      // (eckey-utils): such a key's self-signature would fail as if broken. ECDH works.
      if (info.algorithm === 'ecdsa' && info.curve.startsWith('brainpool')) {
        return `The ${which} signs with ECDSA over a Brainpool curve, which Windward cannot verify; ${ALGORITHM_ADVICE}`;
      }
      return null;
    default:
      // RFC 9580 algorithms (Ed25519, X25519, Ed448, X448, post-quantum): GnuPG 2.2 cannot use them.
      return `The ${which} uses ${info.algorithm}, which GnuPG 2.2 peers cannot use; ${ALGORITHM_ADVICE}`;
  }
}

function assertAllowedAlgorithm(info: AlgorithmInfo, which: string): void {
  const problem = algorithmProblem(info, which);
  if (problem !== null) throw new BadUserInputError(problem, [FIELD]);
}

/**
 * Whether registration would take a key (or subkey) of this algorithm. For keys stored before a
 * check was added or tightened: a use may pass over a key part that registration would refuse now.
 */
export function isAllowedAlgorithm(info: AlgorithmInfo): boolean {
  return algorithmProblem(info, 'key') === null;
}

function describeAlgorithm(info: AlgorithmInfo): Pick<AgencyKeyInfo, 'algorithm' | 'bits' | 'curve'> {
  if (info.algorithm.startsWith('rsa')) {
    return { algorithm: `rsa${info.bits ?? 0}`, bits: info.bits };
  }
  if (info.curve === 'ed25519Legacy' || info.curve === 'curve25519Legacy') {
    return { algorithm: 'curve25519', curve: info.curve };
  }
  return { algorithm: info.curve ?? info.algorithm, curve: info.curve };
}

async function isValidSubkey(subkey: Subkey, now: Date): Promise<boolean> {
  try {
    await subkey.verify(now);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a subkey can never be used again, so that its algorithm does not matter: revoked for
 * good, or expired under every binding signature it carries. A subkey merely not valid yet (created
 * or bound after `now`) is not: OpenPGP.js picks it for encryption or signing once that date comes.
 * Nor is an expired one carrying a later-dated binding (a renewal), nor one whose binding does not
 * verify: which bindings would verify is left to OpenPGP.js, this only counts what they claim.
 */
async function isRetiredSubkey(subkey: Subkey, now: Date): Promise<boolean> {
  const bindings = subkey.bindingSignatures;
  if (bindings.length > 0 && bindings.every((binding) => Math.min(bindingKeyExpiry(subkey, binding), +binding.getExpirationTime()) <= +now)) {
    return true;
  }
  const primary = subkey.mainKey.keyPacket;
  for (const revocation of subkey.revocationSignatures) {
    // A revocation that lapses (a signature expiry) would give the subkey back once it does.
    if (revocation.getExpirationTime() !== Infinity) continue;
    try {
      await revocation.verify(primary, enums.signature.subkeyRevocation, { key: primary, bind: subkey.keyPacket }, now);
      return true;
    } catch {
      // Not the primary key's, not yet in force, or broken: it revokes nothing.
    }
  }
  return false;
}

/** The subkey as an error names it: by key id, and by its date when that is still to come (the user may not know it is there). */
async function describeSubkey(subkey: Subkey, now: Date): Promise<string> {
  const name = `subkey ${formatFingerprint(subkey.getKeyID().toHex())}`;
  if (await isValidSubkey(subkey, now)) return name;
  const dates = [subkey.getCreationTime(), ...subkey.bindingSignatures.map((binding) => binding.created)];
  const future = dates.filter((date): date is Date => date !== null && date > now).sort((a, b) => +a - +b)[0];
  return future ? `${name} (dated ${future.toISOString().slice(0, 10)}, in the future)` : name;
}

/** When the subkey expires under this binding signature, in milliseconds (Infinity if never). */
function bindingKeyExpiry(subkey: Subkey, binding: SignaturePacket): number {
  if (binding.keyNeverExpires !== false || binding.keyExpirationTime === null) return Infinity;
  return subkey.getCreationTime().getTime() + binding.keyExpirationTime * 1000;
}

/**
 * Validates an agency's public key before it is registered. Refuses private keys, several keys,
 * keys GnuPG 2.2 peers could not use, weak algorithms, and keys that cannot both sign (sealed
 * submissions) and encrypt (sealed output). Nothing here stores anything.
 */
export async function inspectAgencyPublicKey(armored: string, now: Date = new Date()): Promise<AgencyKeyInfo> {
  if (typeof armored === 'string' && armored.length > MAX_ARMORED_KEY_LENGTH) {
    throw new BadUserInputError(
      `The key is larger than ${MAX_ARMORED_KEY_LENGTH / 1024} KiB armored; export it without third-party signatures (gpg --export --armor --export-options export-minimal)`,
      [FIELD],
    );
  }
  const key = await readPublicKeyOrThrow(armored, FIELD);
  const fingerprint = formatFingerprint(key.getFingerprint());

  if (key.keyPacket.version !== 4) {
    throw new BadUserInputError(
      `Only version 4 keys (RFC 4880) are accepted so GnuPG 2.2 peers can use them; this is a version ${key.keyPacket.version} key`,
      [FIELD],
    );
  }
  assertAllowedAlgorithm(key.getAlgorithmInfo(), 'primary key');

  try {
    await key.verifyPrimaryKey(now);
  } catch (err) {
    const classified = classifyOpenPgpError(err, { operation: 'verify', fingerprint });
    if (classified instanceof KeyRevokedError) {
      throw new KeyRevokedError(
        classified.state === 'REVOKED' ? 'The key has been revoked; nothing was stored' : 'The key has expired; nothing was stored',
        classified.state,
        fingerprint,
      );
    }
    throw new BadUserInputError('The key has no valid self-signature (user ID binding)', [FIELD]);
  }

  for (const subkey of key.subkeys) {
    if (!(await isRetiredSubkey(subkey, now))) assertAllowedAlgorithm(subkey.getAlgorithmInfo(), await describeSubkey(subkey, now));
  }

  try {
    await key.getSigningKey(undefined, now);
  } catch {
    throw new BadUserInputError(
      'The key cannot sign: it needs a primary key or subkey with the signing capability (used for sealed submissions)',
      [FIELD],
    );
  }
  try {
    await key.getEncryptionKey(undefined, now);
  } catch {
    throw new BadUserInputError(
      'The key cannot encrypt: it needs a valid encryption subkey (used for sealed output)',
      [FIELD],
    );
  }

  const expiration = await key.getExpirationTime();
  return {
    fingerprint,
    keyId: formatFingerprint(key.getKeyID().toHex()),
    ...describeAlgorithm(key.getAlgorithmInfo()),
    createdAt: key.getCreationTime(),
    expiresAt: expiration instanceof Date ? expiration : null,
    userIds: key.getUserIDs(),
    armored: key.toPublic().armor(),
  };
}

/**
 * A stored key brought up to date with a newer copy of itself (the same primary key, as GnuPG
 * exports it after `--quick-set-expire` renews a subkey, or a subkey is added or revoked): their
 * certifications, subkeys and revocations merged, so that an older copy can never take back a
 * revocation. The merged key armored, or null when the copy brings nothing new.
 */
export async function mergeKeyUpdate(storedArmored: string, presentedArmored: string): Promise<string | null> {
  const [stored, presented] = await Promise.all([readPublicKeyOrThrow(storedArmored, FIELD), readPublicKeyOrThrow(presentedArmored, FIELD)]);
  if (stored.getFingerprint() !== presented.getFingerprint()) throw new Error('mergeKeyUpdate: not the same key');
  const merged = await stored.update(presented);
  const before = stored.write();
  const after = merged.write();
  if (before.length === after.length && before.every((byte, i) => byte === after[i])) return null;
  return merged.toPublic().armor();
}

/** Parsed stored keys by their armored text, newest use last; a stored key's text changes when it is revoked. */
const parsedKeys = new Map<string, Promise<PublicKey>>();
const PARSED_KEYS_KEPT = 256;

/**
 * Reads a registered (stored) agency key for verification or encryption, without judging it.
 * Parsed once per text and then shared: parsing (and the self-signature checks OpenPGP.js caches
 * on the parsed key) cost more per sealed submission than the database statements did. Whether
 * the key is valid at a given time is still checked by each use.
 */
export function loadAgencyPublicKey(armored: string): Promise<PublicKey> {
  const cached = parsedKeys.get(armored);
  if (cached) {
    parsedKeys.delete(armored);
    parsedKeys.set(armored, cached);
    return cached;
  }
  const parsing = readPublicKeyOrThrow(armored, FIELD);
  parsedKeys.set(armored, parsing);
  parsing.catch(() => parsedKeys.delete(armored));
  if (parsedKeys.size > PARSED_KEYS_KEPT) parsedKeys.delete(parsedKeys.keys().next().value as string);
  return parsing;
}

const AGENCY_CODE = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
/** The user ID `windward keygen` gives a key (below): `<CODE> Customs <<code>@windward.invalid>`. */
const KEYGEN_USER_ID = /^([A-Za-z0-9-]+) Customs <([A-Za-z0-9-]+)@windward\.invalid>$/;

/**
 * The agency a key names when `windward keygen` made it, or null for any other key (an agency's own
 * GnuPG key names whatever it likes). Lets registration refuse a key generated for another agency,
 * the mistake of running keygen with one code and registering as another.
 */
export function keygenAgencyOf(userIds: readonly string[]): string | null {
  for (const userId of userIds) {
    const match = KEYGEN_USER_ID.exec(userId);
    if (match && match[1] === match[2].toUpperCase()) return match[1];
  }
  return null;
}

/** Key pair for `windward keygen`: Curve25519 legacy v4, readable by GnuPG 2.2. */
export async function generateAgencyKeyPair(options: {
  agencyCode: string;
  passphrase?: string;
  now?: Date;
}): Promise<GeneratedKeyPair> {
  const code = options.agencyCode;
  if (typeof code !== 'string' || code.length > 32 || !AGENCY_CODE.test(code)) {
    throw new BadUserInputError('Agency codes are letters, digits and single hyphens (e.g. JM, RILO-AP)', [
      'agencyCode',
    ]);
  }
  return generateInteropKeyPair({
    userId: { name: `${code.toUpperCase()} Customs`, email: `${code.toLowerCase()}@windward.invalid` },
    passphrase: options.passphrase,
    now: options.now,
  });
}

const REVOCATION_REASONS: Record<number, RevocationReason> = {
  [enums.reasonForRevocation.noReason]: 'UNSPECIFIED',
  [enums.reasonForRevocation.keySuperseded]: 'SUPERSEDED',
  [enums.reasonForRevocation.keyCompromised]: 'COMPROMISED',
  [enums.reasonForRevocation.keyRetired]: 'RETIRED',
};

/**
 * The key's own (verified) revocation, if any. Third parties can append revocation packets to a
 * key they pass around, so only signatures made by the key itself count.
 */
export async function getKeyRevocation(key: PublicKey): Promise<KeyRevocation | null> {
  for (const signature of key.revocationSignatures) {
    try {
      await signature.verify(key.keyPacket, enums.signature.keyRevocation, { key: key.keyPacket });
    } catch {
      continue;
    }
    return {
      reason: REVOCATION_REASONS[signature.reasonForRevocationFlag ?? 0] ?? 'UNSPECIFIED',
      revokedAt: signature.created ?? new Date(0),
      comment: signature.reasonForRevocationString || null,
    };
  }
  return null;
}

/**
 * Applies an agency's revocation certificate to its registered public key. Signatures made before
 * a SUPERSEDED or RETIRED revocation keep verifying; a COMPROMISED (or unspecified) revocation
 * invalidates every signature of the key, old ones included.
 */
export async function applyRevocationCertificate(options: {
  armoredPublicKey: string;
  revocationCertificate: string;
}): Promise<{ armored: string; revocation: KeyRevocation }> {
  const key = await readPublicKeyOrThrow(options.armoredPublicKey, FIELD);
  // GnuPG prefixes the certificates it writes to openpgp-revocs.d with ':' to stop accidental imports.
  const certificate = options.revocationCertificate.replace(/^:(-----BEGIN)/m, '$1');
  let revoked: PublicKey;
  try {
    ({ publicKey: revoked } = await revokeKey({
      key,
      revocationCertificate: certificate,
      format: 'object',
      config: INTEROP_CONFIG,
    }));
  } catch {
    throw new BadUserInputError('The revocation certificate is malformed or does not belong to this key', [
      'revocationCertificate',
    ]);
  }
  const revocation = await getKeyRevocation(revoked);
  if (revocation === null) {
    throw new BadUserInputError('The revocation certificate does not revoke this key', ['revocationCertificate']);
  }
  return { armored: revoked.armor(), revocation };
}
