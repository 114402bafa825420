import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { AccessService } from '../../access/access.service.js';
import { AuditEventEntity } from '../../audit/audit-event.entity.js';
import { AuditService, auditFromContext } from '../../audit/audit.service.js';
import { PerRequest, type RequestContext } from '../../access/request-context.js';
import { BadUserInputError, ConflictError, ForbiddenError } from '../../errors/domain-error.js';
import type { Tlp } from '../../seizures/seizure.enums.js';
import { AWAITING_REVIEW, OperationReportEntity, type ReportStatus } from './operation-report.entity.js';
import type { OperationEntity } from '../operation.entity.js';
import { OperationsService } from '../operations.service.js';
import { cleanText } from '../operation-text.js';
import { REPORT_CONTENT_FORMAT, type ReportContent } from './report-content.js';
import { renderReportCsv, renderReportMarkdown } from './report-documents.js';
import { OperationReportsService, SUMMARY_COLUMNS } from './report-lifecycle.service.js';
import { reportMarking } from './report-marking.js';
import { renderReportPdf } from './report-pdf.js';
import { documentsDigest } from './report-signature.js';

/** The analyst's texts: Markdown, long enough for a few pages, never a book. */
export const NARRATIVE_MAX = 20_000;
export const REVIEW_COMMENT_MAX = 2000;
/** Statuses whose words and marking may still change (the change needs a new review). */
const REVISABLE: ReportStatus[] = ['READY', 'IN_REVIEW', 'APPROVED', 'REJECTED'];
const HISTORY_ACTIONS = ['operation-report.compile', 'operation-report.assess', 'operation-report.approve', 'operation-report.reject', 'operation-report.publish'];

export interface NarrativeInput {
  executiveSummary?: string | null;
  assessment?: string | null;
  tlp?: Tlp | null;
}

export interface ReportHistoryEntry {
  action: string;
  at: Date;
  agency: string;
  /** Only for readers of the actor's own agency. */
  actorEmail: string | null;
  comment: string | null;
}

/**
 * The words and the four-eyes review of a compiled report. The analyst writes the executive
 * summary and the assessment (and may mark it more restrictively); a REVIEWER of the lead agency
 * who neither compiled it nor wrote its words approves it, or rejects it with a comment. The
 * reviewer reads the very documents the participants will get: approval records their SHA-256,
 * and publication (OperationReportsService.publish) refuses anything else.
 */
@Injectable()
export class ReportReviewService {
  private readonly histories = new PerRequest(() => new DataLoader<string, AuditEventEntity[]>(async (ids) => {
    const events = await this.dataSource.getRepository(AuditEventEntity).find({
      where: { resourceId: In([...new Set(ids)]), action: In(HISTORY_ACTIONS) },
      select: { seq: true, resourceId: true, action: true, at: true, agency: true, actorEmail: true, details: true },
      order: { seq: 'ASC' },
    });
    return ids.map((id) => events.filter((event) => event.resourceId === id));
  }, { cache: false }));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly operations: OperationsService,
    private readonly reports: OperationReportsService,
  ) {}

  async writeNarrative(ctx: RequestContext, reportId: string, input: NarrativeInput): Promise<OperationReportEntity> {
    const { operation } = await this.reportAndOperation(ctx, reportId);
    if (!this.access.can(ctx.ability, 'compile', 'Operation', operation)) {
      throw new ForbiddenError("Only analysts of the lead agency write this operation's report");
    }
    const executiveSummary = cleanText(input.executiveSummary, 'executiveSummary', NARRATIVE_MAX);
    const assessment = cleanText(input.assessment, 'assessment', NARRATIVE_MAX);
    return this.dataSource.transaction(async (manager) => {
      const report = await this.locked(manager, reportId);
      if (!REVISABLE.includes(report.status)) throw new ConflictError(`Only a compiled, unpublished report can be written on; this one is ${report.status}`);
      const content = report.content as unknown as ReportContent;
      if (content.format !== REPORT_CONTENT_FORMAT) throw new ConflictError('This version was compiled by an earlier version of Windward; compile a new version');
      const marking = input.tlp === undefined
        ? content.marking
        : reportMarking(content.marking.operationTlp, content.marking.contentTlp ? [content.marking.contentTlp] : [], input.tlp);
      const next: ReportContent = {
        ...content,
        marking,
        narrative: {
          executiveSummary: input.executiveSummary === undefined ? content.narrative.executiveSummary : executiveSummary,
          assessment: input.assessment === undefined ? content.narrative.assessment : assessment,
          writtenAt: new Date().toISOString(),
          writtenByAgency: ctx.principal.agencyCode,
        },
      };
      const summary = renderReportMarkdown(next);
      const csv = renderReportCsv(next);
      const pdf = await renderReportPdf(next);
      await manager.update(OperationReportEntity, { id: report.id }, {
        content: next as unknown as QueryDeepPartialEntity<OperationReportEntity>['content'], summary, csv, pdf,
        status: 'IN_REVIEW', narrativeBy: ctx.principal.userId, reviewedBy: null, reviewedAt: null, reviewComment: null, approvedSha256: null,
      });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'operation-report.assess', resourceType: 'OperationReport', resourceId: report.id, resourceAgency: operation.leadAgency,
        fields: ['narrative', 'marking'], details: { operationId: operation.id, version: report.version, tlp: marking.tlp, previousStatus: report.status },
      }));
      return this.summaryOf(manager, report.id);
    });
  }

  async approve(ctx: RequestContext, reportId: string): Promise<OperationReportEntity> {
    return this.review(ctx, reportId, 'APPROVED', null);
  }

  async reject(ctx: RequestContext, reportId: string, comment: string): Promise<OperationReportEntity> {
    const text = cleanText(comment, 'comment', REVIEW_COMMENT_MAX);
    if (!text) throw new BadUserInputError('comment: say why the report is rejected', ['comment']);
    return this.review(ctx, reportId, 'REJECTED', text);
  }

  /**
   * The report's compile, write, review and publication events, oldest first. Batched per request:
   * the versions of a list (`Operation.reports { history }`) read theirs in one query.
   */
  async history(ctx: RequestContext, report: OperationReportEntity): Promise<ReportHistoryEntry[]> {
    const events = await this.histories.for(ctx).load(report.id);
    return events.map((event) => ({
      action: event.action.replace('operation-report.', '').toUpperCase(),
      at: event.at,
      agency: event.agency,
      actorEmail: event.agency === ctx.principal.agencyCode ? event.actorEmail : null,
      comment: typeof event.details?.comment === 'string' ? event.details.comment : null,
    }));
  }

  private async review(ctx: RequestContext, reportId: string, decision: 'APPROVED' | 'REJECTED', comment: string | null): Promise<OperationReportEntity> {
    const { operation } = await this.reportAndOperation(ctx, reportId);
    if (!this.access.can(ctx.ability, 'review', 'Operation', operation)) {
      throw new ForbiddenError("Only reviewers of the lead agency review this operation's reports");
    }
    return this.dataSource.transaction(async (manager) => {
      const report = await this.locked(manager, reportId);
      if (report.requestedBy === ctx.principal.userId || (await this.wroteOn(manager, report.id, ctx.principal.userId))) {
        throw new ForbiddenError('Four eyes: a report is reviewed by someone other than the analyst who compiled or wrote it');
      }
      if (!AWAITING_REVIEW.includes(report.status)) throw new ConflictError(`Only a report awaiting review (READY or IN_REVIEW) can be approved or rejected; this one is ${report.status}`);
      const approvedSha256 = decision === 'APPROVED' ? documentsDigest(report) : null;
      const reviewedAt = new Date();
      await manager.update(OperationReportEntity, { id: report.id }, { status: decision, reviewedBy: ctx.principal.userId, reviewedAt, reviewComment: comment, approvedSha256 });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: decision === 'APPROVED' ? 'operation-report.approve' : 'operation-report.reject',
        resourceType: 'OperationReport', resourceId: report.id, resourceAgency: operation.leadAgency, fields: ['status'],
        details: { operationId: operation.id, version: report.version, ...(approvedSha256 ? { approvedSha256 } : {}), ...(comment ? { comment } : {}) },
      }));
      return this.summaryOf(manager, report.id);
    });
  }

  private async reportAndOperation(ctx: RequestContext, reportId: string): Promise<{ report: OperationReportEntity; operation: OperationEntity }> {
    const report = await this.reports.visibleOrThrow(ctx, reportId);
    const operation = await this.operations.visibleOrThrow(ctx, report.operationId);
    return { report, operation };
  }

  /**
   * Whether the user wrote on the report at any time: `narrativeBy` is only the last writer, who may
   * have kept an earlier writer's words (changing only the marking, say), and those words are theirs.
   */
  private wroteOn(manager: EntityManager, reportId: string, userId: string): Promise<boolean> {
    return manager.getRepository(AuditEventEntity).existsBy({ resourceId: reportId, action: 'operation-report.assess', actor: userId });
  }

  private async locked(manager: EntityManager, id: string): Promise<OperationReportEntity> {
    return manager.findOneOrFail(OperationReportEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  private summaryOf(manager: EntityManager, id: string): Promise<OperationReportEntity> {
    return manager.createQueryBuilder(OperationReportEntity, 'r').select(SUMMARY_COLUMNS.map((c) => `r.${c}`)).where('r.id = :id', { id }).getOneOrFail();
  }
}
