import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import { AccessService } from '../../access/access.service.js';
import { AuditService, auditFromContext } from '../../audit/audit.service.js';
import { PerRequest, type RequestContext } from '../../access/request-context.js';
import { BadUserInputError, ForbiddenError } from '../../errors/domain-error.js';
import { OperationOutcomeEntity } from './operation-outcome.entity.js';
import { OperationsService } from '../operations.service.js';

export const OUTCOME_NOTES_MAX = 500;
const COUNT_MAX = 100_000;

/** A count or the notes left out (or null) keep what the administration recorded before (0, no notes, at first); empty notes clear them. */
export interface OutcomeInput {
  arrests?: number | null;
  casesOpened?: number | null;
  prosecutions?: number | null;
  controlledDeliveries?: number | null;
  followUpActions?: number | null;
  notes?: string | null;
}

const COUNT_FIELDS = ['arrests', 'casesOpened', 'prosecutions', 'controlledDeliveries', 'followUpActions'] as const;

/**
 * Checks that a note stays short and non-nominal as far as text can tell: no e-mail addresses,
 * no long digit runs (telephone, passport, case or container numbers). Names cannot be told from
 * words; the form and the README ask for none.
 */
export function checkOutcomeNotes(notes: string | null | undefined): string | null {
  if (notes == null) return null;
  const text = notes.replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  if (text.length > OUTCOME_NOTES_MAX) throw new BadUserInputError(`notes: at most ${OUTCOME_NOTES_MAX} characters`, ['notes']);
  if (/[^\s@]+@[^\s@]+/.test(text)) throw new BadUserInputError('notes: no e-mail addresses; notes are non-nominal', ['notes']);
  if (/\d[\d\s./-]{5,}\d/.test(text.replace(/\b(19|20)\d\d-\d\d-\d\d\b/g, ''))) {
    throw new BadUserInputError('notes: no identifiers or telephone numbers (seven or more digits); notes are non-nominal', ['notes']);
  }
  return text;
}

/**
 * Follow-up outcomes: during FOLLOW_UP each participating administration records, for itself,
 * its arrests, cases opened, prosecutions, controlled deliveries and follow-up actions, with a
 * short note. Recording again replaces its figures; every recording is audited.
 */
@Injectable()
export class OperationOutcomesService {
  private readonly byOperation = new PerRequest(() => new DataLoader<string, OperationOutcomeEntity[]>(async (ids) => {
    const rows = await this.dataSource.getRepository(OperationOutcomeEntity).findBy({ operationId: In([...new Set(ids)]) });
    return ids.map((id) => rows.filter((row) => row.operationId === id));
  }, { cache: false }));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly operations: OperationsService,
  ) {}

  async record(ctx: RequestContext, operationId: string, input: OutcomeInput): Promise<OperationOutcomeEntity> {
    const operation = await this.operations.visibleOrThrow(ctx, operationId);
    if (!this.access.can(ctx.ability, 'record-outcome', 'Operation', operation)) {
      throw new ForbiddenError(operation.status === 'FOLLOW_UP'
        ? "Only ELOs, analysts and administrators of a participating administration record its outcomes"
        : `Outcomes are recorded during FOLLOW_UP; the operation is ${operation.status}`);
    }
    for (const field of COUNT_FIELDS) {
      const value = input[field];
      if (value != null && (!Number.isInteger(value) || value < 0 || value > COUNT_MAX)) throw new BadUserInputError(`${field}: a whole number from 0 to ${COUNT_MAX}`, [field]);
    }
    const notes = checkOutcomeNotes(input.notes);
    return this.dataSource.transaction(async (manager) => {
      // What was recorded before stands for what this recording leaves out (one count at a time is a
      // fine update). The row is made first if there is none, so that two first recordings at once
      // serialise on it rather than each fill the other's counts with 0.
      await manager.createQueryBuilder().insert().into(OperationOutcomeEntity).values({
        operationId: operation.id, agencyCode: ctx.principal.agencyCode, arrests: 0, casesOpened: 0, prosecutions: 0, controlledDeliveries: 0,
        followUpActions: 0, notes: null, recordedBy: ctx.principal.userId, recordedAt: new Date(),
      }).orIgnore().execute();
      const before = await manager.findOne(OperationOutcomeEntity, { where: { operationId: operation.id, agencyCode: ctx.principal.agencyCode }, lock: { mode: 'pessimistic_write' } });
      const count = (field: (typeof COUNT_FIELDS)[number]) => input[field] ?? before?.[field] ?? 0;
      const values = {
        operationId: operation.id, agencyCode: ctx.principal.agencyCode,
        arrests: count('arrests'), casesOpened: count('casesOpened'), prosecutions: count('prosecutions'),
        controlledDeliveries: count('controlledDeliveries'), followUpActions: count('followUpActions'),
        notes: input.notes == null ? (before?.notes ?? null) : notes, recordedBy: ctx.principal.userId, recordedAt: new Date(),
      };
      await manager.createQueryBuilder().insert().into(OperationOutcomeEntity).values(values)
        .orUpdate(['arrests', 'cases_opened', 'prosecutions', 'controlled_deliveries', 'follow_up_actions', 'notes', 'recorded_by', 'recorded_at'], ['operation_id', 'agency_code'])
        .execute();
      const saved = await manager.findOneByOrFail(OperationOutcomeEntity, { operationId: operation.id, agencyCode: ctx.principal.agencyCode });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'operation.record-outcome', resourceType: 'Operation', resourceId: operation.id, resourceAgency: operation.leadAgency,
        fields: [...COUNT_FIELDS, ...(notes ? ['notes'] : [])], details: { agency: ctx.principal.agencyCode },
      }));
      return saved;
    });
  }

  /**
   * The outcomes recorded for an operation the caller sees, in the order of its participants.
   * Batched per request: a list of operations (`operations { outcomes }`) reads them in one query.
   */
  async forOperation(ctx: RequestContext, operationId: string): Promise<OperationOutcomeEntity[]> {
    const operation = await this.operations.loadVisible(ctx, operationId);
    if (!operation) return [];
    const order = new Map(operation.participants.map((p, i) => [p, i]));
    return (await this.byOperation.for(ctx).load(operation.id)).sort((a, b) => (order.get(a.agencyCode) ?? 999) - (order.get(b.agencyCode) ?? 999));
  }
}
