import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type QueryDeepPartialEntity } from 'typeorm';
import { AccessService } from '../../access/access.service.js';
import { whereAllowed } from '../../access/casl-sql.js';
import { REQUEST_CONTEXT_FACTORY, type RequestContext, type RequestContextFactory } from '../../access/request-context.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { ConflictError, DomainError, ForbiddenError, UnauthenticatedError } from '../../errors/domain-error.js';
import { JobHandlerFor, type JobContext, type JobHandler, type JobPayloads } from '../../jobs/job-registry.js';
import { JsonLogger } from '../../observability/json-logger.js';
import { OperationReportEntity, type ReportStatus } from './operation-report.entity.js';
import { OperationEntity } from '../operation.entity.js';
import { ReportAudienceService } from './report-audience.js';
import { ReportCompilerService } from './report-compiler.service.js';
import { renderReportCsv, renderReportMarkdown } from './report-documents.js';
import { renderReportPdf } from './report-pdf.js';
import { isLanguage } from '../../i18n/catalog.js';
import type { Tlp } from '../../seizures/seizure.enums.js';

declare module '../../jobs/job-registry.js' {
  interface JobPayloads {
    /** Compiles one operation report version (job id = report id) with the requesting analyst's access. */
    'operations.compile-report': { reportId: string };
  }
}

/** Statuses a (re)run may start from; READY and PUBLISHED reports are never recompiled. */
const RUNNABLE: ReportStatus[] = ['QUEUED', 'COMPILING', 'FAILED'];
/** Compilations of one run while the linked reports keep changing under it. */
const COMPILE_ATTEMPTS = 3;

export interface CompileReportResult {
  reportId: string;
  status: ReportStatus | 'MISSING';
}

/**
 * `operations.compile-report`: compiles one report version in place (keyed by the report id, so a
 * retry never adds a version) for its audience, once the requesting analyst (their access rebuilt
 * from their account as it is now) is found still to be allowed to compile it. Failures the analyst can act on are stored as the reason; anything else is logged and
 * retried, and only the last attempt marks the report FAILED.
 */
@Injectable()
@JobHandlerFor('operations.compile-report')
export class ReportCompileJobHandler implements JobHandler<'operations.compile-report'> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REQUEST_CONTEXT_FACTORY) private readonly contexts: RequestContextFactory,
    private readonly access: AccessService,
    private readonly compiler: ReportCompilerService,
    private readonly audiences: ReportAudienceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: JsonLogger,
  ) {}

  async handle(payload: JobPayloads['operations.compile-report'], context: JobContext): Promise<CompileReportResult> {
    const reports = this.dataSource.getRepository(OperationReportEntity);
    const report = await reports.findOneBy({ id: payload.reportId });
    if (!report) return { reportId: payload.reportId, status: 'MISSING' };
    if (!RUNNABLE.includes(report.status)) return { reportId: report.id, status: report.status };
    // Conditional writes throughout: a duplicate run (a stalled job run again) never undoes a finished one.
    await reports.update({ id: report.id, status: In(RUNNABLE) }, { status: 'COMPILING', failureReason: null });
    await context.reportProgress(5);
    try {
      const ctx = await this.analystContext(report, context.jobId);
      const operation = await whereAllowed(this.dataSource.getRepository(OperationEntity).createQueryBuilder('o'), ctx.ability, 'read', 'Operation')
        .andWhere('o.id = :id', { id: report.operationId })
        .getOne();
      if (!operation) throw new ForbiddenError('The operation is no longer visible to the requesting analyst');
      if (!this.access.can(ctx.ability, 'compile', 'Operation', operation)) {
        throw new ForbiddenError("The requesting analyst may no longer compile this operation's reports");
      }
      await context.reportProgress(15);
      const compiledAt = new Date();
      // Compiled for everyone who will read it, from what all of them may read (not what the analyst may).
      const audience = await this.audiences.of(operation);
      const request = {
        operation, version: report.version, compiledAt, audience,
        language: isLanguage(report.language) ? report.language : 'en',
        requestedTlp: (report.requestedTlp as Tlp | null) ?? null,
      } as const;
      // The content is read in many statements: a report linked meanwhile would be in it but not in
      // the sources publication checks (so retracting it later would not stop publication). The
      // sources are taken before and after the content, and it is compiled again until they agree.
      let sources = await this.compiler.sources(operation, audience);
      let content = await this.compiler.compile(ctx, request);
      for (let attempt = 1; ; attempt += 1) {
        const after = await this.compiler.sources(operation, audience);
        if (after.digest === sources.digest) break;
        if (attempt >= COMPILE_ATTEMPTS) throw new ConflictError("The operation's linked reports kept changing during the compilation: compile the report again");
        sources = after;
        content = await this.compiler.compile(ctx, request);
      }
      const withheld = await this.compiler.withheld(ctx, operation, audience);
      await context.reportProgress(60);
      const summary = renderReportMarkdown(content);
      const csv = renderReportCsv(content);
      await context.reportProgress(70);
      const pdf = await renderReportPdf(content);
      await context.reportProgress(90);
      await reports.update(
        { id: report.id, status: 'COMPILING' },
        {
          status: 'READY', content: content as unknown as QueryDeepPartialEntity<OperationReportEntity>['content'], summary, csv, pdf, compiledAt, failureReason: null,
          audience: audience.map((a) => a.agency), withheld: withheld as unknown as QueryDeepPartialEntity<OperationReportEntity>['withheld'],
          sourceIds: sources.ids, sourceDigest: sources.digest,
        },
      );
      await context.reportProgress(100);
      return { reportId: report.id, status: 'READY' };
    } catch (error) {
      if (error instanceof DomainError) {
        await reports.update({ id: report.id, status: 'COMPILING' }, { status: 'FAILED', failureReason: error.message });
        return { reportId: report.id, status: 'FAILED' };
      }
      const last = context.attempt >= this.config.jobs.attempts;
      this.logger.event('error', 'operation report compilation failed', {
        jobId: context.jobId, reportId: report.id, attempt: context.attempt, error: error instanceof Error ? error.message : String(error),
      });
      await reports.update(
        { id: report.id, status: 'COMPILING' },
        last
          ? { status: 'FAILED', failureReason: 'Compilation failed on an internal error (details in the worker log)' }
          : { status: 'QUEUED', failureReason: `Attempt ${context.attempt} failed on an internal error; it is retried automatically` },
      );
      throw new Error('Operation report compilation failed on an internal error', { cause: error });
    }
  }

  /** The requesting analyst's RequestContext as their account and agency stand now. */
  private async analystContext(report: OperationReportEntity, jobId: string): Promise<RequestContext> {
    // The analyst's authority, not a live session (an inactive agency refuses with UNAUTHENTICATED).
    const ctx = await this.contexts.forUser(report.requestedBy, `job:operations.compile-report:${jobId}`);
    if (!ctx) throw new UnauthenticatedError("The requesting analyst's account is no longer active");
    return ctx;
  }
}
