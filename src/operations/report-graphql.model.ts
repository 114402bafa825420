import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { SeizureStatBucketModel } from '../seizures/seizure.model.js';

@ObjectType('StatBreakdown')
export class StatBreakdownModel {
  @Field({ description: 'COUNTRY, COMMODITY_CATEGORY, TRANSPORT_MODE, DETECTION_METHOD, CONCEALMENT, LOCATION or WEEK' })
  dimension: string;
  @Field(() => [SeizureStatBucketModel]) buckets: SeizureStatBucketModel[];
}

@ObjectType('WithheldReason')
export class WithheldReasonModel {
  @Field({ description: 'TLP_RED (never in a derived product) or NOT_READABLE_BY_EVERY_READER' }) reason: string;
  @Field(() => [String], { description: 'NOT_READABLE_BY_EVERY_READER: the agencies of the audience that may not read these reports' }) agencies: string[];
  @Field(() => Int) count: number;
}

@ObjectType('WithheldField')
export class WithheldFieldModel {
  @Field({ description: 'A Seizure field path (estimatedValue, concealment, location, route, ...)' }) field: string;
  @Field(() => Int, { description: 'Included reports whose value of this field was left out' }) count: number;
}

@ObjectType('OperationReportWithheld', { description: 'What the compilation left out, counted over the linked reports the compiling analyst may read; shown to that analyst only' })
export class OperationReportWithheldModel {
  @Field(() => Int) linkedVisibleToAnalyst: number;
  @Field(() => Int) included: number;
  @Field(() => Int) withheld: number;
  @Field(() => [WithheldReasonModel]) reasons: WithheldReasonModel[];
  @Field(() => [WithheldFieldModel]) fields: WithheldFieldModel[];
}

/**
 * One compiled version of an operation's report. The parent object of its field resolvers is the
 * OperationReportEntity (operation, totals, breakdowns, signature and progress are resolved).
 */
@ObjectType('OperationReport', { description: 'Compiled by a background job from what every agency of its audience may read; never holds nominal data' })
export class OperationReportModel {
  @Field(() => ID) id: string;
  @Field({ description: 'QUEUED, COMPILING, READY, PUBLISHED, FAILED' }) status: string;
  @Field(() => Int) version: number;
  @Field(() => Date, { nullable: true }) compiledAt: Date | null;
  @Field(() => Date, { nullable: true }) publishedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'The compiled report document (Markdown)' }) summary: string | null;
  @Field(() => String, { nullable: true, description: 'Why compilation failed (FAILED), or why it is being retried' }) failureReason: string | null;
  @Field(() => [String], { description: 'Agency codes the report is compiled for and, once published, read by: the lead and the participants when it was compiled' }) audience: string[];
}
