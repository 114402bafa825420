import { In, IsNull, type EntityManager } from 'typeorm';
import { loadAgencyPublicKey } from '../crypto/agency-key.js';
import { canEncryptNow, type UsableKey } from './agency-keys.service.js';
import { UserKeyEntity } from './user-key.entity.js';

/**
 * Each user's newest personal key that new sections can be encrypted to now (not revoked, not
 * expired, an encryption subkey valid now, of an algorithm registration takes); users without one
 * are absent. Used by PersonalKeysService and by the re-wrap job, which must judge a user's key
 * as a new section would.
 */
export async function personalEncryptionKeys(manager: EntityManager, userIds: readonly string[], now = new Date()): Promise<Map<string, UsableKey>> {
  const result = new Map<string, UsableKey>();
  if (userIds.length === 0) return result;
  const keys = await manager.find(UserKeyEntity, { where: { userId: In([...new Set(userIds)]), revokedAt: IsNull() }, order: { keyCreatedAt: 'DESC' } });
  for (const key of keys) {
    if (result.has(key.userId) || (key.expiresAt && key.expiresAt <= now)) continue;
    const publicKey = await loadAgencyPublicKey(key.armored);
    if (await canEncryptNow(publicKey, now)) result.set(key.userId, { fingerprint: key.fingerprint, publicKey, armored: key.armored });
  }
  return result;
}

/**
 * The agency's users who read RED reports naming them with a personal key, as a new section
 * decides it: those whose personal key can encrypt now. The others (no key, or one whose
 * encryption subkey has expired) read them through their agency's key.
 */
export async function personalKeyHoldersIn(manager: EntityManager, agency: string, now = new Date()): Promise<string[]> {
  const rows = (await manager.query(
    'SELECT DISTINCT k.user_id FROM user_keys k JOIN users u ON u.id = k.user_id WHERE u.agency_code = $1 AND k.revoked_at IS NULL',
    [agency],
  )) as { user_id: string }[];
  return [...(await personalEncryptionKeys(manager, rows.map((row) => row.user_id), now)).keys()];
}
