import { createHash } from 'node:crypto';
import { createMessage, sign, type PrivateKey } from 'openpgp';
import { canonicalJson } from '../../crypto/canonical-json.js';
import { INTEROP_CONFIG, utf8Bytes } from '../../crypto/openpgp-profile.js';
import type { OperationReportEntity } from './operation-report.entity.js';

export const REPORT_PUBLICATION_FORMAT = 'windward.operation-report.publication/1';

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * What publishing signs, as RFC 8785 canonical JSON: the report's data, and the SHA-256 of each
 * document, so the Markdown, CSV and PDF downloads can be checked against the one signature.
 */
export function publicationDocument(report: OperationReportEntity, publishedAt: Date): string {
  if (!report.compiledAt || !report.content || report.summary == null || report.csv == null || !report.pdf) {
    throw new Error('Only a compiled report can be signed');
  }
  return canonicalJson({
    format: REPORT_PUBLICATION_FORMAT,
    reportId: report.id,
    operationId: report.operationId,
    version: report.version,
    // Who the report was compiled for and is shown to: signed, so a copy cannot claim a wider audience.
    audience: [...report.audience],
    compiledAt: report.compiledAt.toISOString(),
    publishedAt: publishedAt.toISOString(),
    content: report.content,
    summarySha256: sha256(report.summary),
    csvSha256: sha256(report.csv),
    pdfSha256: sha256(report.pdf),
  });
}

/**
 * The SHA-256 of everything a reader gets (the content and each document): what a reviewer
 * approves, and what publication checks is still the same.
 */
export function documentsDigest(report: Pick<OperationReportEntity, 'content' | 'summary' | 'csv' | 'pdf'>): string {
  if (!report.content || report.summary == null || report.csv == null || !report.pdf) throw new Error('Only a compiled report has documents');
  return sha256(canonicalJson({ content: report.content, summarySha256: sha256(report.summary), csvSha256: sha256(report.csv), pdfSha256: sha256(report.pdf) }));
}

/**
 * Armored detached signature over the UTF-8 bytes of `canonical`, or over the exact bytes given (a binary-mode signature: the
 * bytes are signed exactly, with no line-ending conversion), checkable with `gpg --verify`.
 */
export async function signDetached(canonical: string | Buffer, signingKey: PrivateKey, date: Date): Promise<string> {
  return sign({
    message: await createMessage({ binary: typeof canonical === 'string' ? utf8Bytes(canonical) : new Uint8Array(canonical) }),
    signingKeys: signingKey,
    detached: true,
    format: 'armored',
    date,
    config: INTEROP_CONFIG,
  });
}
