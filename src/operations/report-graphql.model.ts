import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { SeizureStatBucketModel } from '../seizures/seizure.model.js';

@ObjectType('StatBreakdown')
export class StatBreakdownModel {
  @Field({ description: 'COUNTRY, COMMODITY_CATEGORY, TRANSPORT_MODE, DETECTION_METHOD, CONCEALMENT, LOCATION or WEEK' })
  dimension: string;
  @Field(() => [SeizureStatBucketModel]) buckets: SeizureStatBucketModel[];
}

/**
 * One compiled version of an operation's report. The parent object of its field resolvers is the
 * OperationReportEntity (operation, totals, breakdowns, signature and progress are resolved).
 */
@ObjectType('OperationReport', { description: "Compiled by a background job over what the requesting analyst may see; never holds nominal data" })
export class OperationReportModel {
  @Field(() => ID) id: string;
  @Field({ description: 'QUEUED, COMPILING, READY, PUBLISHED, FAILED' }) status: string;
  @Field(() => Int) version: number;
  @Field(() => Date, { nullable: true }) compiledAt: Date | null;
  @Field(() => Date, { nullable: true }) publishedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'The compiled report document (Markdown)' }) summary: string | null;
  @Field(() => String, { nullable: true, description: 'Why compilation failed (FAILED), or why it is being retried' }) failureReason: string | null;
}
