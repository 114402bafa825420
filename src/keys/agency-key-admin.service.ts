import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService, auditFromContext } from '../audit/audit.service.js';
import type { RequestContext } from '../access/request-context.js';
import { inspectAgencyPublicKey, keygenAgencyOf, loadAgencyPublicKey, mergeKeyUpdate } from '../crypto/agency-key.js';
import { KeyRevokedError } from '../crypto/crypto.errors.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors/domain-error.js';
import { AgencyKeyEntity, KEY_REVOCATION_REASONS, type KeyRevocationReasonName } from './agency-key.entity.js';
import { normalizeFingerprint } from './agency-keys.service.js';
import { KeyPossession, type KeyChallenge, type PossessionSubject } from './key-possession.js';
import { KeyRotationService } from './key-rotation.service.js';
import { keyRevision } from './key-rewrap.types.js';

const MAX_NOTE_LENGTH = 500;

/**
 * What an agency administrator does with the agency's keys: register one (a newer key is a
 * rotation) and revoke one. Each change is audited in its own transaction; the re-wrap it calls
 * for is queued once the change is committed.
 */
@Injectable()
export class AgencyKeyAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly rotation: KeyRotationService,
    private readonly possession: KeyPossession,
  ) {}

  /** What a key registered for the caller's agency must be proven for. */
  private possessionSubject(ctx: RequestContext): PossessionSubject {
    return { purpose: 'agency-key', subject: ctx.principal.agencyCode, subjectLabel: 'Agency', issuedTo: ctx.principal.userId };
  }

  /** A challenge to sign with the private key of the key the caller is about to register. */
  challenge(ctx: RequestContext): Promise<KeyChallenge> {
    return this.possession.issue(this.possessionSubject(ctx));
  }

  /**
   * Registers a public key for the caller's agency, given `signedChallenge`: a challenge from
   * `challenge()` signed by that key's private key, which proves the agency holds it. Registering
   * the same key again returns it unchanged, unless the copy brings something new (a renewed or
   * added subkey): then the stored key is brought up to date with it (merged, so no revocation is
   * lost) and the agency is granted what it missed meanwhile. A key another agency registered is a
   * CONFLICT.
   */
  async register(ctx: RequestContext, armoredPublicKey: string, signedChallenge: string): Promise<AgencyKeyEntity> {
    // Refuses private keys (nothing is stored), malformed, weak, revoked or expired keys.
    const info = await inspectAgencyPublicKey(armoredPublicKey);
    const agency = ctx.principal.agencyCode;
    const publicKey = await loadAgencyPublicKey(info.armored);
    let repeated = false;
    const key = await this.dataSource.transaction(async (manager) => {
      await this.possession.prove(manager, this.possessionSubject(ctx), signedChallenge, publicKey);
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(AgencyKeyEntity)
        .values({
          fingerprint: info.fingerprint,
          agencyCode: agency,
          algorithm: info.algorithm,
          armored: info.armored,
          keyCreatedAt: info.createdAt,
          expiresAt: info.expiresAt,
          registeredBy: ctx.principal.userId,
        })
        .orIgnore()
        .returning(['fingerprint'])
        .execute();
      // Locked: a renewal below updates it, and two renewals at once must not both read the old copy.
      const stored = await manager.findOneOrFail(AgencyKeyEntity, { where: { fingerprint: info.fingerprint }, lock: { mode: 'pessimistic_write' } });
      if (stored.agencyCode !== agency) throw new ConflictError('This key is already registered by another agency');
      // A new key that `windward keygen` made for another agency: the code given to keygen was wrong
      // (its private key may be in the wrong hands, or the right one was not the one sent).
      const generatedFor = keygenAgencyOf(info.userIds);
      if ((inserted.raw as unknown[]).length > 0 && generatedFor && generatedFor !== agency) {
        throw new BadUserInputError(`This key was generated for agency ${generatedFor} (windward keygen --agency ${generatedFor}); generate one for ${agency}`, ['armoredPublicKey']);
      }
      if ((inserted.raw as unknown[]).length === 0) {
        if (stored.revokedAt) {
          throw new KeyRevokedError('This key was revoked; register a new key instead', 'REVOKED', stored.fingerprint);
        }
        repeated = true;
        // The same key again: nothing changes and nothing is audited, unless the copy brings something new.
        return (await this.renewed(manager, ctx, stored, info.armored)) ?? stored;
      }
      await this.appendAudit(manager, ctx, 'key.register', stored, { algorithm: stored.algorithm, userIds: info.userIds });
      return stored;
    });
    // Also for a repeated registration, so that a queueing failure after the commit can be retried
    // by registering again; the deterministic job id makes a second enqueue a no-op. A repeat also
    // queues the job of the key's stored copy as it is now: a renewal's grant, retried the same way
    // (the job targets the agency's newest valid key whatever it names, so running it again is safe).
    await this.rotation.enqueue({ agencyCode: agency, fingerprint: key.fingerprint, trigger: 'REGISTERED' });
    if (repeated) {
      await this.rotation.enqueue({ agencyCode: agency, fingerprint: key.fingerprint, trigger: 'REGISTERED', revision: keyRevision(key.armored) });
    }
    return key;
  }

  /**
   * The stored key (its row locked) brought up to date with a copy of it that brings something new,
   * audited as `key.renew`; null when the copy brings nothing. The merged key must still be one that
   * registration takes (not expired, able to sign and encrypt).
   */
  private async renewed(manager: EntityManager, ctx: RequestContext, stored: AgencyKeyEntity, presented: string): Promise<AgencyKeyEntity | null> {
    const { fingerprint } = stored;
    const merged = await mergeKeyUpdate(stored.armored, presented);
    if (!merged) return null;
    const info = await inspectAgencyPublicKey(merged);
    const previousExpiresAt = stored.expiresAt;
    const changes = { armored: info.armored, expiresAt: info.expiresAt, algorithm: info.algorithm };
    await manager.update(AgencyKeyEntity, { fingerprint }, changes);
    Object.assign(stored, changes);
    await this.appendAudit(manager, ctx, 'key.renew', stored, { expiresAt: info.expiresAt?.toISOString() ?? null, previousExpiresAt: previousExpiresAt?.toISOString() ?? null });
    return stored;
  }

  /**
   * Revokes one of the caller's agency keys. Revoking again changes nothing, except that a key
   * later found COMPROMISED can be marked so (a compromise is never downgraded).
   */
  async revoke(ctx: RequestContext, fingerprint: string, reason: KeyRevocationReasonName, note?: string | null): Promise<AgencyKeyEntity> {
    if (!KEY_REVOCATION_REASONS.includes(reason)) throw new BadUserInputError('Unknown revocation reason', ['reason']);
    const trimmedNote = note?.trim() || null;
    if (trimmedNote && trimmedNote.length > MAX_NOTE_LENGTH) {
      throw new BadUserInputError(`The note must be at most ${MAX_NOTE_LENGTH} characters`, ['note']);
    }
    const agency = ctx.principal.agencyCode;
    const key = await this.dataSource.transaction(async (manager) => {
      // Another agency's key answers like an unknown one.
      const stored = await manager.findOne(AgencyKeyEntity, {
        where: { fingerprint: normalizeFingerprint(fingerprint), agencyCode: agency },
        lock: { mode: 'pessimistic_write' },
      });
      if (!stored) throw new NotFoundError('Key');
      const escalates = stored.revokedAt !== null && reason === 'COMPROMISED' && stored.revocationReason !== 'COMPROMISED';
      if (stored.revokedAt !== null && !escalates) return stored;
      const previous = stored.revocationReason;
      stored.revokedAt ??= new Date();
      stored.revocationReason = reason;
      stored.revocationNote = trimmedNote ?? stored.revocationNote;
      await manager.update(
        AgencyKeyEntity,
        { fingerprint: stored.fingerprint },
        { revokedAt: stored.revokedAt, revocationReason: stored.revocationReason, revocationNote: stored.revocationNote },
      );
      await this.appendAudit(manager, ctx, 'key.revoke', stored, { reason, previousReason: previous, note: trimmedNote });
      return stored;
    });
    // Also when nothing changed, so that a queueing failure after the commit can be retried.
    if (key.revocationReason === 'COMPROMISED') {
      await this.rotation.enqueue({ agencyCode: agency, fingerprint: key.fingerprint, trigger: 'COMPROMISED' });
    }
    return key;
  }

  private async appendAudit(
    manager: EntityManager,
    ctx: RequestContext,
    action: string,
    key: AgencyKeyEntity,
    details: Record<string, unknown>,
  ): Promise<void> {
    // resource_id is a UUID column: keys are named by fingerprint in the details instead.
    await this.audit.append(
      manager,
      auditFromContext(ctx, { action, resourceType: 'AgencyKey', resourceAgency: key.agencyCode, details: { fingerprint: key.fingerprint, ...details } }),
    );
  }
}
