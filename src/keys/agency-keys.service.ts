import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PublicKey } from 'openpgp';
import type { Repository } from 'typeorm';
import { loadAgencyPublicKey } from '../crypto/agency-key.js';
import { AgencyKeyEntity } from './agency-key.entity.js';

export interface UsableKey {
  fingerprint: string;
  publicKey: PublicKey;
}

function usable(key: AgencyKeyEntity, now: Date): boolean {
  return !key.revokedAt && (!key.expiresAt || key.expiresAt > now);
}

/** Agencies' registered OpenPGP public keys: which one to encrypt to, which ones verify. */
@Injectable()
export class AgencyKeysService {
  constructor(@InjectRepository(AgencyKeyEntity) private readonly keys: Repository<AgencyKeyEntity>) {}

  listForAgencies(codes: readonly string[]): Promise<AgencyKeyEntity[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return this.keys.createQueryBuilder('k').where('k.agency_code = ANY(:codes)', { codes: [...codes] }).orderBy('k.key_created_at', 'DESC').getMany();
  }

  /** The newest valid key of each agency (agencies without one are absent): new encryption uses it. */
  async encryptionKeys(codes: readonly string[], now = new Date()): Promise<Map<string, UsableKey>> {
    const result = new Map<string, UsableKey>();
    for (const key of await this.listForAgencies(codes)) {
      if (result.has(key.agencyCode) || !usable(key, now)) continue;
      result.set(key.agencyCode, { fingerprint: key.fingerprint, publicKey: await loadAgencyPublicKey(key.armored) });
    }
    return result;
  }

  /** Every registered key of the agency that may still sign: what a sealed submission is verified against. */
  async verificationKeys(agencyCode: string, now = new Date()): Promise<UsableKey[]> {
    const keys = await this.listForAgencies([agencyCode]);
    return Promise.all(keys.filter((k) => usable(k, now)).map(async (k) => ({ fingerprint: k.fingerprint, publicKey: await loadAgencyPublicKey(k.armored) })));
  }

  /** Any registered key by fingerprint, revoked ones included: for re-verifying stored signatures. */
  findByFingerprint(fingerprint: string): Promise<AgencyKeyEntity | null> {
    return this.keys.findOneBy({ fingerprint: fingerprint.toUpperCase() });
  }
}
