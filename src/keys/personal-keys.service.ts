import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, auditFromContext } from '../audit/audit.service.js';
import type { RequestContext } from '../access/request-context.js';
import { inspectAgencyPublicKey, loadAgencyPublicKey } from '../crypto/agency-key.js';
import { KeyRevokedError } from '../crypto/crypto.errors.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors/domain-error.js';
import { JsonLogger } from '../observability/json-logger.js';
import { KEY_REVOCATION_REASONS, type KeyRevocationReasonName } from './agency-key.entity.js';
import { AgencyKeysService, normalizeFingerprint, type UsableKey } from './agency-keys.service.js';
import { dropAgencyCopyNoLongerNeeded, redSectionsNamingWithout, rewrapFromPlatform, type PlatformSectionRow } from './key-rewrap.service.js';
import { recordResealNeeded } from './reseal-notice.js';
import { KeyPossession, type KeyChallenge, type PossessionSubject } from './key-possession.js';
import { PlatformKeyService } from './platform-key.service.js';
import { personalEncryptionKeys, personalKeyHoldersIn } from './personal-key-selection.js';
import { UserKeyEntity } from './user-key.entity.js';

const MAX_NOTE_LENGTH = 500;

/** The recipient id of a user's personal key in section_recipients. */
export const userRecipient = (userId: string) => `user:${userId}`;

const possessionFor = (userId: string): PossessionSubject => ({ purpose: 'user-key', subject: userId, subjectLabel: 'User', issuedTo: userId });

/**
 * Users' personal OpenPGP keys. A user registers their own key, proving possession by signing a
 * challenge; RED sensitive sections naming them are then wrapped to it instead of to their
 * agency's key, so that holding the agency key no longer opens them.
 */
@Injectable()
export class PersonalKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly possession: KeyPossession,
    private readonly audit: AuditService,
    private readonly logger: JsonLogger,
    private readonly platformKey: PlatformKeyService,
    private readonly agencyKeys: AgencyKeysService,
  ) {}

  challenge(ctx: RequestContext): Promise<KeyChallenge> {
    return this.possession.issue(possessionFor(ctx.principal.userId));
  }

  list(userId: string): Promise<UserKeyEntity[]> {
    return this.dataSource.getRepository(UserKeyEntity).find({ where: { userId }, order: { keyCreatedAt: 'DESC' } });
  }

  /** The newest valid personal key of each of these users that can encrypt now (users without one are absent). */
  async encryptionKeys(userIds: readonly string[], manager: EntityManager = this.dataSource.manager, now = new Date()): Promise<Map<string, UsableKey>> {
    return personalEncryptionKeys(manager, userIds, now);
  }

  /** Registers the caller's key; the same key again is returned unchanged. */
  async register(ctx: RequestContext, armoredPublicKey: string, signedChallenge: string): Promise<UserKeyEntity> {
    // Refuses private keys, malformed, weak, revoked or expired keys; nothing is stored.
    const info = await inspectAgencyPublicKey(armoredPublicKey);
    const userId = ctx.principal.userId;
    return this.dataSource.transaction(async (manager) => {
      await this.possession.prove(manager, possessionFor(userId), signedChallenge, await loadAgencyPublicKey(info.armored));
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(UserKeyEntity)
        .values({ fingerprint: info.fingerprint, userId, algorithm: info.algorithm, armored: info.armored, keyCreatedAt: info.createdAt, expiresAt: info.expiresAt })
        .orIgnore()
        .returning(['fingerprint'])
        .execute();
      const stored = await manager.findOneByOrFail(UserKeyEntity, { fingerprint: info.fingerprint });
      if (stored.userId !== userId) throw new ConflictError('This key is already registered by another user');
      if ((inserted.raw as unknown[]).length === 0) {
        if (stored.revokedAt) throw new KeyRevokedError('This key was revoked; register a new key instead', 'REVOKED', stored.fingerprint);
        return stored;
      }
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'user-key.register', resourceType: 'User', resourceId: userId, resourceAgency: ctx.principal.agencyCode,
        details: { fingerprint: stored.fingerprint, algorithm: stored.algorithm },
      }));
      await this.takeOverFromAgency(manager, userId, ctx.principal.agencyCode);
      return stored;
    });
  }

  /**
   * Revokes one of the caller's keys (a COMPROMISED mark may be added to an earlier revocation).
   * Sections wrapped to a compromised key stay readable by it; for server-blind ones the server
   * cannot re-wrap, so each such report's owner is told through an audit event on the report and
   * `sectionsToReseal`.
   */
  async revoke(ctx: RequestContext, fingerprint: string, reason: KeyRevocationReasonName, note?: string | null): Promise<UserKeyEntity> {
    if (!KEY_REVOCATION_REASONS.includes(reason)) throw new BadUserInputError('Unknown revocation reason', ['reason']);
    const trimmed = note?.trim() || null;
    if (trimmed && trimmed.length > MAX_NOTE_LENGTH) throw new BadUserInputError(`The note must be at most ${MAX_NOTE_LENGTH} characters`, ['note']);
    return this.dataSource.transaction(async (manager) => {
      const stored = await manager.findOne(UserKeyEntity, {
        where: { fingerprint: normalizeFingerprint(fingerprint), userId: ctx.principal.userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!stored) throw new NotFoundError('Key');
      const escalates = stored.revokedAt !== null && reason === 'COMPROMISED' && stored.revocationReason !== 'COMPROMISED';
      if (stored.revokedAt !== null && !escalates) return stored;
      stored.revokedAt ??= new Date();
      stored.revocationReason = reason;
      stored.revocationNote = trimmed ?? stored.revocationNote;
      await manager.update(UserKeyEntity, { fingerprint: stored.fingerprint }, { revokedAt: stored.revokedAt, revocationReason: reason, revocationNote: stored.revocationNote });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'user-key.revoke', resourceType: 'User', resourceId: stored.userId, resourceAgency: ctx.principal.agencyCode,
        details: { fingerprint: stored.fingerprint, reason, note: trimmed },
      }));
      if (reason === 'COMPROMISED') {
        await this.moveFromCompromised(manager, stored.userId, ctx.principal.agencyCode, stored.fingerprint);
        await this.tellOwners(manager, ctx, stored.fingerprint);
      }
      return stored;
    });
  }

  /**
   * Wraps the RED sections naming the user that were made before they had a personal key to it,
   * and takes them from their agency's key where the agency reads them only through this user, so
   * that, as for later reports, holding the agency key no longer opens them and sealedForMe does.
   * Server-blind sections have no PLATFORM row to re-wrap from: their owners re-seal them.
   */
  private async takeOverFromAgency(manager: EntityManager, userId: string, agency: string): Promise<void> {
    const recipient = userRecipient(userId);
    const rows = await redSectionsNamingWithout(manager, userId, recipient);
    if (!rows.length) return;
    const target = (await this.encryptionKeys([userId], manager)).get(userId);
    if (!target) return;
    const holders = await personalKeyHoldersIn(manager, agency); // this user among them now
    for (const row of rows) {
      const pkesk = await this.rewrap(row, target);
      if (!pkesk) continue;
      await manager.query('INSERT INTO section_recipients (seizure_id, recipient, key_fingerprint, pkesk) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        row.seizure_id, recipient, target.fingerprint, Buffer.from(pkesk),
      ]);
      await dropAgencyCopyNoLongerNeeded(manager, row.seizure_id, agency, holders);
    }
  }

  private rewrap(row: PlatformSectionRow, target: UsableKey): Promise<Uint8Array | null> {
    return rewrapFromPlatform(row, target, this.platformKey.privateKey, this.logger, 'personal key re-wrap');
  }

  /**
   * Takes the sections wrapped to a compromised personal key away from it, as a compromised
   * agency key's are (key-rewrap.service.ts): to the user's newest valid key or, with none left,
   * to their agency's, which reads RED reports naming a user without a personal key. Otherwise
   * whoever holds the stolen key keeps opening them, and the user's sealedForMe still hands out
   * copies for it. Server-blind sections have no PLATFORM row to re-wrap from: tellOwners.
   */
  private async moveFromCompromised(manager: EntityManager, userId: string, agency: string, fingerprint: string): Promise<void> {
    const recipient = userRecipient(userId);
    const rows = (await manager.query(
      `SELECT r.seizure_id, p.pkesk AS platform_pkesk, c.payload
         FROM section_recipients r
         JOIN section_recipients p ON p.seizure_id = r.seizure_id AND p.recipient = 'PLATFORM'
         JOIN sealed_sections c ON c.seizure_id = r.seizure_id
        WHERE r.recipient = $1 AND r.key_fingerprint = $2`,
      [recipient, fingerprint],
    )) as PlatformSectionRow[];
    if (!rows.length) return;
    const personal = (await this.encryptionKeys([userId], manager)).get(userId);
    const target = personal ?? (await this.agencyKeys.encryptionKeys([agency], new Date(), manager)).get(agency);
    const drop = (seizureId: string) =>
      manager.query('DELETE FROM section_recipients WHERE seizure_id = $1 AND recipient = $2 AND key_fingerprint = $3', [seizureId, recipient, fingerprint]);
    for (const row of rows) {
      if (!target) {
        await drop(row.seizure_id); // granted to the agency once it registers a key (keys.rewrap)
        continue;
      }
      const pkesk = await this.rewrap(row, target);
      if (!pkesk) continue;
      if (personal) {
        await manager.query('UPDATE section_recipients SET pkesk = $1, key_fingerprint = $2 WHERE seizure_id = $3 AND recipient = $4 AND key_fingerprint = $5', [
          Buffer.from(pkesk), personal.fingerprint, row.seizure_id, recipient, fingerprint,
        ]);
      } else {
        await drop(row.seizure_id);
        await manager.query('INSERT INTO section_recipients (seizure_id, recipient, key_fingerprint, pkesk) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
          row.seizure_id, agency, target.fingerprint, Buffer.from(pkesk),
        ]);
      }
    }
  }

  private async tellOwners(manager: EntityManager, ctx: RequestContext, fingerprint: string): Promise<void> {
    const { actor, actorEmail, agency } = auditFromContext(ctx, { action: '' });
    const told = await recordResealNeeded(manager, this.audit, { actor, actorEmail, agency }, fingerprint);
    if (told) this.logger.event('warn', 'server-blind reports need re-sealing', { requestId: ctx.requestId, fingerprint, reports: told });
  }
}
