import { useEffect, useState } from 'react';
import { ErrorMessage, Loading } from '../components/common';
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
      operation { id codeName }
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

const RUNNING = new Set(['QUEUED', 'COMPILING']);

export default function ReportView({ id, principal }: { id: string; principal: SessionPrincipal }) {
  const { t, code, dateTime, number, locale } = useI18n();
  /** Code lists read in the reader's language; countries by name; free text as written. */
  const keyLabel = (dimension: string, key: string) =>
    dimension === 'COUNTRY' ? countryName(key, locale) : ['COMMODITY_CATEGORY', 'TRANSPORT_MODE', 'DETECTION_METHOD'].includes(dimension) ? code(key) : key;
  const { data, error, loading, reload } = useLoad(() => run(ReportQuery, { id }), [id]);
  const [actionError, setActionError] = useState<unknown>(null);
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
  const analyst = principal.roles.includes('ANALYST') || principal.roles.includes('PLATFORM_ADMIN');
  const documents = report.status === 'PUBLISHED' ? ['pdf', 'csv', 'md', 'json', 'sig.asc'] : report.status === 'READY' ? ['pdf', 'csv', 'md'] : [];

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
      {analyst && report.status === 'READY' && (
        <button
          type="button"
          onClick={async () => {
            setActionError(null);
            try {
              await run(PublishReport, { id: report.id });
              reload();
            } catch (e) {
              setActionError(e);
            }
          }}
        >
          {t('report.publish')}
        </button>
      )}
      {documents.length > 0 && (
        <section aria-labelledby="downloads-title">
          <h2 id="downloads-title">{t('report.downloads')}</h2>
          <ul className="downloads">
            {documents.map((ext) => (
              <li key={ext}>
                {/* A plain link: the session cookie goes with it, no header to add. */}
                <a className="button" href={`/reports/${report.id}.${ext}`} download data-download={ext}>
                  {t('report.download', { format: ext.toUpperCase() })}
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
      {(report.status === 'READY' || report.status === 'PUBLISHED') && (
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
