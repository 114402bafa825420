import { useEffect, useState } from 'react';
import { ErrorMessage, Loading, TlpBadge } from '../components/common';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import { countryName } from '../lib/codes';
import { href } from '../lib/router';
import type { SessionPrincipal } from '../lib/session';
import { useLoad } from '../lib/useQuery';

const ReportQuery = graphql(`
  query OperationReportView($id: ID!) {
    operationReport(id: $id) {
      id status version compiledAt publishedAt summary failureReason progress
      audience language reviewComment reviewedAt executiveSummary assessment
      marking { tlp floor operationTlp contentTlp chosen }
      history { action at agency actorEmail comment }
      withheldDetail { linkedVisibleToAnalyst included withheld reasons { reason agencies count } fields { field count } }
      operation { id codeName leadAgency { code } }
      totals { count totalQuantity quantityUnit totalValue }
      breakdowns { dimension buckets { keys count totalValue } }
      signature { signerFingerprint verified signedAt }
    }
  }
`);
const PublishReport = graphql(`
  mutation PublishReport($id: ID!) {
    publishOperationReport(reportId: $id) { id status }
  }
`);
const WriteNarrative = graphql(`
  mutation WriteReportNarrative($id: ID!, $input: ReportNarrativeInput!) {
    writeOperationReportNarrative(reportId: $id, input: $input) { id status }
  }
`);
const ApproveReport = graphql(`
  mutation ApproveReport($id: ID!) {
    approveOperationReport(reportId: $id) { id status }
  }
`);
const RejectReport = graphql(`
  mutation RejectReport($id: ID!, $comment: String!) {
    rejectOperationReport(reportId: $id, comment: $comment) { id status }
  }
`);

const RUNNING = new Set(['QUEUED', 'COMPILING']);
/** Compiled and not yet published: the documents exist, unsigned, for the analyst and the reviewer. */
const COMPILED = new Set(['READY', 'IN_REVIEW', 'APPROVED', 'REJECTED']);
const AWAITING_REVIEW = new Set(['READY', 'IN_REVIEW']);
/** Each published document comes with its own detached signature. */
const PUBLISHED_DOCUMENTS = ['pdf', 'pdf.asc', 'csv', 'csv.asc', 'md', 'md.asc', 'json', 'sig.asc'];

export default function ReportView({ id, principal }: { id: string; principal: SessionPrincipal }) {
  const { t, code, dateTime, number, locale } = useI18n();
  /** Code lists read in the reader's language; countries by name; free text as written. */
  const keyLabel = (dimension: string, key: string) =>
    dimension === 'COUNTRY' ? countryName(key, locale) : ['COMMODITY_CATEGORY', 'TRANSPORT_MODE', 'DETECTION_METHOD'].includes(dimension) ? code(key) : key;
  const { data, error, loading, reload } = useLoad(() => run(ReportQuery, { id }), [id]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [summaryText, setSummaryText] = useState<string | null>(null);
  const [assessmentText, setAssessmentText] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const report = data?.operationReport;
  const running = report ? RUNNING.has(report.status) : false;

  // While the job runs, ask again every second for its progress.
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(reload, 1000);
    return () => clearTimeout(timer);
  }, [running, data, reload]);

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  if (!report) return <p role="alert">{t('detail.notFound')}</p>;
  const lead = report.operation.leadAgency.code === principal.agencyCode;
  const analyst = lead && principal.roles.includes('ANALYST');
  const reviewer = lead && principal.roles.includes('REVIEWER');
  const documents = report.status === 'PUBLISHED' ? PUBLISHED_DOCUMENTS : COMPILED.has(report.status) ? ['pdf', 'csv', 'md'] : [];

  async function act(action: () => Promise<unknown>, message: string) {
    setActionError(null);
    setNotice('');
    try {
      await action();
      setNotice(message);
      reload();
    } catch (e) {
      setActionError(e);
    }
  }

  return (
    <article aria-labelledby="report-title">
      <h1 id="report-title">{t('report.title', { codeName: report.operation.codeName, version: report.version })}</h1>
      <p>
        <a href={href('operation', report.operation.id)}>{t('report.back')}</a>
      </p>
      <p data-testid="report-status">
        {t('field.status')}: <strong>{code(report.status)}</strong>
        {report.compiledAt ? ` · ${t('operation.compiled')} ${dateTime(report.compiledAt)}` : ''}
        {report.publishedAt ? ` · ${t('operation.published')} ${dateTime(report.publishedAt)}` : ''}
      </p>
      {AWAITING_REVIEW.has(report.status) && <p>{t('report.awaitingReview')}</p>}
      {report.marking && (
        <p data-testid="report-marking">
          {t('report.marking')}: <TlpBadge tlp={report.marking.tlp} />{' '}
          {t('report.markingWhy', { floor: report.marking.floor, operation: report.marking.operationTlp, content: report.marking.contentTlp ?? '—' })}
        </p>
      )}
      <p>
        {t('report.audience')}: {report.audience.join(', ')} · {t('report.language')}: {report.language}
      </p>
      {report.status === 'REJECTED' && report.reviewComment && (
        <p className="error" data-testid="review-comment">
          {t('report.rejectedBecause')}: {report.reviewComment}
        </p>
      )}
      {running && (
        <div className="progress">
          <label htmlFor="report-progress">{t('report.compiling')}</label>
          <progress id="report-progress" max={100} value={report.progress ?? 0}>
            {report.progress ?? 0} %
          </progress>
        </div>
      )}
      {report.failureReason && <p className="error" role="alert">{report.failureReason}</p>}
      <ErrorMessage error={actionError} />
      {notice && <p role="status" className="ok">{notice}</p>}
      {analyst && report.status === 'APPROVED' && (
        <button type="button" onClick={() => act(() => run(PublishReport, { id: report.id }), t('report.publishedNotice'))}>
          {t('report.publish')}
        </button>
      )}
      {reviewer && AWAITING_REVIEW.has(report.status) && (
        <section className="manage" aria-labelledby="review-title">
          <h2 id="review-title">{t('report.review')}</h2>
          <p>{t('report.reviewHelp')}</p>
          <div className="panel">
            <button type="button" onClick={() => act(() => run(ApproveReport, { id: report.id }), t('report.approvedNotice'))}>
              {t('report.approve')}
            </button>
          </div>
          <div className="panel">
            <label htmlFor="review-comment">{t('report.comment')}</label>
            <textarea id="review-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
            <button
              type="button"
              disabled={!comment.trim()}
              onClick={() => act(async () => { await run(RejectReport, { id: report.id, comment: comment.trim() }); setComment(''); }, t('report.rejectedNotice'))}
            >
              {t('report.reject')}
            </button>
          </div>
        </section>
      )}
      {analyst && COMPILED.has(report.status) && (
        <section className="manage" aria-labelledby="narrative-title">
          <h2 id="narrative-title">{t('report.narrative')}</h2>
          <p>{t('report.narrativeHelp')}</p>
          <div className="panel">
            <label htmlFor="n-summary">{t('report.executiveSummary')}</label>
            <textarea id="n-summary" rows={5} value={summaryText ?? report.executiveSummary ?? ''} onChange={(e) => setSummaryText(e.target.value)} />
          </div>
          <div className="panel">
            <label htmlFor="n-assessment">{t('report.assessment')}</label>
            <textarea id="n-assessment" rows={5} value={assessmentText ?? report.assessment ?? ''} onChange={(e) => setAssessmentText(e.target.value)} />
          </div>
          <p>
            <button
              type="button"
              onClick={() =>
                act(async () => {
                  await run(WriteNarrative, { id: report.id, input: { executiveSummary: summaryText ?? report.executiveSummary ?? '', assessment: assessmentText ?? report.assessment ?? '' } });
                  setSummaryText(null);
                  setAssessmentText(null);
                }, t('report.narrativeSaved'))
              }
            >
              {t('report.saveNarrative')}
            </button>
          </p>
        </section>
      )}
      {report.withheldDetail && (
        <section aria-labelledby="withheld-title" data-testid="report-withheld">
          <h2 id="withheld-title">{t('report.withheld')}</h2>
          <p>{t('report.withheldSummary', { visible: number(report.withheldDetail.linkedVisibleToAnalyst), included: number(report.withheldDetail.included), withheld: number(report.withheldDetail.withheld) })}</p>
          <ul>
            {report.withheldDetail.reasons.map((r) => (
              <li key={r.reason}>
                {code(r.reason)}: {number(r.count)}{r.agencies.length ? ` (${r.agencies.join(', ')})` : ''}
              </li>
            ))}
            {report.withheldDetail.fields.map((f) => (
              <li key={f.field}>{t('report.withheldField', { field: f.field, count: number(f.count) })}</li>
            ))}
          </ul>
        </section>
      )}
      {documents.length > 0 && (
        <section aria-labelledby="downloads-title">
          <h2 id="downloads-title">{t('report.downloads')}</h2>
          <ul className="downloads">
            {documents.map((ext) => (
              <li key={ext}>
                {/* A plain link: the session cookie goes with it, no header to add. */}
                <a className="button" href={`/reports/${report.id}.${ext}`} download data-download={ext}>
                  {ext.endsWith('.asc') ? t('report.downloadSignature', { format: ext.replace('.asc', '').replace('sig', 'json').toUpperCase() }) : t('report.download', { format: ext.toUpperCase() })}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {report.signature && (
        <p className={report.signature.verified ? 'ok' : 'bad'}>
          {report.signature.verified ? t('detail.signatureOk') : t('detail.signatureBad')} · {report.signature.signerFingerprint.slice(-16)}
        </p>
      )}
      {report.history.length > 0 && (
        <section aria-labelledby="report-history-title">
          <h2 id="report-history-title">{t('report.history')}</h2>
          <table data-testid="report-history">
            <thead>
              <tr>
                <th scope="col">{t('detail.when')}</th>
                <th scope="col">{t('report.action')}</th>
                <th scope="col">{t('report.agency')}</th>
                <th scope="col">{t('report.by')}</th>
                <th scope="col">{t('report.comment')}</th>
              </tr>
            </thead>
            <tbody>
              {report.history.map((h, i) => (
                <tr key={i}>
                  <td>{dateTime(h.at)}</td>
                  <td>{code(`REPORT_${h.action}`)}</td>
                  <td>{h.agency}</td>
                  <td>{h.actorEmail ?? ''}</td>
                  <td>{h.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {(COMPILED.has(report.status) || report.status === 'PUBLISHED') && (
        <section aria-labelledby="preview-title">
          <h2 id="preview-title">{t('report.preview')}</h2>
          <p>
            {t('report.totals', { count: number(report.totals.count), value: number(report.totals.totalValue ?? 0) })}
          </p>
          <div className="charts">
            {report.breakdowns.map((b) => (
              <table key={b.dimension}>
                <caption>{code(b.dimension)}</caption>
                <tbody>
                  {b.buckets.slice(0, 10).map((bucket) => (
                    <tr key={bucket.keys.join('|')}>
                      <th scope="row">{bucket.keys.map((k) => keyLabel(b.dimension, k)).join(' · ')}</th>
                      <td className="num">{number(bucket.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </div>
          {report.summary && <pre className="summary" data-testid="report-summary" tabIndex={0}>{report.summary}</pre>}
        </section>
      )}
    </article>
  );
}
