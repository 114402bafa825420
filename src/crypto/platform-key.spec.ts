import { readKey, readPrivateKey } from 'openpgp';

import { generateAgencyKeyPair } from './agency-key.js';
import { PLATFORM_USER_ID, PlatformKeyError, PlatformKeyPassphraseError, generatePlatformKeyPair, loadPlatformPrivateKey } from './platform-key.js';

const PASSPHRASE = 'correct horse battery staple';

describe('platform key', () => {
  let pair: Awaited<ReturnType<typeof generatePlatformKeyPair>>;

  beforeAll(async () => {
    pair = await generatePlatformKeyPair({ passphrase: PASSPHRASE });
  });

  it('is a v4 Curve25519 legacy key pair (GnuPG 2.2 profile) with the platform user id', async () => {
    const key = await readKey({ armoredKey: pair.publicKeyArmored });
    expect(key.keyPacket.version).toBe(4);
    expect(key.getAlgorithmInfo()).toEqual({ algorithm: 'eddsaLegacy', curve: 'ed25519Legacy' });
    expect(key.subkeys.map((subkey) => subkey.getAlgorithmInfo())).toEqual([
      { algorithm: 'ecdh', curve: 'curve25519Legacy' },
    ]);
    expect(key.getUserIDs()).toEqual([`${PLATFORM_USER_ID.name} <${PLATFORM_USER_ID.email}>`]);
    expect(pair.fingerprint).toBe(key.getFingerprint().toUpperCase());
    expect(pair.revocationCertificate).toContain('BEGIN PGP PUBLIC KEY BLOCK');
  });

  it('stores the private key encrypted with the passphrase', async () => {
    const stored = await readPrivateKey({ armoredKey: pair.privateKeyArmored });
    expect(stored.isDecrypted()).toBe(false);
  });

  it('loads and unlocks the private key', async () => {
    const key = await loadPlatformPrivateKey({ armoredPrivateKey: pair.privateKeyArmored, passphrase: PASSPHRASE });
    expect(key.isDecrypted()).toBe(true);
    expect(key.getFingerprint().toUpperCase()).toBe(pair.fingerprint);
  });

  it('reports a wrong passphrase clearly, without echoing it', async () => {
    const attempt = loadPlatformPrivateKey({ armoredPrivateKey: pair.privateKeyArmored, passphrase: 'hunter2-wrong' });
    await expect(attempt).rejects.toThrow(PlatformKeyPassphraseError);
    await expect(attempt).rejects.toThrow(/wrong passphrase/);
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it('refuses a private key that is not passphrase-protected', async () => {
    const unprotected = await generateAgencyKeyPair({ agencyCode: 'JM' });
    await expect(
      loadPlatformPrivateKey({ armoredPrivateKey: unprotected.privateKeyArmored, passphrase: PASSPHRASE }),
    ).rejects.toThrow(/must be protected with a passphrase/);
  });

  it('refuses a public key or garbage in place of the private key', async () => {
    await expect(
      loadPlatformPrivateKey({ armoredPrivateKey: pair.publicKeyArmored, passphrase: PASSPHRASE }),
    ).rejects.toThrow(PlatformKeyError);
    await expect(
      loadPlatformPrivateKey({
        armoredPrivateKey: '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot a key\n-----END PGP PRIVATE KEY BLOCK-----\n',
        passphrase: PASSPHRASE,
      }),
    ).rejects.toThrow(/malformed/i);
  });

  it('requires a passphrase of reasonable length', async () => {
    await expect(generatePlatformKeyPair({ passphrase: 'short' })).rejects.toThrow(PlatformKeyError);
  });
});
