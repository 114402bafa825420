import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx, OwnCredentials } from '../../access/allow.decorator.js';
import type { RequestContext } from '../../access/request-context.js';
import { credentialsIssuedByAnother } from '../../access/principal.js';
import { BadUserInputError, NotFoundError } from '../../errors/domain-error.js';
import { AgencyModel } from '../../agencies/agency.model.js';
import { SeizureLoaderFactory } from '../../seizures/read/seizure-loaders.js';
import type { OperationOutcomeEntity } from './operation-outcome.entity.js';
import { SeizureStatBucketModel, SignatureModel } from '../../seizures/api/seizure.model.js';
import type { OperationEntity } from '../operation.entity.js';
import type { OperationReportEntity } from './operation-report.entity.js';
import { OperationModel } from '../operation.model.js';
import { OperationsService } from '../operations.service.js';
import { EMPTY_TOTALS, toStatBucket, type ReportContent } from './report-content.js';
import {
  CompileReportOptionsInput,
  OperationOutcomeInput,
  OperationOutcomeModel,
  OperationReportModel,
  OperationReportWithheldModel,
  ReportHistoryEntryModel,
  ReportLanguageEnum,
  ReportDocumentModel,
  ReportMarkingModel,
  ReportNarrativeInput,
  StatBreakdownModel,
} from './report-graphql.model.js';
import { TlpEnum } from '../../seizures/api/seizure.inputs.js';
import { OperationReportsService } from './report-lifecycle.service.js';
import { OperationOutcomesService } from './operation-outcomes.service.js';
import { ReportReviewService } from './report-review.service.js';
import type { Language } from '../../i18n/catalog.js';

function contentOf(report: OperationReportEntity): ReportContent | null {
  return report.content as unknown as ReportContent | null;
}

@Resolver(() => OperationReportModel)
export class OperationReportsResolver {
  constructor(
    private readonly reports: OperationReportsService,
    private readonly operations: OperationsService,
    private readonly review: ReportReviewService,
  ) {}

  @Allow(AUTHENTICATED)
  @Query(() => OperationReportModel, { nullable: true, description: 'Null when it does not exist or is not visible to you (unpublished reports: the lead\'s analysts only)' })
  operationReport(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string) {
    return this.reports.findVisible(ctx, id);
  }

  @OwnCredentials() // the four eyes are two people: a key issued for someone else acts as neither
  @Allow('ANALYST')
  @Mutation(() => OperationReportModel, { description: "Queues the compilation of the operation's next report version (a background job)" })
  compileOperationReport(
    @Ctx() ctx: RequestContext,
    @Args('operationId', { type: () => ID }) operationId: string,
    @Args('options', { type: () => CompileReportOptionsInput, nullable: true }) options: CompileReportOptionsInput | null,
    @Args('language', { type: () => ReportLanguageEnum, nullable: true, description: "The contract's place for the language (EN when neither this nor options.language is given)" })
    language: keyof typeof ReportLanguageEnum | null,
  ) {
    if (language && options?.language && language !== options.language) {
      throw new BadUserInputError('language and options.language differ: give one', ['language']);
    }
    const chosen = language ?? options?.language;
    return this.reports.requestCompile(ctx, operationId, { language: chosen ? (ReportLanguageEnum[chosen].toLowerCase() as Language) : null, tlp: options?.tlp ?? null });
  }

  @OwnCredentials() // the four eyes are two people: a key issued for someone else acts as neither
  @Allow('ANALYST')
  @Mutation(() => OperationReportModel, { description: "Writes the executive summary and the assessment (Markdown) on a compiled, unpublished report, and may mark it more restrictively; it then awaits review (IN_REVIEW) again" })
  writeOperationReportNarrative(@Ctx() ctx: RequestContext, @Args('reportId', { type: () => ID }) reportId: string, @Args('input', { type: () => ReportNarrativeInput }) input: ReportNarrativeInput) {
    return this.review.writeNarrative(ctx, reportId, input);
  }

  @OwnCredentials() // the four eyes are two people: a key issued for someone else acts as neither
  @Allow('ANALYST')
  @Mutation(() => OperationReportModel, {
    description: 'Writes the executive summary and the assessment on a compiled, unpublished report (writeOperationReportNarrative with both); it then awaits review (IN_REVIEW)',
  })
  setOperationReportAssessment(
    @Ctx() ctx: RequestContext,
    @Args('reportId', { type: () => ID }) reportId: string,
    @Args('executiveSummary') executiveSummary: string,
    @Args('assessment') assessment: string,
  ) {
    return this.review.writeNarrative(ctx, reportId, { executiveSummary, assessment });
  }

  @OwnCredentials() // the four eyes are two people: a key issued for someone else acts as neither
  @Allow('REVIEWER')
  @Mutation(() => OperationReportModel, { description: "Four-eyes: a reviewer of the lead agency, not its compiler or writer, approves a report awaiting review (READY or IN_REVIEW) for publication" })
  approveOperationReport(@Ctx() ctx: RequestContext, @Args('reportId', { type: () => ID }) reportId: string) {
    return this.review.approve(ctx, reportId);
  }

  @OwnCredentials() // the four eyes are two people: a key issued for someone else acts as neither
  @Allow('REVIEWER')
  @Mutation(() => OperationReportModel, { description: 'Four-eyes: rejects a report awaiting review (READY or IN_REVIEW) with a comment; a rejected report is never published' })
  rejectOperationReport(@Ctx() ctx: RequestContext, @Args('reportId', { type: () => ID }) reportId: string, @Args('comment') comment: string) {
    return this.review.reject(ctx, reportId, comment);
  }

  @Allow('ANALYST')
  @Mutation(() => OperationReportModel, { description: 'Signs an APPROVED report (and each of its documents) with the platform key and shows it to every agency of its audience' })
  publishOperationReport(@Ctx() ctx: RequestContext, @Args('reportId', { type: () => ID }) reportId: string) {
    return this.reports.publish(ctx, reportId);
  }

  @ResolveField('operation', () => OperationModel)
  async operation(@Ctx() ctx: RequestContext, @Parent() report: OperationReportEntity) {
    const operation = await this.operations.loadVisible(ctx, report.operationId);
    if (!operation) throw new NotFoundError('Operation');
    return operation;
  }

  @ResolveField('totals', () => SeizureStatBucketModel, { description: 'Zero until the report is compiled' })
  totals(@Parent() report: OperationReportEntity) {
    const content = contentOf(report);
    return content ? toStatBucket(content.totals) : EMPTY_TOTALS;
  }

  @ResolveField('breakdowns', () => [StatBreakdownModel], { description: 'Empty until the report is compiled' })
  breakdowns(@Parent() report: OperationReportEntity) {
    return (contentOf(report)?.breakdowns ?? []).map((b) => ({ dimension: b.dimension, buckets: b.buckets.map(toStatBucket) }));
  }

  @ResolveField('withheldDetail', () => OperationReportWithheldModel, {
    nullable: true,
    description:
      'How many linked reports you may read were left out and why: for the analyst who asked for this compilation, with their own credentials; null for everyone else',
  })
  withheldDetail(@Ctx() ctx: RequestContext, @Parent() report: OperationReportEntity) {
    // Counted with the analyst's whole ability, TLP:RED reports naming them included: not for a key someone else holds.
    return report.requestedBy === ctx.principal.userId && !credentialsIssuedByAnother(ctx.principal) ? report.withheld : null;
  }

  @ResolveField('withheld', () => Int, {
    nullable: true,
    description: 'How many linked reports you may read were left out (withheldDetail says why): for the compiling analyst, with their own credentials; null for everyone else',
  })
  withheld(@Ctx() ctx: RequestContext, @Parent() report: OperationReportEntity): number | null {
    const detail = this.withheldDetail(ctx, report) as { withheld?: unknown } | null;
    return typeof detail?.withheld === 'number' ? detail.withheld : null;
  }

  @ResolveField('tlp', () => TlpEnum, { description: "The report's marking: never less restrictive than its content (the operation's until it is compiled)" })
  async tlp(@Ctx() ctx: RequestContext, @Parent() report: OperationReportEntity): Promise<string> {
    const marked = contentOf(report)?.marking?.tlp ?? report.requestedTlp;
    if (marked) return marked;
    // Not compiled yet: the operation's, which only the lead's readers see then; never an error in a readable report.
    return (await this.operations.loadVisible(ctx, report.operationId))?.tlp ?? 'RED';
  }

  @ResolveField('totalsByUnit', () => [SeizureStatBucketModel], { description: 'The totals, one bucket per quantity unit (keys: [unit]); empty until compiled' })
  totalsByUnit(@Parent() report: OperationReportEntity) {
    return (contentOf(report)?.totals.quantities ?? []).map((unit) => ({
      keys: [unit.unit], count: unit.count, totalQuantity: unit.quantity, quantityUnit: unit.unit, totalValue: unit.value,
    }));
  }

  @ResolveField('documents', () => [ReportDocumentModel], { description: 'The published documents, each with its detached signature; empty until published' })
  documents(@Parent() report: OperationReportEntity): ReportDocumentModel[] {
    if (report.status !== 'PUBLISHED') return [];
    const signed: [string, string, string | null][] = [
      ['PDF', 'pdf', report.pdfSignature], ['CSV', 'csv', report.csvSignature], ['MD', 'md', report.summarySignature], ['JSON', 'json', report.signature],
    ];
    return signed.filter((entry): entry is [string, string, string] => entry[2] !== null).map(([format, extension, signature]) => ({ format, url: `/reports/${report.id}.${extension}`, signature }));
  }

  @ResolveField('marking', () => ReportMarkingModel, { nullable: true, description: 'Null until the report is compiled' })
  marking(@Parent() report: OperationReportEntity) {
    return contentOf(report)?.marking ?? null;
  }

  @ResolveField('language', () => ReportLanguageEnum)
  language(@Parent() report: OperationReportEntity) {
    return (report.language ?? 'en').toUpperCase();
  }

  @ResolveField('executiveSummary', () => String, { nullable: true, description: "The analyst's executive summary (Markdown)" })
  executiveSummary(@Parent() report: OperationReportEntity) {
    return contentOf(report)?.narrative?.executiveSummary ?? null;
  }

  @ResolveField('assessment', () => String, { nullable: true, description: "The analyst's assessment (Markdown)" })
  assessment(@Parent() report: OperationReportEntity) {
    return contentOf(report)?.narrative?.assessment ?? null;
  }

  @ResolveField('history', () => [ReportHistoryEntryModel], { description: 'Compilation, writing, review and publication, oldest first' })
  history(@Ctx() ctx: RequestContext, @Parent() report: OperationReportEntity) {
    return this.review.history(ctx, report);
  }

  @ResolveField('signature', () => SignatureModel, { nullable: true, description: 'The platform signature, once published' })
  signature(@Parent() report: OperationReportEntity) {
    return this.reports.signatureOf(report);
  }

  @ResolveField('progress', () => Int, { nullable: true, description: 'Compilation progress, 0-100; null when it failed' })
  progress(@Parent() report: OperationReportEntity) {
    return this.reports.progressOf(report);
  }
}

/** Operation.reports: the versions visible to the caller, newest first; Operation.outcomes. */
@Resolver(() => OperationModel)
export class OperationReportsFieldResolver {
  constructor(
    private readonly reports: OperationReportsService,
    private readonly outcomes: OperationOutcomesService,
  ) {}

  @ResolveField('reports', () => [OperationReportModel])
  reportsOf(@Ctx() ctx: RequestContext, @Parent() operation: OperationEntity) {
    return this.reports.forOperation(ctx, operation.id);
  }

  @ResolveField('outcomes', () => [OperationOutcomeModel], { description: 'Follow-up outcomes recorded by the participating administrations' })
  outcomesOf(@Ctx() ctx: RequestContext, @Parent() operation: OperationEntity) {
    return this.outcomes.forOperation(ctx, operation.id);
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN')
  @Mutation(() => OperationOutcomeModel, { description: "During FOLLOW_UP: records your administration's outcomes for the operation (replaces what it recorded before)" })
  recordOperationOutcome(@Ctx() ctx: RequestContext, @Args('operationId', { type: () => ID }) operationId: string, @Args('input', { type: () => OperationOutcomeInput }) input: OperationOutcomeInput) {
    if (input.cases != null && input.casesOpened != null && input.cases !== input.casesOpened) {
      throw new BadUserInputError('cases and casesOpened are the same count: give one, or the same number', ['input.cases']);
    }
    return this.outcomes.record(ctx, operationId, {
      arrests: input.arrests, casesOpened: input.cases ?? input.casesOpened, prosecutions: input.prosecutions,
      controlledDeliveries: input.controlledDeliveries, followUpActions: input.followUpActions, notes: input.notes,
    });
  }
}

/** OperationOutcome's fields under the API contract's names: the administration as an Agency, and `cases`. */
@Resolver(() => OperationOutcomeModel)
export class OperationOutcomeFieldResolver {
  constructor(private readonly loaders: SeizureLoaderFactory) {}

  @ResolveField('agency', () => AgencyModel, { description: 'The administration that recorded it' })
  agency(@Ctx() ctx: RequestContext, @Parent() outcome: OperationOutcomeEntity) {
    return this.loaders.for(ctx).agency.load(outcome.agencyCode);
  }

  @ResolveField('cases', () => Int, { description: 'Cases opened (the same as casesOpened)' })
  cases(@Parent() outcome: OperationOutcomeEntity): number {
    return outcome.casesOpened;
  }
}
