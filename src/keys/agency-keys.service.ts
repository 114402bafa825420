import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PublicKey } from 'openpgp';
import type { EntityManager, Repository } from 'typeorm';
import { isAllowedAlgorithm, loadAgencyPublicKey } from '../crypto/agency-key.js';
import { AgencyKeyEntity } from './agency-key.entity.js';

export interface UsableKey {
  fingerprint: string;
  publicKey: PublicKey;
  /** The stored armored text, for work done on another thread. */
  armored: string;
}

function usable(key: AgencyKeyEntity, now: Date): boolean {
  return !key.revokedAt && (!key.expiresAt || key.expiresAt > now);
}

/**
 * Whether new sections can be encrypted to the key now. The stored `expires_at` is the primary
 * key's; an encryption subkey may expire (or the key be made with one that does) before it, and
 * encrypting to such a key fails, refusing the whole submission. A key registered before
 * registration checked subkeys dated in the future may hold one of a refused algorithm (RSA 2048,
 * X25519) that OpenPGP.js picks once its date comes: such a key is passed over like an expired one.
 */
export async function canEncryptNow(publicKey: PublicKey, now: Date): Promise<boolean> {
  try {
    return isAllowedAlgorithm((await publicKey.getEncryptionKey(undefined, now)).getAlgorithmInfo());
  } catch {
    return false;
  }
}

/** Fingerprints as stored: upper-case hex, without the spaces GnuPG prints them with. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/\s+/g, '').toUpperCase();
}

/** Agencies' registered OpenPGP public keys: which one to encrypt to, which ones verify. */
@Injectable()
export class AgencyKeysService {
  constructor(@InjectRepository(AgencyKeyEntity) private readonly keys: Repository<AgencyKeyEntity>) {}

  /** Every key of these agencies, revoked ones included, newest first: one query for a whole page (DataLoader). */
  /**
   * Pass the transaction's `manager` when calling inside one: a read on another connection would
   * wait for the transaction on the single-session embedded database.
   */
  listForAgencies(codes: readonly string[], manager?: EntityManager): Promise<AgencyKeyEntity[]> {
    if (codes.length === 0) return Promise.resolve([]);
    const keys = manager ? manager.getRepository(AgencyKeyEntity) : this.keys;
    return keys.createQueryBuilder('k').where('k.agency_code = ANY(:codes)', { codes: [...codes] }).orderBy('k.key_created_at', 'DESC').getMany();
  }

  /** The newest valid key of each agency that can encrypt now (agencies without one are absent): new encryption uses it. */
  async encryptionKeys(codes: readonly string[], now = new Date(), manager?: EntityManager): Promise<Map<string, UsableKey>> {
    const result = new Map<string, UsableKey>();
    for (const key of await this.listForAgencies(codes, manager)) {
      if (result.has(key.agencyCode) || !usable(key, now)) continue;
      const publicKey = await loadAgencyPublicKey(key.armored);
      if (await canEncryptNow(publicKey, now)) result.set(key.agencyCode, { fingerprint: key.fingerprint, publicKey, armored: key.armored });
    }
    return result;
  }

  /** Every registered key of the agency that may still sign: what a sealed submission is verified against. */
  async verificationKeys(agencyCode: string, now = new Date()): Promise<UsableKey[]> {
    const keys = await this.listForAgencies([agencyCode]);
    return Promise.all(keys.filter((k) => usable(k, now)).map(async (k) => ({ fingerprint: k.fingerprint, publicKey: await loadAgencyPublicKey(k.armored), armored: k.armored })));
  }

  /** Any registered key by fingerprint, revoked ones included: for re-verifying stored signatures. */
  findByFingerprint(fingerprint: string): Promise<AgencyKeyEntity | null> {
    return this.keys.findOneBy({ fingerprint: normalizeFingerprint(fingerprint) });
  }

  /**
   * Whether signatures made by this key are still shown as verified: false once the key is revoked
   * as COMPROMISED (old signatures included), and for a key that is not registered. Superseded and
   * retired keys keep their signatures.
   */
  async isSignatureTrusted(fingerprint: string): Promise<boolean> {
    return (await this.signatureTrust([fingerprint])).get(normalizeFingerprint(fingerprint)) ?? false;
  }

  /** `isSignatureTrusted` for many keys in one query (keyed by normalised fingerprint), for DataLoaders. */
  async signatureTrust(fingerprints: readonly string[]): Promise<Map<string, boolean>> {
    const wanted = [...new Set(fingerprints.map(normalizeFingerprint))];
    const result = new Map<string, boolean>(wanted.map((fingerprint) => [fingerprint, false]));
    if (wanted.length === 0) return result;
    const rows = await this.keys
      .createQueryBuilder('k')
      .select(['k.fingerprint', 'k.revocationReason'])
      .where('k.fingerprint = ANY(:wanted)', { wanted })
      .getMany();
    for (const row of rows) result.set(row.fingerprint, row.revocationReason !== 'COMPROMISED');
    return result;
  }
}
