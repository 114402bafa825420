import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../../access/access.service.js';
import { accessCondition } from '../../access/casl-sql.js';
import { AuditService, auditFromContext } from '../../audit/audit.service.js';
import { PerRequest, type RequestContext } from '../../access/request-context.js';
import { loadPlatformPublicKey } from '../../crypto/platform-key.js';
import { verifyDetachedSignature } from '../../crypto/sealed-envelope.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors/domain-error.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { PlatformKeyEntity } from '../../keys/platform-key.entity.js';
import { PlatformKeyService } from '../../keys/platform-key.service.js';
import type { SignatureModel } from '../../seizures/api/seizure.model.js';
import { AWAITING_REVIEW, OperationReportEntity } from './operation-report.entity.js';
import { OperationEntity } from '../operation.entity.js';
import { OperationsService } from '../operations.service.js';
import { documentsDigest, publicationDocument, signDetached } from './report-signature.js';
import { isLanguage, type Language } from '../../i18n/catalog.js';
import type { Tlp } from '../../seizures/seizure.enums.js';
import { reportMarking } from './report-marking.js';
import { REPORT_CONTENT_FORMAT } from './report-content.js';
import { isUuid } from '../../database/uuid.js';
import { ReportAudienceService } from './report-audience.js';
import { ReportCompilerService } from './report-compiler.service.js';

export const COMPILE_REPORT_JOB = 'operations.compile-report' as const;

/** Every column but the documents' bytes: what GraphQL reads. */
export const SUMMARY_COLUMNS: (keyof OperationReportEntity)[] = [
  'id', 'operationId', 'leadAgency', 'audience', 'withheld', 'version', 'status', 'failureReason', 'requestedBy', 'requestedAt', 'compiledAt', 'publishedAt', 'content', 'summary',
  'signature', 'signedContent', 'signerFingerprint', 'pdfSignature', 'csvSignature', 'summarySignature', 'language', 'requestedTlp', 'reviewedBy', 'reviewedAt', 'reviewComment', 'approvedSha256', 'narrativeBy',
];

/** What the caller may ask of a compilation: the language of the computed text, and a stricter marking. */
export interface CompileOptions {
  language?: Language | null;
  tlp?: Tlp | null;
}

/**
 * Operation reports: compile requests, publication and who sees which version. The policy's
 * OperationReport rules decide, in the SQL WHERE: a PUBLISHED version is read by the agencies of
 * its audience (the lead and the participants it was compiled for), every version by the lead
 * agency's analysts. Platform administrators have no rule: they administer, they do not read
 * intelligence.
 */
@Injectable()
export class OperationReportsService {
  private readonly byOperation = new PerRequest((ctx) => new DataLoader<string, OperationReportEntity[]>(async (ids) => {
    const rows = await this.visible(ctx)
      .andWhere('r.operation_id IN (:...operationIds)', { operationIds: [...new Set(ids)] })
      .select(SUMMARY_COLUMNS.map((c) => `r.${c}`))
      .orderBy('r.version', 'DESC')
      .getMany();
    return ids.map((id) => rows.filter((report) => report.operationId === id));
  }, { cache: false }));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly operations: OperationsService,
    private readonly jobs: JobsService,
    private readonly platformKey: PlatformKeyService,
    private readonly audiences: ReportAudienceService,
    private readonly compiler: ReportCompilerService,
  ) {}

  /** The reports the caller may see, as a query over alias `r`. */
  visible(ctx: RequestContext): SelectQueryBuilder<OperationReportEntity> {
    const read = accessCondition(ctx.ability, 'read', 'OperationReport', { metadata: this.dataSource.getMetadata(OperationReportEntity), dataSource: this.dataSource, alias: 'r' }, 'rpt_read');
    // Four-eyes: the lead's reviewers read every version by their own OperationReport rule.
    return this.dataSource.getRepository(OperationReportEntity).createQueryBuilder('r').where(read.sql, read.params);
  }

  async findVisible(ctx: RequestContext, id: string, options: { documents?: boolean } = {}): Promise<OperationReportEntity | null> {
    if (!isUuid(id)) return null;
    const query = this.visible(ctx).andWhere('r.id = :reportId', { reportId: id });
    if (!options.documents) query.select(SUMMARY_COLUMNS.map((c) => `r.${c}`));
    return query.getOne();
  }

  async visibleOrThrow(ctx: RequestContext, id: string, options: { documents?: boolean } = {}): Promise<OperationReportEntity> {
    const report = await this.findVisible(ctx, id, options);
    if (!report) throw new NotFoundError('Report');
    return report;
  }

  /**
   * The operation's reports the caller may see, newest version first. Batched per request: a list
   * of operations (`operations { reports }`) reads all their reports in one query.
   */
  forOperation(ctx: RequestContext, operationId: string): Promise<OperationReportEntity[]> {
    return this.byOperation.for(ctx).load(operationId);
  }

  /**
   * Adds the next version, QUEUED, and queues its compilation (job id = report id, so queueing is
   * idempotent). The operation row lock serialises concurrent requests; the unique
   * (operation_id, version) index backs it up.
   */
  async requestCompile(ctx: RequestContext, operationId: string, options: CompileOptions = {}): Promise<OperationReportEntity> {
    const operation = await this.operations.visibleOrThrow(ctx, operationId);
    if (!this.access.can(ctx.ability, 'compile', 'Operation', operation)) {
      throw new ForbiddenError("Only analysts of the lead agency compile this operation's reports");
    }
    const language = options.language ?? 'en';
    if (!isLanguage(language)) throw new BadUserInputError('language: one of en, es, fr', ['language']);
    // The operation's marking is known now; the content's is checked again when it is compiled.
    if (options.tlp) reportMarking(operation.tlp, [], options.tlp);
    const report = await this.dataSource.transaction(async (manager) => {
      await manager.findOneOrFail(OperationEntity, { where: { id: operation.id }, lock: { mode: 'pessimistic_write' } });
      const latest = await manager
        .createQueryBuilder(OperationReportEntity, 'r')
        .select('coalesce(max(r.version), 0)::int', 'version')
        .where('r.operation_id = :id', { id: operation.id })
        .getRawOne<{ version: number | string }>();
      const version = Number(latest?.version ?? 0) + 1;
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(OperationReportEntity)
        .values({
          operationId: operation.id, leadAgency: operation.leadAgency, audience: operation.participants, version, status: 'QUEUED', requestedBy: ctx.principal.userId, requestedAt: new Date(),
          language, requestedTlp: options.tlp ?? null,
        })
        .returning('id')
        .execute();
      const created = await manager.findOneByOrFail(OperationReportEntity, { id: (inserted.raw[0] as { id: string }).id });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'operation-report.compile', resourceType: 'OperationReport', resourceId: created.id, resourceAgency: operation.leadAgency,
        fields: ['*'], details: { operationId: operation.id, version, language, requestedTlp: options.tlp ?? null },
      }));
      return created;
    });
    try {
      await this.jobs.enqueue(COMPILE_REPORT_JOB, { reportId: report.id }, { jobId: report.id });
    } catch (error) {
      await this.dataSource.getRepository(OperationReportEntity).update({ id: report.id, status: 'QUEUED' }, { status: 'FAILED', failureReason: 'The compilation could not be queued; request it again' });
      throw error;
    }
    return report;
  }

  /**
   * Signs an APPROVED report with the platform key and makes it visible to every agency of its
   * audience: the canonical JSON (which holds the SHA-256 of each document) and each document's
   * exact bytes get a detached signature. Only what the reviewer approved is published.
   */
  async publish(ctx: RequestContext, reportId: string): Promise<OperationReportEntity> {
    const visible = await this.visibleOrThrow(ctx, reportId);
    const operation = await this.operations.visibleOrThrow(ctx, visible.operationId);
    if (!this.access.can(ctx.ability, 'publish', 'Operation', operation)) {
      throw new ForbiddenError("Only analysts of the lead agency publish this operation's reports");
    }
    // Read before the transaction: on the embedded database its one session would wait for itself.
    const compiledFrom = await this.dataSource.getRepository(OperationReportEntity).findOne({ where: { id: visible.id }, select: { id: true, sourceIds: true } });
    const sourcesNow = compiledFrom?.sourceIds ? await this.sourceDigestNow(operation, visible, compiledFrom.sourceIds) : null;
    return this.dataSource.transaction(async (manager) => {
      const report = await manager.findOneOrFail(OperationReportEntity, { where: { id: visible.id }, lock: { mode: 'pessimistic_write' } });
      if (report.status === 'REJECTED') throw new ConflictError('A rejected report cannot be published; revise it for a new review, or compile a new version');
      if (AWAITING_REVIEW.includes(report.status)) throw new ConflictError('The report has not been approved: a reviewer of the lead agency other than its compiler approves it first');
      if (report.status !== 'APPROVED') throw new ConflictError(`Only an APPROVED report can be published; this one is ${report.status}`);
      if ((report.content as { format?: unknown } | null)?.format !== REPORT_CONTENT_FORMAT) {
        throw new ConflictError('This version was compiled by an earlier version of Windward, whose audience also read by releases: compile a new version and have it reviewed');
      }
      if (report.approvedSha256 !== documentsDigest(report)) throw new ConflictError('The report changed after it was approved; it needs a new review');
      if (!report.sourceDigest || !sourcesNow) {
        throw new ConflictError('This version was compiled before publication checked its sources: compile a new version and have it reviewed');
      }
      if (report.sourceDigest !== sourcesNow) {
        throw new ConflictError(
          "The operation's linked reports, or what its audience may read of them, changed since this version was compiled: compile a new version and have it reviewed",
        );
      }
      const publishedAt = new Date();
      const signedContent = publicationDocument(report, publishedAt);
      const key = this.platformKey.privateKey;
      const signature = await signDetached(signedContent, key, publishedAt);
      const pdfSignature = await signDetached(report.pdf!, key, publishedAt);
      const csvSignature = await signDetached(report.csv!, key, publishedAt);
      const summarySignature = await signDetached(report.summary!, key, publishedAt);
      const signerFingerprint = this.platformKey.fingerprint;
      await manager.update(OperationReportEntity, { id: report.id }, { status: 'PUBLISHED', publishedAt, signature, signedContent, signerFingerprint, pdfSignature, csvSignature, summarySignature });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'operation-report.publish', resourceType: 'OperationReport', resourceId: report.id, resourceAgency: operation.leadAgency,
        fields: ['status', 'signature'], details: { operationId: operation.id, version: report.version, signerFingerprint, approvedSha256: report.approvedSha256 },
      }));
      return manager
        .createQueryBuilder(OperationReportEntity, 'r')
        .select(SUMMARY_COLUMNS.map((c) => `r.${c}`))
        .where('r.id = :id', { id: report.id })
        .getOneOrFail();
    });
  }

  /**
   * A report discloses its linked reports to its audience as they were at compilation. Published
   * later, it may disclose what the audience can no longer read: a report amended, retracted, raised
   * to RED or released differently, or the operation closed (participants read its reports only
   * while it is open). So the rows it was computed from are taken again, as the audience may read
   * them now; publication compares them with the compilation's (`sourceDigest`).
   */
  private async sourceDigestNow(operation: OperationEntity, report: Pick<OperationReportEntity, 'leadAgency' | 'audience'>, ids: readonly string[]): Promise<string> {
    const audience = await this.audiences.of({ leadAgency: report.leadAgency, participants: report.audience });
    return (await this.compiler.sources(operation, audience, ids)).digest;
  }

  /** The platform signature, re-verified against the key that made it (which may since have been rotated). */
  async signatureOf(report: OperationReportEntity): Promise<SignatureModel | null> {
    if (!report.signature || !report.signedContent || !report.signerFingerprint) return null;
    const key = await this.dataSource.getRepository(PlatformKeyEntity).findOneBy({ fingerprint: report.signerFingerprint });
    const check = key
      ? await verifyDetachedSignature({ content: report.signedContent, armoredSignature: report.signature, keys: [await loadPlatformPublicKey(key.armoredPublic)] })
      : null;
    return {
      signerFingerprint: report.signerFingerprint,
      verified: check?.valid ?? false,
      signedAt: check?.signedAt ?? report.publishedAt,
      detached: report.signature,
      signedContent: report.signedContent,
    };
  }

  /** 0–100: from the job while it runs. */
  async progressOf(report: OperationReportEntity): Promise<number | null> {
    switch (report.status) {
      case 'READY':
      case 'IN_REVIEW':
      case 'APPROVED':
      case 'REJECTED':
      case 'PUBLISHED':
        return 100;
      case 'FAILED':
        return null;
      case 'QUEUED':
        return 0;
      case 'COMPILING': {
        const state = await this.jobs.jobState(report.id).catch(() => null);
        return typeof state?.progress === 'number' ? Math.max(0, Math.min(100, Math.round(state.progress))) : 0;
      }
    }
  }
}
