import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx } from '../auth/allow.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { NotFoundError } from '../errors/domain-error.js';
import { SeizureStatBucketModel, SignatureModel } from '../seizures/seizure.model.js';
import type { OperationEntity } from './operation.entity.js';
import type { OperationReportEntity } from './operation-report.entity.js';
import { OperationModel } from './operation.model.js';
import { OperationsService } from './operations.service.js';
import { EMPTY_TOTALS, toStatBucket, type ReportContent } from './report-content.js';
import { OperationReportModel, OperationReportWithheldModel, StatBreakdownModel } from './report-graphql.model.js';
import { OperationReportsService } from './report-lifecycle.service.js';

function contentOf(report: OperationReportEntity): ReportContent | null {
  return report.content as unknown as ReportContent | null;
}

@Resolver(() => OperationReportModel)
export class OperationReportsResolver {
  constructor(
    private readonly reports: OperationReportsService,
    private readonly operations: OperationsService,
  ) {}

  @Allow(AUTHENTICATED)
  @Query(() => OperationReportModel, { nullable: true, description: 'Null when it does not exist or is not visible to you (unpublished reports: the lead\'s analysts only)' })
  operationReport(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string) {
    return this.reports.findVisible(ctx, id);
  }

  @Allow('ANALYST')
  @Mutation(() => OperationReportModel, { description: "Queues the compilation of the operation's next report version (a background job)" })
  compileOperationReport(@Ctx() ctx: RequestContext, @Args('operationId', { type: () => ID }) operationId: string) {
    return this.reports.requestCompile(ctx, operationId);
  }

  @Allow('ANALYST')
  @Mutation(() => OperationReportModel, { description: 'Signs a READY report with the platform key and shows it to every agency of its audience' })
  publishOperationReport(@Ctx() ctx: RequestContext, @Args('reportId', { type: () => ID }) reportId: string) {
    return this.reports.publish(ctx, reportId);
  }

  @ResolveField('operation', () => OperationModel)
  async operation(@Ctx() ctx: RequestContext, @Parent() report: OperationReportEntity) {
    const operation = await this.operations.findVisible(ctx, report.operationId);
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

  @ResolveField('withheld', () => OperationReportWithheldModel, {
    nullable: true,
    description: 'How many linked reports you may read were left out and why: for the analyst who asked for this compilation, null for everyone else',
  })
  withheld(@Ctx() ctx: RequestContext, @Parent() report: OperationReportEntity) {
    return report.requestedBy === ctx.principal.userId ? report.withheld : null;
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

/** Operation.reports: the versions visible to the caller, newest first. */
@Resolver(() => OperationModel)
export class OperationReportsFieldResolver {
  constructor(private readonly reports: OperationReportsService) {}

  @ResolveField('reports', () => [OperationReportModel])
  reportsOf(@Ctx() ctx: RequestContext, @Parent() operation: OperationEntity) {
    return this.reports.forOperation(ctx, operation.id);
  }
}
