import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AUTHENTICATED, Allow, Ctx } from '../../access/allow.decorator.js';
import type { RequestContext } from '../../access/request-context.js';
import { ConflictError, NotFoundError } from '../../errors/domain-error.js';
import type { OperationReportEntity } from './operation-report.entity.js';
import type { ReportContent } from './report-content.js';
import { OperationReportsService } from './report-lifecycle.service.js';
import { UUID_PATTERN } from '../../database/uuid.js';

interface ReportDocument {
  contentType: string;
  /** The document's bytes, or null when the report has none yet. */
  body(report: OperationReportEntity): string | Buffer | null;
}

const DOCUMENTS: Record<string, ReportDocument> = {
  pdf: { contentType: 'application/pdf', body: (r) => r.pdf },
  csv: { contentType: 'text/csv; charset=utf-8', body: (r) => r.csv },
  md: { contentType: 'text/markdown; charset=utf-8', body: (r) => r.summary },
  /** The signed canonical JSON and its detached platform signature: `gpg --verify <id>.sig.asc <id>.json`. */
  json: { contentType: 'application/json; charset=utf-8', body: (r) => r.signedContent },
  'sig.asc': { contentType: 'application/pgp-signature', body: (r) => r.signature },
  /** Each document's own detached signature, once published: `gpg --verify <id>.pdf.asc <id>.pdf`. */
  'json.asc': { contentType: 'application/pgp-signature', body: (r) => r.signature },
  'pdf.asc': { contentType: 'application/pgp-signature', body: (r) => r.pdfSignature },
  'csv.asc': { contentType: 'application/pgp-signature', body: (r) => r.csvSignature },
  'md.asc': { contentType: 'application/pgp-signature', body: (r) => r.summarySignature },
};

const FILE = new RegExp(`^(${UUID_PATTERN})\\.(pdf\\.asc|csv\\.asc|md\\.asc|json\\.asc|sig\\.asc|pdf|csv|md|json)$`, 'i');

/** The name a download is saved under: `<code-name>-report-v<version>.<extension>`, so `gpg --verify x.pdf.asc x.pdf` pairs up. */
function fileName(report: OperationReportEntity, extension: string): string {
  const codeName = (report.content as unknown as ReportContent | null)?.operation.codeName ?? 'operation';
  const slug = codeName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'operation';
  return `${slug}-report-v${report.version}.${extension}`;
}

/**
 * `GET /reports/{id}.pdf|.csv|.md` (and `.json` + `.sig.asc` once published): the report's
 * documents, with the same credentials and visibility as GraphQL; anything not visible is 404.
 */
@Controller('reports')
export class ReportDownloadController {
  constructor(private readonly reports: OperationReportsService) {}

  @Allow(AUTHENTICATED)
  @Get(':file')
  async download(@Ctx() ctx: RequestContext, @Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const match = FILE.exec(file);
    if (!match) throw new NotFoundError('Report');
    const extension = match[2].toLowerCase();
    const report = await this.reports.visibleOrThrow(ctx, match[1].toLowerCase(), { documents: true });
    const document = DOCUMENTS[extension];
    const body = document.body(report);
    if (body == null) {
      throw extension === 'json' || extension.endsWith('.asc')
        ? new ConflictError('The report is not published, so it has no signature yet')
        : new ConflictError(`The report is not compiled yet (status ${report.status})`);
    }
    void reply
      .status(200)
      .header('content-type', document.contentType)
      .header('content-disposition', `attachment; filename="${fileName(report, extension)}"`)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  }
}
