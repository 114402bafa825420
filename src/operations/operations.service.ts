import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { whereAllowed } from '../access/casl-sql.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuditService, auditFromContext } from '../audit/audit.service.js';
import { ACCESS_CHANGE_PUBLISHER, type AccessChangePublisher } from '../auth/access-changes.js';
import { PerRequest, type RequestContext } from '../access/request-context.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../errors/domain-error.js';
import { SeizureSubmissionService } from '../seizures/write/seizure-submission.service.js';
import type { SeizureEntity } from '../seizures/data/seizure.entity.js';
import { clampFirst } from '../seizures/data/seizure-search.service.js';
import { OPERATION_TRANSITIONS, OperationEntity, type OperationStatus } from './operation.entity.js';
import { SeizureLinkRequestEntity } from './seizure-link-request.entity.js';
import type { OperationInput } from './operation.model.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../database/keyset-cursor.js';
import { isUuid } from '../database/uuid.js';

/** Operations: set-up, participants, lifecycle and linked seizures; every change audited. */
@Injectable()
export class OperationsService {
  // Batched, not cached: a document that links a report and then closes its operation reads the
  // operation as it is now at each step.
  private readonly loaders = new PerRequest((ctx) => new DataLoader<string, OperationEntity | null>(async (ids) => {
    const found = new Map((await this.byIds(ctx, ids)).map((operation) => [operation.id, operation]));
    return ids.map((wanted) => found.get(wanted) ?? null);
  }, { cache: false }));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly seizures: SeizureSubmissionService,
    @Optional() @Inject(ACCESS_CHANGE_PUBLISHER) private readonly accessChanges?: AccessChangePublisher,
  ) {}

  async findVisible(ctx: RequestContext, id: string): Promise<OperationEntity | null> {
    if (!isUuid(id)) return null;
    const query = this.dataSource.getRepository(OperationEntity).createQueryBuilder('o');
    return whereAllowed(query, ctx.ability, 'read', 'Operation').andWhere('o.id = :id', { id }).getOne();
  }

  /**
   * findVisible batched per request: every operation a request asks for by id (a page of reports'
   * `operation`, a partner's `_entities` references) is read in one query.
   */
  loadVisible(ctx: RequestContext, id: string): Promise<OperationEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.loaders.for(ctx).load(id.toLowerCase());
  }

  /**
   * Of these ids, the operations the caller may read, in one query under the same read rules as
   * findVisible, in no particular order; ids that are not UUIDs match nothing.
   */
  async byIds(ctx: RequestContext, ids: readonly string[]): Promise<OperationEntity[]> {
    const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    if (wanted.length === 0) return [];
    const query = this.dataSource.getRepository(OperationEntity).createQueryBuilder('o');
    return whereAllowed(query, ctx.ability, 'read', 'Operation').andWhere('o.id IN (:...ids)', { ids: wanted }).getMany();
  }

  async page(ctx: RequestContext, status: OperationStatus | null, first: number, after: string | null) {
    const size = clampFirst(first);
    const query = whereAllowed(this.dataSource.getRepository(OperationEntity).createQueryBuilder('o'), ctx.ability, 'read', 'Operation');
    if (status) query.andWhere('o.status = :status', { status });
    const total = await query.clone().getCount();
    if (after) {
      const [startsAt, id] = decodeOperationCursor(after);
      query.andWhere('(o.starts_at, o.id) < (:startsAt::timestamptz, :id::uuid)', { startsAt, id });
    }
    const rows = await query.orderBy('o.starts_at', 'DESC').addOrderBy('o.id', 'DESC').limit(size + 1).getMany();
    return { rows: rows.slice(0, size), hasNextPage: rows.length > size, totalCount: total };
  }

  async create(ctx: RequestContext, input: OperationInput): Promise<OperationEntity> {
    const lead = ctx.principal.agencyCode;
    if (!this.access.can(ctx.ability, 'create', 'Operation', { leadAgency: lead })) throw new ForbiddenError('Your role or agency may not set up operations');
    const codeName = input.codeName.trim().toUpperCase().replace(/\s+/g, ' ');
    const fields: string[] = [];
    if (!/^[A-Z0-9][A-Z0-9 '-]{1,98}[A-Z0-9]$/.test(codeName)) fields.push('codeName');
    if (!input.focus.trim() || input.focus.length > 1000) fields.push('focus');
    if (!(input.startsAt < input.endsAt)) fields.push('endsAt');
    if (input.endsAt.getTime() - input.startsAt.getTime() > 366 * 86_400_000) fields.push('endsAt');
    if (fields.length) throw new BadUserInputError(`Invalid operation: check ${[...new Set(fields)].join(', ')} (code name of letters, digits and spaces; a period of at most a year)`, [...new Set(fields)]);
    const participants = await this.checkAgencies([lead, ...(input.participants ?? [])]);
    const created = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(OperationEntity)
        .values({ codeName, focus: input.focus.trim(), tlp: input.tlp, leadAgency: lead, participants, status: 'PLANNING', startsAt: input.startsAt, endsAt: input.endsAt, createdBy: ctx.principal.userId })
        .orIgnore()
        .returning('id')
        .execute();
      if (!inserted.raw.length) throw new ConflictError(`Your agency already has an operation named ${codeName}`);
      const operation = await manager.findOneByOrFail(OperationEntity, { id: (inserted.raw[0] as { id: string }).id });
      await this.audit.append(manager, auditFromContext(ctx, { action: 'operation.create', resourceType: 'Operation', resourceId: operation.id, resourceAgency: lead, fields: ['*'], details: { codeName, participants } }));
      return operation;
    });
    // A new operation that is not closed is already one of its participants' open operations.
    await this.accessChanges?.publish({ agencies: participants, reason: 'operation.create', requestId: ctx.requestId });
    return created;
  }

  async addParticipants(ctx: RequestContext, id: string, agencies: string[]): Promise<OperationEntity> {
    if (!agencies.length) throw new BadUserInputError('Name at least one agency', ['agencies']);
    // Checked before the transaction: inside it, only the locked row is read.
    const added = await this.checkAgencies(agencies);
    return this.change(ctx, id, 'update', 'operation.add-participants', async (operation) => {
      if (operation.status === 'CLOSED') throw new ConflictError('The operation is closed');
      // A participant reads the operation's linked reports: an administrator of another agency
      // (a platform administrator) making its own agency one would grant itself that intelligence.
      if (added.includes(ctx.principal.agencyCode) && operation.leadAgency !== ctx.principal.agencyCode) {
        throw new ForbiddenError('Your agency cannot make itself a participant of an operation it does not lead: its lead agency adds participants');
      }
      const participants = [...new Set([...operation.participants, ...added])].sort();
      return participants.length === operation.participants.length ? {} : { participants };
    });
  }

  setStatus(ctx: RequestContext, id: string, status: OperationStatus): Promise<OperationEntity> {
    return this.change(ctx, id, 'update', 'operation.set-status', async (operation) => {
      if (operation.status === status) return {};
      if (!OPERATION_TRANSITIONS[operation.status].includes(status)) {
        throw new ConflictError(`An operation cannot move from ${operation.status} to ${status}`);
      }
      return { status };
    });
  }

  /**
   * The owner's own act: an ELO, analyst or administrator of the report's agency links it to an
   * operation that agency takes part in (SeizureSubmissionService checks the `link` right on the
   * report). Anyone else asks the owner with requestSeizureLink.
   */
  async link(ctx: RequestContext, operationId: string, seizureId: string): Promise<SeizureEntity> {
    const operation = await this.visibleOrThrow(ctx, operationId);
    if (operation.status === 'CLOSED') throw new ConflictError('The operation is closed');
    return this.seizures.linkToOperation(ctx, seizureId, operation.id, operation.participants, { basis: 'OWNER_LINKED' }, {
      first: (manager) => lockAsRead(manager, operation),
    });
  }

  async visibleOrThrow(ctx: RequestContext, id: string): Promise<OperationEntity> {
    const operation = await this.findVisible(ctx, id);
    if (!operation) throw new NotFoundError('Operation');
    return operation;
  }

  /** Lock, check, apply, bump the version and audit: one path for every change. */
  private async change(
    ctx: RequestContext,
    id: string,
    action: 'update',
    auditAction: string,
    apply: (operation: OperationEntity) => Promise<Partial<Pick<OperationEntity, 'participants' | 'status'>>>,
  ): Promise<OperationEntity> {
    const visible = await this.visibleOrThrow(ctx, id);
    if (!this.access.can(ctx.ability, action, 'Operation', visible)) throw new ForbiddenError('Only the lead agency (or a platform administrator) changes this operation');
    let before: OperationEntity | undefined;
    const result = await this.dataSource.transaction(async (manager) => {
      const operation = await manager.findOneOrFail(OperationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      const changes = await apply(operation);
      if (Object.keys(changes).length === 0) return operation;
      before = operation;
      await manager.update(OperationEntity, { id }, { ...changes, version: operation.version + 1 });
      // A closed operation takes no more reports: its pending link requests are withdrawn. Locks in
      // this order (operation, requests, audit chain) are the order an accept takes them too.
      if (changes.status === 'CLOSED') {
        await manager.update(SeizureLinkRequestEntity, { operationId: id, status: 'PENDING' }, { status: 'WITHDRAWN' }); // nobody answered them
      }
      const updated = await manager.findOneByOrFail(OperationEntity, { id });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: auditAction, resourceType: 'Operation', resourceId: id, resourceAgency: operation.leadAgency, fields: Object.keys(changes),
        details: { from: { status: operation.status, participants: operation.participants }, to: changes },
      }));
      return updated;
    });
    // Membership of an open operation is part of every participant's ability: live subscriptions
    // of all participants (old and new) are re-authorised at once.
    if (before) {
      await this.accessChanges?.publish({ agencies: [...new Set([...before.participants, ...result.participants])], reason: auditAction, requestId: ctx.requestId });
    }
    return result;
  }

  private async checkAgencies(codes: string[]): Promise<string[]> {
    const wanted = [...new Set(codes.map((c) => c.trim().toUpperCase()))];
    const found = await this.dataSource.getRepository(AgencyEntity).findBy({ code: In(wanted) });
    const unknown = wanted.filter((c) => !found.some((a) => a.code === c));
    if (unknown.length) throw new BadUserInputError(`Unknown agencies: ${unknown.join(', ')}`, ['participants']);
    return wanted.sort();
  }
}

export function encodeOperationCursor(operation: Pick<OperationEntity, 'startsAt' | 'id'>): string {
  return encodeKeysetCursor({ at: operation.startsAt, id: operation.id });
}

function decodeOperationCursor(cursor: string): [string, string] {
  const { at, id } = decodeKeysetCursor(cursor);
  return [at.toISOString(), id];
}

/**
 * In a transaction that links a report: the operation's row, shared, before the report's row (the
 * order closing takes its locks in), so a close waits for the link or the link sees it closed; and
 * the participants the link is made for are still the operation's, not a list read before a change.
 */
export async function lockAsRead(manager: EntityManager, read: OperationEntity): Promise<void> {
  const now = await manager.findOne(OperationEntity, { where: { id: read.id }, lock: { mode: 'pessimistic_read' } });
  if (!now || now.status === 'CLOSED') throw new ConflictError('The operation is closed');
  if ([...now.participants].sort().join() !== [...read.participants].sort().join()) {
    throw new ConflictError('The operation\'s participants changed meanwhile; try again');
  }
}
