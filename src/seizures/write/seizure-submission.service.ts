import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityNotFoundError, In, type EntityManager } from 'typeorm';
import { AccessService } from '../../access/access.service.js';
import { AgencyEntity } from '../../agencies/agency.entity.js';
import { AuditService, auditFromContext } from '../../audit/audit.service.js';
import type { RequestContext } from '../../access/request-context.js';
import { EXCHANGE_RATES, type ExchangeRates } from '../../config/exchange-rates.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors/domain-error.js';
import { UserEntity } from '../../users/user.entity.js';
import { PersonalKeysService } from '../../keys/personal-keys.service.js';
import { SealedSectionService, type PreparedSection, type SectionAudience } from './sealed-section.service.js';
import { SeizureEntity } from '../data/seizure.entity.js';
import { SeizureRows } from './seizure-rows.js';
import { withInputDefaults, type SeizureInput, type SeizureUpdateInput } from '../api/seizure.inputs.js';
import {
  InputProblems, checkEvaluation, checkSensitive, checkTlpDistribution, effectiveTlp, isLowGrade, usdValue, validateSeizureInput,
} from './seizure-validation.js';
import { logChange, recordNewReport, recordVersion, type SeizureChangeEvent } from './seizure-history.js';
import { contentHash, newSeizureColumns, normalisedAgencyCodes, toSection, type SubmissionSignature } from './seizure-mapping.js';
import { isUuid } from '../../database/uuid.js';

/** The one answer to a reference used by a report the caller may not read (sameOrConflict). */
export const NEUTRAL_REFERENCE_REFUSAL = 'This reference cannot be used for a new report of your agency; choose another reference';

export type { SeizureChangeEvent } from './seizure-history.js';
export type { SubmissionSignature } from './seizure-mapping.js';

/** The value of a settled promise, or its reason thrown. */
function settled<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}

/** The wanted (normalised) agency codes, sorted, when every one of them is among the agencies found. */
function knownAgencies(wanted: string[], found: readonly AgencyEntity[]): string[] {
  const unknown = wanted.filter((c) => !found.some((a) => a.code === c));
  if (unknown.length) throw new BadUserInputError(`Unknown agencies: ${unknown.join(', ')}`, ['releasableTo']);
  return [...wanted].sort();
}

/** A caller's own work in the transaction that changes a report: `first` before its row is written, `last` after. */
export interface TransactionSteps {
  first?: (manager: EntityManager) => Promise<void>;
  last?: (manager: EntityManager, row: SeizureEntity) => Promise<void>;
}

/** Told about each change (alerts); provided under SEIZURE_CHANGE_LISTENER. */
export interface SeizureChangeListener {
  /** In the change's transaction, last: work that must commit or roll back with it. */
  changing?(manager: EntityManager, event: SeizureChangeEvent): Promise<void>;
  /** After the transaction commits. */
  changed(event: SeizureChangeEvent): Promise<void>;
}
export const SEIZURE_CHANGE_LISTENER = Symbol('SEIZURE_CHANGE_LISTENER');

/** Writes seizure reports: submission, amendment, release and retraction, each audited. */
@Injectable()
export class SeizureSubmissionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly sections: SealedSectionService,
    private readonly audit: AuditService,
    private readonly personalKeys: PersonalKeysService,
    @Inject(EXCHANGE_RATES) private readonly rates: ExchangeRates,
    @Optional() @Inject(SEIZURE_CHANGE_LISTENER) private readonly listener?: SeizureChangeListener,
  ) {}

  async submit(ctx: RequestContext, given: SeizureInput, signature?: SubmissionSignature): Promise<SeizureEntity> {
    // Every entry point (GraphQL, sealed envelopes, the demo): an explicit null where the schema has a default means the default.
    const input = withInputDefaults(given);
    validateSeizureInput(input);
    const owner = ctx.principal.agencyCode;
    if (!this.access.can(ctx.ability, 'create', 'Seizure', { reportingAgency: owner })) {
      throw new ForbiddenError('Your role or agency may not report seizures');
    }
    const hash = contentHash(input);
    // The section's encryption (on a crypto worker) needs only the input, so it runs while the
    // checks below wait for the database; a check that fails still wins, and a replay ignores it.
    const preparing = input.sensitive ? this.prepareNewSection(ctx, input, signature) : undefined;
    preparing?.catch(() => undefined);
    // Independent reads, sent together, then looked at in the order they used to be made one by
    // one, so that the same problem is reported first.
    // The owner's agency and the releases are one read of agencies.
    const releases = normalisedAgencyCodes(input.releasableTo ?? [], owner);
    const [agencies, users, operation, used] = await Promise.allSettled([
      this.dataSource.getRepository(AgencyEntity).findBy({ code: In([...new Set([owner, ...releases])]) }),
      this.checkUsers(input.releasableToUsers ?? []),
      input.operationId ? this.access.operations?.participantsAccepting(input.operationId, owner) : [],
      this.rows.byReference(owner, input.reference),
    ]);
    const agencyRows = settled(agencies);
    const releasableTo = knownAgencies(releases, agencyRows);
    const releasableToUsers = settled(users);
    const operationAudience = settled(operation);
    if (!operationAudience) {
      throw new BadUserInputError(`operationId: no open operation ${input.operationId} that ${owner} takes part in`, ['operationId']);
    }
    const existing = settled(used);
    if (existing) return this.sameOrConflict(ctx, existing, hash);
    const agency = agencyRows.find((a) => a.code === owner);
    if (!agency) throw new EntityNotFoundError(AgencyEntity, { code: owner });

    const entity = this.dataSource.getRepository(SeizureEntity).create(newSeizureColumns(input, {
      owner,
      ownerCommunities: agency.communities,
      createdBy: ctx.principal.userId,
      contentHash: hash,
      valueUsd: usdValue(this.rates, input.estimatedValue?.amount ?? null, input.estimatedValue?.currency ?? null),
      releasableTo,
      releasableToUsers,
      operationAudience: linkAudience(operationAudience),
      signature,
      now: new Date(),
    }));
    // OpenPGP work happens before the transaction, which then only writes rows.
    const prepared = await preparing;

    const saved = await this.dataSource.transaction(async (manager) => {
      if (input.operationId) await this.confirmOperation(manager, input.operationId, owner, operationAudience);
      // The row as stored comes back from the insert itself (no read after it).
      const row = await this.rows.insertNew(manager, entity);
      if (!row) return null; // a concurrent submission of the same reference won
      return { row, event: await this.recordChange(manager, ctx, row, 'SUBMITTED', ['*'], prepared) };
    });
    if (saved) return this.committed(saved);
    const winner = await this.rows.byReference(owner, input.reference);
    if (!winner) throw new EntityNotFoundError(SeizureEntity, { reportingAgency: owner, reference: input.reference });
    return this.sameOrConflict(ctx, winner, hash);
  }

  /**
   * The operation a new report joins, checked again with its row locked in the report's
   * transaction: closed or given other participants since the first check, the report is refused
   * rather than linked to a closed operation or for the participants of before.
   */
  private async confirmOperation(manager: EntityManager, operationId: string, owner: string, checked: readonly string[]): Promise<void> {
    const now = await this.access.operations?.lockAccepting(manager, operationId, owner);
    if (now === undefined) return; // no operations feature in this process
    if (!now) throw new BadUserInputError(`operationId: no open operation ${operationId} that ${owner} takes part in`, ['operationId']);
    if ([...now].sort().join() !== [...checked].sort().join()) throw new ConflictError("The operation's participants changed meanwhile; try again");
  }

  /**
   * The sealed section of a new report, for the recipients its checked distribution will have:
   * the same lists the checks return when they pass (normalised releases; for RED the named users
   * and the submitter).
   */
  private async prepareNewSection(ctx: RequestContext, input: SeizureInput, signature?: SubmissionSignature): Promise<PreparedSection> {
    const owner = ctx.principal.agencyCode;
    const tlp = effectiveTlp(input.tlp, input.handling?.code);
    const audience = await this.sectionRecipients({
      reportingAgency: owner,
      tlp,
      releasableTo: normalisedAgencyCodes(input.releasableTo ?? [], owner).sort(),
      releasableToUsers: tlp === 'RED' ? [...new Set([...new Set(input.releasableToUsers ?? []), ctx.principal.userId])] : [],
    });
    return this.sections.prepare(
      { ...toSection(input.sensitive!), ...(signature ? { signedContent: signature.canonical } : {}) },
      audience,
      { serverBlind: input.serverBlind, owner },
    );
  }

  async update(ctx: RequestContext, id: string, given: SeizureUpdateInput): Promise<SeizureEntity> {
    const input = withInputDefaults(given);
    const problems = new InputProblems();
    if (input.concealment != null && input.concealment.length > 500) problems.add('concealment', 'must be at most 500 characters');
    checkEvaluation(problems, 'evaluation', input.evaluation);
    checkSensitive(problems, input.sensitive);
    problems.throwIfAny();
    return this.change(ctx, id, 'update', 'UPDATED', async (current) => {
      const changed: string[] = [];
      const next = { ...current };
      if (input.tlp && effectiveTlp(input.tlp, current.handlingCode) !== current.tlp) {
        next.tlp = effectiveTlp(input.tlp, current.handlingCode);
        changed.push('tlp');
      }
      if (input.releasableTo) {
        next.releasableTo = await this.checkAgencies(input.releasableTo, current.reportingAgency);
        changed.push('releasableTo');
      }
      if (input.releasableToUsers) {
        next.releasableToUsers = [...new Set([...(await this.checkUsers(input.releasableToUsers)), current.createdBy])];
        changed.push('releasableToUsers');
      }
      if (input.concealment !== undefined && input.concealment !== current.concealment) {
        next.concealment = input.concealment;
        changed.push('concealment');
      }
      if (input.evaluation) {
        next.evaluationScheme = input.evaluation.scheme;
        next.evaluationSource = input.evaluation.source;
        next.evaluationInformation = input.evaluation.information;
        next.lowGrade = isLowGrade(input.evaluation);
        changed.push('evaluation');
      }
      if (next.tlp !== 'RED') next.releasableToUsers = [];
      const problems2 = new InputProblems();
      checkTlpDistribution(problems2, next.tlp, next.tlp === 'RED' ? next.releasableToUsers : [], next.serverBlind);
      problems2.throwIfAny();
      let prepared: PreparedSection | undefined;
      if (input.sensitive) {
        // The signed text of a sealed submission moves into the new section (or out of the plain column).
        // Only a sealed submission has one; other reports' sections are not decrypted for nothing.
        const keptInSection = next.signerFingerprint && next.signedContent === null && next.hasSensitive;
        const signedContent = keptInSection ? (await this.sections.openMany([next.id])).get(next.id)?.signedContent : next.signedContent;
        prepared = await this.sections.prepare(
          { ...toSection(input.sensitive), ...(signedContent ? { signedContent } : {}) },
          await this.sectionRecipients(next),
          { serverBlind: next.serverBlind, owner: next.reportingAgency },
        );
        next.signedContent = null;
        next.hasSensitive = true;
        changed.push('sensitive');
      }
      return { next, changed, prepared };
    });
  }

  release(ctx: RequestContext, id: string, agencies: string[]): Promise<SeizureEntity> {
    return this.change(ctx, id, 'release', 'RELEASED', async (current) => {
      if (current.tlp === 'RED') throw new BadUserInputError('A RED report is shared with named users only; it cannot be released to agencies', ['agencies']);
      if (agencies.length === 0) throw new BadUserInputError('Name at least one agency', ['agencies']);
      const added = await this.checkAgencies(agencies, current.reportingAgency);
      const releasableTo = [...new Set([...current.releasableTo, ...added])].sort();
      const changed = releasableTo.length === current.releasableTo.length ? [] : ['releasableTo'];
      return { next: { ...current, releasableTo }, changed };
    });
  }

  retract(ctx: RequestContext, id: string, reason: string): Promise<SeizureEntity> {
    const trimmed = reason.trim();
    if (trimmed.length < 3 || trimmed.length > 1000) throw new BadUserInputError('reason: give a reason of 3 to 1000 characters', ['reason']);
    return this.change(ctx, id, 'retract', 'RETRACTED', async (current) => ({
      next: { ...current, status: 'RETRACTED' as const, retractionReason: trimmed },
      changed: ['status', 'retractionReason'],
    }));
  }

  /**
   * Attaches a report to an operation (the operations feature has checked the operation side).
   * Linking shares the report's facts with every participant, so it is its owner's act: the caller
   * must be allowed to `link` the report (its owner agency's ELOs, analysts, administrators), and
   * the owner must take part in the operation. `consent` says which act it is; `steps` run in the
   * same transaction: `first` before the report's row is written (to take the caller's locks in
   * the order its other writers take them), `last` after it (an accepted link request is marked
   * accepted together with the link).
   */
  linkToOperation(
    ctx: RequestContext,
    id: string,
    operationId: string,
    participants: readonly string[],
    consent: { basis: 'OWNER_LINKED' } | { basis: 'OWNER_ACCEPTED_REQUEST'; requestId: string } = { basis: 'OWNER_LINKED' },
    steps: TransactionSteps = {},
  ): Promise<SeizureEntity> {
    return this.change(ctx, id, 'link', 'LINKED', async (current) => {
      if (!participants.includes(current.reportingAgency)) {
        throw new ForbiddenError(`${current.reportingAgency} does not take part in this operation; add it as a participant first`);
      }
      const requestId = consent.basis === 'OWNER_ACCEPTED_REQUEST' ? consent.requestId : null;
      const audience = linkAudience(participants);
      const same = current.operationId === operationId && current.operationLinkBasis === consent.basis && current.operationLinkRequestId === requestId;
      // Linking again after participants joined is how the owner shares the report with them too.
      if (same && sameList(current.operationAudience, audience)) return { next: current, changed: [] };
      return {
        next: {
          ...current,
          operationId,
          operationLinkBasis: consent.basis,
          operationLinkedAt: new Date(),
          operationLinkRequestId: requestId,
          operationAudience: audience,
        },
        changed: ['operation'],
      };
    }, steps);
  }

  /**
   * One path for every amendment: the record must be visible to the caller (else NOT_FOUND) and
   * the action allowed on it (else FORBIDDEN); the row is locked, bumped one version, its history
   * and audit event written, and its sealed section's recipients kept in step with its sharing.
   */
  private async change(
    ctx: RequestContext,
    id: string,
    action: 'update' | 'release' | 'retract' | 'link',
    change: string,
    apply: (current: SeizureEntity) => Promise<{ next: SeizureEntity; changed: string[]; prepared?: PreparedSection }>,
    steps: TransactionSteps = {},
  ): Promise<SeizureEntity> {
    const current = await this.visibleOrThrow(ctx, id);
    if (!this.access.can(ctx.ability, action, 'Seizure', current)) throw new ForbiddenError(`You may not ${action} this report`);
    if (current.status === 'RETRACTED') throw new ConflictError('This report was retracted and can no longer change');
    const { next, changed, prepared } = await apply(current);
    if (changed.length === 0) {
      const { first, last } = steps;
      if (first || last) {
        await this.dataSource.transaction(async (manager) => {
          await first?.(manager);
          await last?.(manager, current);
        });
      }
      return current;
    }
    const saved = await this.dataSource.transaction(async (manager) => {
      await steps.first?.(manager);
      const result = await manager
        .createQueryBuilder()
        .update(SeizureEntity)
        .set({
          tlp: next.tlp, releasableTo: next.releasableTo, releasableToUsers: next.releasableToUsers, concealment: next.concealment,
          evaluationScheme: next.evaluationScheme, evaluationSource: next.evaluationSource, evaluationInformation: next.evaluationInformation,
          lowGrade: next.lowGrade, hasSensitive: next.hasSensitive, status: next.status, retractionReason: next.retractionReason,
          operationId: next.operationId, operationLinkBasis: next.operationLinkBasis, operationLinkedAt: next.operationLinkedAt,
          operationLinkRequestId: next.operationLinkRequestId, operationAudience: next.operationAudience,
          signedContent: next.signedContent,
          version: current.version + 1,
        })
        .where('id = :id AND version = :version', { id, version: current.version })
        .execute();
      if (result.affected !== 1) throw new ConflictError('The report changed while you were editing it; read it again and retry');
      const row = await manager.findOneByOrFail(SeizureEntity, { id });
      const event = await this.recordChange(manager, ctx, row, change, changed, prepared);
      await steps.last?.(manager, row);
      return { row, event };
    });
    return this.committed(saved);
  }

  /** Built on first use, once the data source has its metadata. */
  private get rows(): SeizureRows {
    return (this.seizureRows ??= new SeizureRows(this.dataSource));
  }
  private seizureRows?: SeizureRows;

  /** After commit, so that listeners never see a change that rolled back. */
  private async committed(saved: { row: SeizureEntity; event: SeizureChangeEvent }): Promise<SeizureEntity> {
    await this.listener?.changed(saved.event);
    return saved.row;
  }

  private async recordChange(
    manager: EntityManager, ctx: RequestContext, row: SeizureEntity, change: string, changed: string[], prepared?: PreparedSection,
  ): Promise<SeizureChangeEvent> {
    // Everything that takes no lock first: the change log's insert and the audit append take the
    // lock that serialises all writers until commit.
    let event: SeizureChangeEvent;
    if (change === 'SUBMITTED') {
      event = await recordNewReport(manager, row, ctx.principal.userId, prepared);
    } else {
      await recordVersion(manager, row, change, ctx.principal.userId, changed);
      if (prepared) await this.sections.store(manager, row.id, prepared);
      else if (row.hasSensitive && !row.serverBlind) await this.sections.syncRecipients(manager, row.id, await this.sectionRecipients(row, manager));
      event = await logChange(manager, row, change);
    }
    event.requestId = ctx.requestId;
    await this.audit.append(manager, auditFromContext(ctx, {
      action: `seizure.${change.toLowerCase()}`,
      resourceType: 'Seizure',
      resourceId: row.id,
      resourceAgency: row.reportingAgency,
      fields: changed,
      details: { version: row.version, tlp: row.tlp, releasableTo: row.releasableTo },
    }));
    await this.listener?.changing?.(manager, event);
    return event;
  }

  /**
   * Whose keys a sealed section is wrapped for: the owner agency, its releases and, for RED, each
   * named user's personal key, or their agency's key when they have none.
   */
  private async sectionRecipients(record: Pick<SeizureEntity, 'reportingAgency' | 'releasableTo' | 'releasableToUsers' | 'tlp'>, manager: EntityManager = this.dataSource.manager): Promise<SectionAudience> {
    const agencies = new Set([record.reportingAgency, ...(record.tlp === 'RED' ? [] : record.releasableTo)]);
    const users: string[] = [];
    if (record.tlp === 'RED' && record.releasableToUsers.length) {
      const named = await manager.getRepository(UserEntity).findBy({ id: In(record.releasableToUsers) });
      const personal = await this.personalKeys.encryptionKeys(named.map((u) => u.id), manager);
      for (const user of named) {
        if (personal.has(user.id)) users.push(user.id);
        else agencies.add(user.agencyCode);
      }
    }
    return { agencies: [...agencies], users };
  }

  async visibleOrThrow(ctx: RequestContext, id: string): Promise<SeizureEntity> {
    if (!isUuid(id)) throw new NotFoundError('Seizure');
    const row = await this.dataSource.getRepository(SeizureEntity).findOneBy({ id });
    if (!row || !this.access.can(ctx.ability, 'read', 'Seizure', row)) throw new NotFoundError('Seizure');
    return row;
  }

  /**
   * A reference already used in the caller's agency. Only a caller who may read that report learns
   * anything about it: the same content returns it (an idempotent replay), other content is a
   * CONFLICT naming it. Everyone else gets one neutral refusal, the same whatever content they sent,
   * so a submission cannot confirm a guess about a report they may not read.
   */
  private sameOrConflict(ctx: RequestContext, existing: SeizureEntity, hash: string): SeizureEntity {
    if (!this.access.can(ctx.ability, 'read', 'Seizure', existing)) throw new ConflictError(NEUTRAL_REFERENCE_REFUSAL);
    if (existing.contentHash === hash) return existing;
    throw new ConflictError(`Reference ${existing.reference} is already used by another report of ${existing.reportingAgency}`);
  }

  private async checkAgencies(codes: string[], owner: string): Promise<string[]> {
    const wanted = normalisedAgencyCodes(codes, owner);
    if (!wanted.length) return [];
    return knownAgencies(wanted, await this.dataSource.getRepository(AgencyEntity).findBy({ code: In(wanted) }));
  }

  private async checkUsers(ids: string[]): Promise<string[]> {
    const wanted = [...new Set(ids)];
    if (!wanted.length) return [];
    const found = await this.dataSource.getRepository(UserEntity).findBy({ id: In(wanted) });
    const unknown = wanted.filter((id) => !found.some((u) => u.id === id));
    if (unknown.length) throw new BadUserInputError(`Unknown users: ${unknown.join(', ')}`, ['releasableToUsers']);
    return wanted;
  }
}

/** Whom a link is made for, as it is stored: the operation's participants, by code point (as the migration sorts them). */
function linkAudience(participants: readonly string[]): string[] {
  return [...participants].sort();
}

/** Two lists sorted alike hold the same codes in the same order. */
function sameList(a: readonly string[] | null, b: readonly string[]): boolean {
  return a !== null && a.length === b.length && a.every((value, i) => value === b[i]);
}
