import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Tlp } from '../../seizures/seizure.enums.js';
import { TlpEnum } from '../../seizures/api/seizure.inputs.js';
import { SeizureStatBucketModel } from '../../seizures/api/seizure.model.js';

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
  @Field({ description: 'QUEUED, COMPILING, READY (compiled, awaiting its assessment or review), IN_REVIEW (assessment written, awaiting review), APPROVED, REJECTED, PUBLISHED, FAILED' }) status: string;
  @Field(() => Int) version: number;
  @Field(() => Date, { nullable: true }) compiledAt: Date | null;
  @Field(() => Date, { nullable: true }) publishedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'The compiled report document (Markdown)' }) summary: string | null;
  @Field(() => String, { nullable: true, description: 'Why compilation failed (FAILED), or why it is being retried' }) failureReason: string | null;
  @Field(() => [String], { description: 'Agency codes the report is compiled for and, once published, read by: the lead and the participants when it was compiled' }) audience: string[];
  @Field(() => String, { nullable: true, description: "The reviewer's comment when the report was rejected" }) reviewComment: string | null;
  @Field(() => Date, { nullable: true }) reviewedAt: Date | null;
}

export const ReportLanguageEnum = { EN: 'EN', ES: 'ES', FR: 'FR' } as const;
registerEnumType(ReportLanguageEnum, { name: 'ReportLanguage', description: 'The language of a report\'s computed text (the analyst\'s own text is as written)' });

@InputType('CompileReportOptions')
export class CompileReportOptionsInput {
  @Field(() => ReportLanguageEnum, { nullable: true, description: 'EN (default), ES or FR' }) language?: keyof typeof ReportLanguageEnum | null;
  @Field(() => TlpEnum, { nullable: true, description: 'A marking more restrictive than the content requires; never less' }) tlp?: Tlp | null;
}

@InputType('ReportNarrativeInput')
export class ReportNarrativeInput {
  @Field(() => String, { nullable: true, description: 'Markdown: key findings, in the analyst\'s words (omit to keep, empty to clear)' }) executiveSummary?: string | null;
  @Field(() => String, { nullable: true, description: 'Markdown: trends, modus operandi, recommendations to the participating administrations' }) assessment?: string | null;
  @Field(() => TlpEnum, { nullable: true, description: 'Mark the report more restrictively than its content requires' }) tlp?: Tlp | null;
}

@ObjectType('ReportMarking', { description: 'A report is marked at least as restrictively as the most restrictive report it carries and as its operation' })
export class ReportMarkingModel {
  @Field(() => TlpEnum) tlp: Tlp;
  @Field(() => TlpEnum, { description: 'The least restrictive marking the content allows' }) floor: Tlp;
  @Field(() => TlpEnum) operationTlp: Tlp;
  @Field(() => TlpEnum, { nullable: true, description: 'The most restrictive TLP among the reports covered' }) contentTlp: Tlp | null;
  @Field(() => TlpEnum, { nullable: true, description: "The analyst's choice, if any" }) chosen: Tlp | null;
}

@ObjectType('ReportHistoryEntry')
export class ReportHistoryEntryModel {
  @Field({ description: 'COMPILE, ASSESS, APPROVE, REJECT or PUBLISH' }) action: string;
  @Field() at: Date;
  @Field({ description: "The actor's agency" }) agency: string;
  @Field(() => String, { nullable: true, description: "Shown to readers of the actor's own agency" }) actorEmail: string | null;
  @Field(() => String, { nullable: true, description: "The reviewer's comment (rejections)" }) comment: string | null;
}

/** A count left out keeps what was recorded before (0 at first); `cases` is the contract's name for casesOpened (give either). */
@InputType('OperationOutcomeInput')
export class OperationOutcomeInput {
  @Field(() => Int, { nullable: true }) arrests?: number | null;
  @Field(() => Int, { nullable: true, description: 'Cases opened (the same as casesOpened)' }) cases?: number | null;
  @Field(() => Int, { nullable: true }) casesOpened?: number | null;
  @Field(() => Int, { nullable: true }) prosecutions?: number | null;
  @Field(() => Int, { nullable: true }) controlledDeliveries?: number | null;
  @Field(() => Int, { nullable: true }) followUpActions?: number | null;
  @Field(() => String, { nullable: true, description: 'A short non-nominal note (at most 500 characters; no persons, identifiers or contact details)' }) notes?: string | null;
}

@ObjectType('OperationOutcome', { description: 'What one participating administration recorded during follow-up: counts and a short non-nominal note' })
export class OperationOutcomeModel {
  @Field({ description: 'The administration (agency code)' }) agencyCode: string;
  @Field(() => Int) arrests: number;
  @Field(() => Int) casesOpened: number;
  @Field(() => Int) prosecutions: number;
  @Field(() => Int) controlledDeliveries: number;
  @Field(() => Int) followUpActions: number;
  @Field(() => String, { nullable: true }) notes: string | null;
  @Field() recordedAt: Date;
}

@ObjectType('ReportDocument', { description: "One of a published report's documents, with its own detached platform signature" })
export class ReportDocumentModel {
  @Field({ description: 'PDF, CSV, MD or JSON (the signed canonical content)' }) format: string;
  @Field({ description: 'Where to download it, with the same credentials (GET, relative to the API)' }) url: string;
  @Field({ description: 'The armored detached OpenPGP signature: gpg --verify it against the document' }) signature: string;
}
