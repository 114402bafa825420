import { armor, enums, generateKey, readKey, readPrivateKey, reformatKey, revokeKey, type SecretKeyPacket, type UserID } from 'openpgp';

import { BadUserInputError } from '../errors/domain-error.js';
import {
  keygenAgencyOf,
  applyRevocationCertificate,
  generateAgencyKeyPair,
  getKeyRevocation,
  inspectAgencyPublicKey,
  loadAgencyPublicKey,
  mergeKeyUpdate,
} from './agency-key.js';
import { KeyRevokedError } from './crypto.errors.js';

const USER: UserID = { name: 'KY Customs', email: 'ky@windward.invalid' };
const DAY = 86_400_000;

async function eccKey(options: { date?: Date; keyExpirationTime?: number } = {}) {
  return generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [USER], format: 'object', ...options });
}

async function inspectError(armored: string, now?: Date): Promise<unknown> {
  try {
    await inspectAgencyPublicKey(armored, now);
  } catch (err) {
    return err;
  }
  throw new Error('expected inspectAgencyPublicKey to refuse the key');
}

describe('inspectAgencyPublicKey', () => {
  let ecc: Awaited<ReturnType<typeof eccKey>>;

  beforeAll(async () => {
    ecc = await eccKey();
  });

  it('describes a Curve25519 key', async () => {
    const info = await inspectAgencyPublicKey(ecc.publicKey.armor());
    expect(info).toEqual({
      fingerprint: ecc.publicKey.getFingerprint().toUpperCase(),
      keyId: ecc.publicKey.getKeyID().toHex().toUpperCase(),
      algorithm: 'curve25519',
      curve: 'ed25519Legacy',
      createdAt: ecc.publicKey.getCreationTime(),
      expiresAt: null,
      userIds: ['KY Customs <ky@windward.invalid>'],
      armored: expect.stringContaining('-----BEGIN PGP PUBLIC KEY BLOCK-----'),
    });
    expect(info.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect((await readKey({ armoredKey: info.armored })).getFingerprint()).toBe(ecc.publicKey.getFingerprint());
  });

  it('reports the expiry date', async () => {
    const expiring = await eccKey({ keyExpirationTime: 365 * 86_400 });
    const info = await inspectAgencyPublicKey(expiring.publicKey.armor());
    expect(info.expiresAt?.getTime()).toBe(expiring.publicKey.getCreationTime().getTime() + 365 * DAY);
  });

  it('accepts RSA 3072 and refuses RSA 2048', async () => {
    const [rsa3072, rsa2048] = await Promise.all(
      [3072, 2048].map((rsaBits) => generateKey({ type: 'rsa', rsaBits, userIDs: [USER], format: 'object' })),
    );
    const info = await inspectAgencyPublicKey(rsa3072.publicKey.armor());
    expect(info).toMatchObject({ algorithm: 'rsa3072', bits: 3072 });
    const err = await inspectError(rsa2048.publicKey.armor());
    expect(err).toBeInstanceOf(BadUserInputError);
    expect((err as Error).message).toMatch(/at least 3072 bits/);
  });

  it('accepts a NIST P-256 key', async () => {
    const nist = await generateKey({ type: 'ecc', curve: 'nistP256', userIDs: [USER], format: 'object' });
    expect((await inspectAgencyPublicKey(nist.publicKey.armor())).algorithm).toBe('nistP256');
  });

  it('refuses a private key and says nothing was stored', async () => {
    const err = await inspectError(ecc.privateKey.armor());
    expect(err).toBeInstanceOf(BadUserInputError);
    expect((err as Error).message).toMatch(/Private keys are refused/);
    expect((err as Error).message).toMatch(/Nothing was stored/);
    expect((err as BadUserInputError).details.fields).toEqual(['armoredPublicKey']);
  });

  it('refuses secret key packets under a public key header', async () => {
    const disguised = ecc.privateKey.armor().replace(/PRIVATE KEY BLOCK/g, 'PUBLIC KEY BLOCK');
    expect((await inspectError(disguised)) as Error).toMatchObject({ message: expect.stringMatching(/Private keys are refused/) });
  });

  it.each([
    ['empty input', ''],
    ['text', 'hello'],
    ['broken armor', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n'],
  ])('refuses %s as malformed', async (_label, armored) => {
    expect(await inspectError(armored)).toBeInstanceOf(BadUserInputError);
  });

  it('refuses a truncated key', async () => {
    const binary = ecc.publicKey.write();
    const truncated = armor(enums.armor.publicKey, binary.subarray(0, binary.length - 20));
    expect(await inspectError(truncated)).toBeInstanceOf(BadUserInputError);
  });

  it('refuses several keys, in one block or in several', async () => {
    const other = await eccKey();
    const oneBlock = armor(
      enums.armor.publicKey,
      new Uint8Array([...ecc.publicKey.write(), ...other.publicKey.write()]),
    );
    expect(((await inspectError(oneBlock)) as Error).message).toMatch(/exactly one/);
    const twoBlocks = `${ecc.publicKey.armor()}\n${other.publicKey.armor()}`;
    expect(((await inspectError(twoBlocks)) as Error).message).toMatch(/exactly one/);
  });

  it('refuses a key that cannot encrypt', async () => {
    const signOnly = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [USER],
      subkeys: [{ sign: true }],
      format: 'object',
    });
    expect(((await inspectError(signOnly.publicKey.armor())) as Error).message).toMatch(/cannot encrypt/);
  });

  it('refuses an expired key with KEY_REVOKED', async () => {
    const old = await eccKey({ date: new Date(Date.now() - 60 * DAY), keyExpirationTime: 30 * 86_400 });
    const err = await inspectError(old.publicKey.armor());
    expect(err).toBeInstanceOf(KeyRevokedError);
    expect((err as KeyRevokedError).details).toMatchObject({ state: 'EXPIRED' });
  });

  it('refuses a revoked key with KEY_REVOKED', async () => {
    const { publicKey } = await revokeKey({ key: ecc.privateKey, format: 'object' });
    const err = await inspectError(publicKey.armor());
    expect(err).toBeInstanceOf(KeyRevokedError);
    expect((err as KeyRevokedError).details).toEqual({
      state: 'REVOKED',
      fingerprint: ecc.publicKey.getFingerprint().toUpperCase(),
    });
  });

  it('refuses a key too large for any agency or person before checking its signatures', async () => {
    // Every subkey binding (or self-signature) costs a verification on the API's event loop: a key
    // of copied subkeys within the 5 MB request limit blocked every request for seconds.
    const packets = ecc.publicKey.toPacketList();
    const subkey = packets.slice(3);
    for (let i = 0; i < 300; i += 1) packets.push(...subkey);
    const armored = armor(enums.armor.publicKey, packets.write());
    expect(armored.length).toBeGreaterThan(64 * 1024);
    const err = await inspectError(armored);
    expect(err).toBeInstanceOf(BadUserInputError);
    expect((err as BadUserInputError).details.fields).toEqual(['armoredPublicKey']);
  });

  it('refuses v6 keys and RFC 9580 algorithms GnuPG 2.2 cannot use', async () => {
    const v6 = await generateKey({ type: 'curve25519', userIDs: [USER], format: 'object', config: { v6Keys: true } });
    expect(((await inspectError(v6.publicKey.armor())) as Error).message).toMatch(/version 4/);
    const v4Ed25519 = await generateKey({ type: 'curve25519', userIDs: [USER], format: 'object' });
    expect(v4Ed25519.publicKey.keyPacket.version).toBe(4);
    expect(((await inspectError(v4Ed25519.publicKey.armor())) as Error).message).toMatch(/GnuPG 2.2/);
  });
});

describe('inspectAgencyPublicKey: subkeys not in force now', () => {
  // RSA 2048: OpenPGP.js uses it (its own floor is 2047 bits), Windward's policy refuses it.
  const RSA_2048 = { type: 'rsa', rsaBits: 2048 } as const;
  const later = () => new Date(Date.now() + 30 * DAY);
  let ecc: Awaited<ReturnType<typeof eccKey>>;

  beforeAll(async () => {
    ecc = await eccKey({ date: new Date(Date.now() - 90 * DAY) });
  });

  it.each([
    ['an RSA 2048 encryption subkey', { ...RSA_2048 }, /^RSA keys must have at least 3072 bits; the subkey [0-9A-F]{16} \(dated \d{4}-\d{2}-\d{2}, in the future\) has 2048$/],
    ['an RSA 2048 signing subkey', { ...RSA_2048, sign: true }, /at least 3072 bits; the subkey [0-9A-F]{16} \(dated .*, in the future\) has 2048$/],
    ['an X25519 (RFC 9580) subkey', { type: 'curve25519' }, /^The subkey [0-9A-F]{16} \(dated .*, in the future\) uses x25519, which GnuPG 2.2 peers cannot use; /],
    ['an Ed25519 (RFC 9580) signing subkey', { type: 'curve25519', sign: true }, /uses ed25519, which GnuPG 2.2 peers cannot use/],
  ] as const)('refuses %s dated in the future, which OpenPGP.js would use from then on', async (_label, subkey, message) => {
    const date = later();
    const key = await ecc.privateKey.addSubkey({ ...subkey, date });
    const armored = key.toPublic().armor();
    // The gap: once its date comes, the subkey is the one picked.
    const picked = await ('sign' in subkey ? key.getSigningKey(undefined, new Date(date.getTime() + DAY)) : key.getEncryptionKey(undefined, new Date(date.getTime() + DAY)));
    expect(picked.getKeyID().equals(key.subkeys[1].getKeyID())).toBe(true);

    const err = await inspectError(armored);
    expect(err).toBeInstanceOf(BadUserInputError);
    expect((err as BadUserInputError).code).toBe('BAD_USER_INPUT');
    expect((err as BadUserInputError).details.fields).toEqual(['armoredPublicKey']);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(key.subkeys[1].getKeyID().toHex().toUpperCase());
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('refuses an expired weak subkey that a later-dated binding signature renews', async () => {
    const withExpired = await ecc.privateKey.addSubkey({ ...RSA_2048, date: new Date(Date.now() - 60 * DAY), keyExpirationTime: 30 * 86_400 });
    expect(await inspectAgencyPublicKey(withExpired.toPublic().armor())).toMatchObject({ algorithm: 'curve25519' });
    // The same subkey bound again, dated after now and without expiry (as a renewal might be).
    const { privateKey: rebound } = await reformatKey({ privateKey: withExpired, userIDs: [USER], date: later(), format: 'object' });
    withExpired.subkeys[1].bindingSignatures.push(...rebound.subkeys[1].bindingSignatures);
    const err = await inspectError(withExpired.toPublic().armor());
    expect(err).toBeInstanceOf(BadUserInputError);
    expect((err as Error).message).toMatch(/at least 3072 bits; the subkey [0-9A-F]{16} \(dated .*, in the future\) has 2048$/);
  });

  it('still ignores a weak subkey that has expired or been revoked: it is never used again', async () => {
    const expired = await ecc.privateKey.addSubkey({ ...RSA_2048, date: new Date(Date.now() - 60 * DAY), keyExpirationTime: 30 * 86_400 });
    expect(await inspectAgencyPublicKey(expired.toPublic().armor())).toMatchObject({ algorithm: 'curve25519' });

    const withWeak = await ecc.privateKey.addSubkey({ type: 'curve25519' });
    const withFutureWeak = await ecc.privateKey.addSubkey({ type: 'curve25519', date: later() });
    for (const key of [withWeak, withFutureWeak]) {
      key.subkeys[1] = await key.subkeys[1].revoke(key.keyPacket as SecretKeyPacket, { flag: enums.reasonForRevocation.keyRetired });
      expect(await inspectAgencyPublicKey(key.toPublic().armor())).toMatchObject({ algorithm: 'curve25519' });
    }
  });

  it('refuses a renewal (a copy merged into the stored key) that brings such a subkey', async () => {
    const stored = ecc.publicKey.armor();
    const presented = (await ecc.privateKey.addSubkey({ type: 'curve25519', date: later() })).toPublic().armor();
    const merged = await mergeKeyUpdate(stored, presented);
    expect(merged).not.toBeNull();
    expect(((await inspectError(merged!)) as Error).message).toMatch(/uses x25519, which GnuPG 2.2 peers cannot use/);
  });
});

describe('generateAgencyKeyPair', () => {
  it('makes a key pair that passes inspection, with the agency user id', async () => {
    const pair = await generateAgencyKeyPair({ agencyCode: 'rilo-ap' });
    const info = await inspectAgencyPublicKey(pair.publicKeyArmored);
    expect(info.userIds).toEqual(['RILO-AP Customs <rilo-ap@windward.invalid>']);
    expect(info.fingerprint).toBe(pair.fingerprint);
    expect(info.algorithm).toBe('curve25519');
  });

  it('encrypts the private key when a passphrase is given', async () => {
    const pair = await generateAgencyKeyPair({ agencyCode: 'JM', passphrase: 'agency passphrase' });
    expect((await readPrivateKey({ armoredKey: pair.privateKeyArmored })).isDecrypted()).toBe(false);
  });

  it('refuses codes that do not fit a user id', async () => {
    await expect(generateAgencyKeyPair({ agencyCode: 'JM <evil@x>' })).rejects.toThrow(BadUserInputError);
    await expect(generateAgencyKeyPair({ agencyCode: '' })).rejects.toThrow(BadUserInputError);
  });
});

describe('revocation certificates', () => {
  it('applies a certificate and reports its reason', async () => {
    const pair = await generateAgencyKeyPair({ agencyCode: 'KY' });
    const registered = await loadAgencyPublicKey(pair.publicKeyArmored);
    expect(await getKeyRevocation(registered)).toBeNull();

    const plain = await applyRevocationCertificate({
      armoredPublicKey: pair.publicKeyArmored,
      revocationCertificate: pair.revocationCertificate,
    });
    expect(plain.revocation.reason).toBe('UNSPECIFIED');

    const privateKey = await readPrivateKey({ armoredKey: pair.privateKeyArmored });
    const { privateKey: compromised } = await revokeKey({
      key: privateKey,
      reasonForRevocation: { flag: enums.reasonForRevocation.keyCompromised, string: 'laptop stolen' },
      format: 'object',
    });
    const certificate = await compromised.getRevocationCertificate();
    expect(typeof certificate).toBe('string');
    const applied = await applyRevocationCertificate({
      armoredPublicKey: pair.publicKeyArmored,
      revocationCertificate: certificate as string,
    });
    expect(applied.revocation).toMatchObject({ reason: 'COMPROMISED', comment: 'laptop stolen' });
    await expect(inspectAgencyPublicKey(applied.armored)).rejects.toThrow(KeyRevokedError);
  });

  it('refuses a certificate of another key', async () => {
    const [a, b] = await Promise.all([generateAgencyKeyPair({ agencyCode: 'A' }), generateAgencyKeyPair({ agencyCode: 'B' })]);
    await expect(
      applyRevocationCertificate({ armoredPublicKey: a.publicKeyArmored, revocationCertificate: b.revocationCertificate }),
    ).rejects.toThrow(BadUserInputError);
  });
});

describe('keygenAgencyOf', () => {
  it('names the agency of a key windward keygen made', () => {
    expect(keygenAgencyOf(['KY Customs <ky@windward.invalid>'])).toBe('KY');
    expect(keygenAgencyOf(['Other <x@example.org>', 'RILO-AP Customs <rilo-ap@windward.invalid>'])).toBe('RILO-AP');
  });

  it('says nothing of any other key, whatever its address', () => {
    expect(keygenAgencyOf(['JM Customs RSA <jm-rsa@windward.invalid>'])).toBeNull();
    expect(keygenAgencyOf(['Jamaica Customs Intelligence <intel@jca.gov.jm>'])).toBeNull();
    expect(keygenAgencyOf(['KY Customs <jm@windward.invalid>'])).toBeNull();
    expect(keygenAgencyOf([])).toBeNull();
  });
});

describe('mergeKeyUpdate', () => {
  it('brings a newer copy of a key in, and lets no older copy take anything back', async () => {
    const { privateKey, publicKey } = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'BB Customs', email: 'bb@windward.invalid' }], format: 'object' });
    expect(await mergeKeyUpdate(publicKey.armor(), publicKey.armor())).toBeNull();
    const { publicKey: revoked } = await revokeKey({ key: privateKey, format: 'object' });
    // The newer copy carries a revocation: merged in.
    const merged = await mergeKeyUpdate(publicKey.armor(), revoked.armor());
    expect(merged).not.toBeNull();
    expect(await (await readKey({ armoredKey: merged! })).isRevoked()).toBe(true);
    // The older copy, presented after: nothing new, the revocation stays.
    expect(await mergeKeyUpdate(merged!, publicKey.armor())).toBeNull();
    const other = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'BB Customs', email: 'bb@windward.invalid' }], format: 'armored' });
    await expect(mergeKeyUpdate(publicKey.armor(), other.publicKey)).rejects.toThrow(/not the same key/);
  });
});
