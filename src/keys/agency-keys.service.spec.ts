import { generateKey } from 'openpgp';
import type { EntityManager, Repository } from 'typeorm';
import type { AgencyKeyEntity } from './agency-key.entity.js';
import { AgencyKeysService, canEncryptNow } from './agency-keys.service.js';
import { PersonalKeysService } from './personal-keys.service.js';
import type { UserKeyEntity } from './user-key.entity.js';

const DAY = 86_400_000;
const now = Date.now();

/**
 * A key as GnuPG users often keep one: the primary never expires, the encryption subkey does (and
 * is renewed or replaced when it does). The stored `expires_at` is the primary key's: null.
 */
async function keyWithExpiringSubkey(created: Date, subkeyDays: number) {
  const { publicKey } = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'JM Customs', email: 'ops@jm.example' }],
    subkeys: [{ keyExpirationTime: subkeyDays * 86_400 }],
    date: created,
    format: 'object',
  });
  return { fingerprint: publicKey.getFingerprint().toUpperCase(), armored: publicKey.armor(), keyCreatedAt: created, expiresAt: null, revokedAt: null };
}

describe('which registered key new sections are encrypted to', () => {
  it("skips an agency key whose encryption subkey has expired, for the agency's next key that can encrypt", async () => {
    const older = await keyWithExpiringSubkey(new Date(now - 10 * DAY), 365);
    const newer = await keyWithExpiringSubkey(new Date(now - 5 * DAY), 2);
    const rows = [newer, older].map((key) => ({ ...key, agencyCode: 'JM' }) as AgencyKeyEntity);
    const builder = { where: () => builder, orderBy: () => builder, getMany: () => Promise.resolve(rows) };
    const service = new AgencyKeysService({ createQueryBuilder: () => builder } as unknown as Repository<AgencyKeyEntity>);

    // Encrypting to the newer key now fails (KEY_REVOKED: expired), which refused every report
    // with a section for JM, released to it by another agency included.
    expect((await service.encryptionKeys(['JM'], new Date(now))).get('JM')?.fingerprint).toBe(older.fingerprint);
    expect((await service.encryptionKeys(['JM'], new Date(now - 4 * DAY))).get('JM')?.fingerprint).toBe(newer.fingerprint);
    expect((await service.encryptionKeys(['JM'], new Date(now + 400 * DAY))).has('JM')).toBe(false);
  });

  it('skips a personal key whose encryption subkey has expired', async () => {
    const key = await keyWithExpiringSubkey(new Date(now - 5 * DAY), 2);
    const manager = { find: () => Promise.resolve([{ ...key, userId: 'u1' } as UserKeyEntity]) } as unknown as EntityManager;
    const service = new PersonalKeysService(null as never, null as never, null as never, null as never, null as never, null as never);

    expect((await service.encryptionKeys(['u1'], manager, new Date(now - 4 * DAY))).has('u1')).toBe(true);
    expect((await service.encryptionKeys(['u1'], manager, new Date(now))).has('u1')).toBe(false);
  });

  it('passes over a key once an encryption subkey of a refused algorithm comes into force', async () => {
    // Registered before registration checked subkeys dated in the future: an X25519 (RFC 9580)
    // subkey GnuPG 2.2 peers cannot use, which OpenPGP.js picks from its date on.
    const { privateKey } = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'JM Customs', email: 'ops@jm.example' }], date: new Date(now - 10 * DAY), format: 'object' });
    const stored = (await privateKey.addSubkey({ type: 'curve25519', date: new Date(now + 5 * DAY) })).toPublic();

    expect(await canEncryptNow(stored, new Date(now))).toBe(true);
    expect((await stored.getEncryptionKey(undefined, new Date(now + 6 * DAY))).getAlgorithmInfo().algorithm).toBe('x25519');
    expect(await canEncryptNow(stored, new Date(now + 6 * DAY))).toBe(false);
  });
});
