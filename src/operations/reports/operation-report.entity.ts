import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * QUEUED → COMPILING → READY (compiled) → IN_REVIEW (the analyst's assessment written) → APPROVED →
 * PUBLISHED; a reviewer may review a READY report too, and may instead REJECT it (it is never
 * published; the analyst revises it, which puts it IN_REVIEW again, or compiles a new version).
 * Editing an APPROVED report puts it IN_REVIEW again: approval covers the exact text.
 */
export const REPORT_STATUSES = ['QUEUED', 'COMPILING', 'READY', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'PUBLISHED', 'FAILED'] as const;
/** Compiled and awaiting a reviewer's decision. */
export const AWAITING_REVIEW: readonly ReportStatus[] = ['READY', 'IN_REVIEW'];
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/**
 * One compiled version of an operation's report. Compiled by a background job from what every
 * agency of its audience may read; never holds nominal data. Publishing signs it with the platform key.
 */
@Entity({ name: 'operation_reports' })
@Index('uq_operation_reports_version', ['operationId', 'version'], { unique: true })
export class OperationReportEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  operationId: string;

  /** The operation's lead agency: its analysts read every version (config/policies.yaml). */
  @Column({ name: 'lead_agency', type: 'varchar', length: 32 })
  leadAgency: string;

  /**
   * The agencies the report is compiled for and, once published, read by: the lead and the
   * participants when it was compiled. The content holds only what every one of them may read.
   */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  audience: string[];

  /** For the compiling analyst only (WithheldSummary): what was left out and why. Never published. */
  @Column({ type: 'jsonb', nullable: true })
  withheld: Record<string, unknown> | null;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'varchar', length: 16 })
  status: ReportStatus;

  @Column({ name: 'failure_reason', type: 'varchar', length: 1000, nullable: true })
  failureReason: string | null;

  /** The analyst whose access the compilation used. */
  @Column({ name: 'requested_by', type: 'uuid' })
  requestedBy: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'compiled_at', type: 'timestamptz', nullable: true })
  compiledAt: Date | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Totals, breakdowns, notable cases, trends, modus operandi: the report's data (no nominal data). */
  @Column({ type: 'jsonb', nullable: true })
  content: Record<string, unknown> | null;

  /** The report as Markdown. */
  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ type: 'text', nullable: true })
  csv: string | null;

  @Column({ type: 'bytea', nullable: true })
  pdf: Buffer | null;

  /** Chosen at compilation: the language of the computed text (en, es, fr). */
  @Column({ type: 'varchar', length: 8, default: 'en' })
  language: string;

  /** Chosen at compilation: a marking more restrictive than the content requires, if any. */
  @Column({ name: 'requested_tlp', type: 'varchar', length: 16, nullable: true })
  requestedTlp: string | null;

  /** The reviewer who approved or rejected it, when, why (rejections), and the SHA-256 of what was approved. */
  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ name: 'review_comment', type: 'varchar', length: 2000, nullable: true })
  reviewComment: string | null;

  @Column({ name: 'approved_sha256', type: 'char', length: 64, nullable: true })
  approvedSha256: string | null;

  /** The linked reports the content was computed from (SeizureReportAggregates.sources). */
  @Column({ name: 'source_ids', type: 'uuid', array: true, nullable: true })
  sourceIds: string[] | null;

  /**
   * The fingerprint of those reports as the audience could read them at compilation: publication
   * takes them again and refuses when it has changed.
   */
  @Column({ name: 'source_digest', type: 'char', length: 64, nullable: true })
  sourceDigest: string | null;

  /** The last author of the executive summary and assessment: a reviewer may not approve their own words. */
  @Column({ name: 'narrative_by', type: 'uuid', nullable: true })
  narrativeBy: string | null;

  /** Armored detached platform signatures over the exact bytes of the PDF, the CSV and the Markdown. */
  @Column({ name: 'pdf_signature', type: 'text', nullable: true })
  pdfSignature: string | null;

  @Column({ name: 'csv_signature', type: 'text', nullable: true })
  csvSignature: string | null;

  @Column({ name: 'summary_signature', type: 'text', nullable: true })
  summarySignature: string | null;

  /** Armored detached platform signature over `signedContent` (canonical JSON of the report). */
  @Column({ type: 'text', nullable: true })
  signature: string | null;

  @Column({ name: 'signed_content', type: 'text', nullable: true })
  signedContent: string | null;

  @Column({ name: 'signer_fingerprint', type: 'varchar', length: 64, nullable: true })
  signerFingerprint: string | null;
}
