import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { whereAllowed } from '../access/casl-sql.js';
import { AuditService, auditFromContext } from '../audit/audit.service.js';
import type { RequestContext } from '../access/request-context.js';
import { isUuid } from '../database/uuid.js';
import { decodeKeysetCursor } from '../database/keyset-cursor.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/domain-error.js';
import { SeizureSubmissionService } from '../seizures/write/seizure-submission.service.js';
import { OperationsService, lockAsRead } from './operations.service.js';
import { OperationEntity } from './operation.entity.js';
import { cleanText } from './operation-text.js';
import { SeizureLinkRequestEntity, type LinkRequestStatus } from './seizure-link-request.entity.js';

export type LinkRequestDecision = 'ACCEPT' | 'DECLINE';

/** The lead's note and the owner's answer: as long as their columns. */
const NOTE_MAX = 1000;

/**
 * The consent flow for linking another agency's report to an operation. The lead asks
 * (requestSeizureLink); the owner agency's ELOs and administrators see the request and answer it;
 * only an accepted request links the report, recorded on the link as the owner's consent. Every
 * step is audited under the owner agency, whose administrators read it in auditTrail.
 */
@Injectable()
export class SeizureLinkRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly operations: OperationsService,
    private readonly seizures: SeizureSubmissionService,
  ) {}

  async request(ctx: RequestContext, operationId: string, seizureId: string, note: string | null | undefined): Promise<SeizureLinkRequestEntity> {
    const text = cleanText(note, 'note', NOTE_MAX);
    const operation = await this.operations.visibleOrThrow(ctx, operationId);
    if (!this.access.can(ctx.ability, 'link', 'Operation', operation)) throw new ForbiddenError('Only analysts of the lead agency ask for reports to be linked to this operation');
    if (operation.status === 'CLOSED') throw new ConflictError('The operation is closed');
    // The lead can only ask about a report it may read: any other is NOT_FOUND, as everywhere.
    const seizure = await this.seizures.visibleOrThrow(ctx, seizureId);
    if (seizure.status === 'RETRACTED') throw new ConflictError('This report was retracted');
    if (!operation.participants.includes(seizure.reportingAgency)) {
      throw new ForbiddenError(`${seizure.reportingAgency} does not take part in this operation; add it as a participant first`);
    }
    // Linked already, for every participant of today: nothing to ask. Linked before some joined: the
    // lead may ask the owner to link it again for them (accepting sets the link's participants anew).
    const linkedForAll = operation.participants.every((code) => seizure.operationAudience?.includes(code));
    if (seizure.operationId === operation.id && seizure.operationLinkBasis !== 'LEAD_LINK_UNCONFIRMED' && linkedForAll) {
      throw new ConflictError('The report is already linked to this operation');
    }
    return this.dataSource.transaction(async (manager) => {
      // Closing takes the operation's row FOR UPDATE and withdraws what is pending: a request
      // made meanwhile waits for it here and sees the operation closed, rather than stay PENDING.
      const current = await manager.findOne(OperationEntity, { where: { id: operation.id }, lock: { mode: 'pessimistic_read' } });
      if (!current || current.status === 'CLOSED') throw new ConflictError('The operation is closed');
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(SeizureLinkRequestEntity)
        .values({
          operationId: operation.id, seizureId: seizure.id, ownerAgency: seizure.reportingAgency, requestingAgency: ctx.principal.agencyCode,
          requestedBy: ctx.principal.userId, note: text, responseNote: null, status: 'PENDING',
        })
        .orIgnore() // one pending request per operation and report: asking again returns it
        .returning('id')
        .execute();
      if (!inserted.raw.length) {
        return manager.findOneByOrFail(SeizureLinkRequestEntity, { operationId: operation.id, seizureId: seizure.id, status: 'PENDING' });
      }
      const created = await manager.findOneByOrFail(SeizureLinkRequestEntity, { id: (inserted.raw[0] as { id: string }).id });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'seizure-link-request.create', resourceType: 'SeizureLinkRequest', resourceId: created.id, resourceAgency: created.ownerAgency,
        fields: ['operation'], details: { operationId: operation.id, seizureId: seizure.id, requestingAgency: created.requestingAgency },
      }));
      return created;
    });
  }

  /**
   * A page of the requests the caller may see (the owner's ELOs and administrators; the requesting
   * agency's analysts), newest first, after the keyset cursor `after`.
   */
  async page(ctx: RequestContext, status: LinkRequestStatus | null, first: number, after: string | null): Promise<{ rows: SeizureLinkRequestEntity[]; hasNextPage: boolean }> {
    const query = whereAllowed(this.dataSource.getRepository(SeizureLinkRequestEntity).createQueryBuilder('q'), ctx.ability, 'read', 'SeizureLinkRequest');
    if (status) query.andWhere('q.status = :status', { status });
    // Whole milliseconds, as the cursor holds them: a row is never skipped nor repeated between pages.
    const at = "date_trunc('milliseconds', q.created_at)";
    if (after) {
      const cursor = decodeKeysetCursor(after);
      query.andWhere(`(${at}, q.id) < (:cursorAt, :cursorId)`, { cursorAt: cursor.at, cursorId: cursor.id });
    }
    const rows = await query.orderBy(at, 'DESC').addOrderBy('q.id', 'DESC').limit(first + 1).getMany();
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  async respond(ctx: RequestContext, id: string, decision: LinkRequestDecision, note?: string | null): Promise<SeizureLinkRequestEntity> {
    const responseNote = cleanText(note, 'note', NOTE_MAX);
    const request = isUuid(id)
      ? await whereAllowed(this.dataSource.getRepository(SeizureLinkRequestEntity).createQueryBuilder('q'), ctx.ability, 'read', 'SeizureLinkRequest')
        .andWhere('q.id = :id', { id })
        .getOne()
      : null;
    if (!request) throw new NotFoundError('Link request');
    if (!this.access.can(ctx.ability, 'update', 'SeizureLinkRequest', request)) throw new ForbiddenError("Only the owner agency's ELOs and administrators answer this request");
    if (request.status !== 'PENDING') throw new ConflictError(`This request was already answered (${request.status})`);
    if (decision === 'DECLINE') {
      await this.dataSource.transaction((manager) => this.answer(manager, ctx, request, 'DECLINED', responseNote));
    } else {
      const operation = await this.operations.visibleOrThrow(ctx, request.operationId);
      if (operation.status === 'CLOSED') throw new ConflictError('The operation is closed');
      await this.seizures.linkToOperation(ctx, request.seizureId, operation.id, operation.participants, { basis: 'OWNER_ACCEPTED_REQUEST', requestId: request.id }, {
        first: (manager) => this.lockForAccept(manager, operation, request),
        last: (manager) => this.answer(manager, ctx, request, 'ACCEPTED', responseNote),
      });
    }
    return this.dataSource.getRepository(SeizureLinkRequestEntity).findOneByOrFail({ id: request.id });
  }

  /**
   * An accept's first locks, in the order every other writer of the request takes them: closing
   * locks the operation, then withdraws its pending requests, then audits; a decline marks the
   * request, then audits. Taken after the report's row and the audit chain (as the link writes
   * them), the request's row deadlocked against a close or a decline that held it and waited for
   * the audit chain. The operation's row, shared, also makes a close wait for the accept, or the
   * accept see the operation closed.
   */
  private async lockForAccept(manager: EntityManager, operation: OperationEntity, request: SeizureLinkRequestEntity): Promise<void> {
    await lockAsRead(manager, operation);
    const current = await manager.findOne(SeizureLinkRequestEntity, { where: { id: request.id }, lock: { mode: 'pessimistic_write' } });
    if (current?.status !== 'PENDING') throw new ConflictError(`This request was already answered (${current?.status ?? 'gone'})`);
  }

  /** Marks the answer (only once, whatever runs concurrently) and audits it. */
  private async answer(manager: EntityManager, ctx: RequestContext, request: SeizureLinkRequestEntity, status: 'ACCEPTED' | 'DECLINED', responseNote: string | null): Promise<void> {
    const result = await manager.update(SeizureLinkRequestEntity, { id: request.id, status: 'PENDING' }, { status, responseNote, respondedBy: ctx.principal.userId, respondedAt: new Date() });
    if (result.affected !== 1) throw new ConflictError('This request was answered meanwhile');
    await this.audit.append(manager, auditFromContext(ctx, {
      action: `seizure-link-request.${status === 'ACCEPTED' ? 'accept' : 'decline'}`, resourceType: 'SeizureLinkRequest', resourceId: request.id,
      resourceAgency: request.ownerAgency, fields: ['status'],
      details: { operationId: request.operationId, seizureId: request.seizureId, requestingAgency: request.requestingAgency },
    }));
  }
}
