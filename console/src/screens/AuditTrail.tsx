import { useState } from 'react';
import { ErrorMessage, Loading } from '../components/common';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import type { SessionPrincipal } from '../lib/session';
import { useLoad } from '../lib/useQuery';

const OwnReports = graphql(`
  query OwnReports($agency: String!, $after: String) {
    seizures(filter: { reportingAgencies: [$agency], includeRetracted: true }, first: 20, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id reference seizedAt status } }
    }
  }
`);
const Trail = graphql(`
  query ReportAuditTrail($id: ID!, $after: String) {
    auditTrail(resourceId: $id, first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id seq at actor actorEmail agency action fields } }
    }
  }
`);

/** Who read and changed the agency's reports: pick a report, read its trail. */
export default function AuditTrail({ principal }: { principal: SessionPrincipal }) {
  const { t, date, dateTime, code } = useI18n();
  const [after, setAfter] = useState<string | null>(null);
  const reports = useLoad(() => run(OwnReports, { agency: principal.agencyCode, after }), [principal.agencyCode, after]);
  const [selected, setSelected] = useState<{ id: string; reference: string } | null>(null);
  const trail = useLoad(() => (selected ? run(Trail, { id: selected.id }) : Promise.resolve(null)), [selected?.id]);

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title', { agency: principal.agencyCode })}</h1>
      <div className="split">
        <div>
          <h2>{t('audit.reports')}</h2>
          <ErrorMessage error={reports.error} />
          {reports.loading && !reports.data ? <Loading /> : (
            <ul className="plain">
              {reports.data?.seizures.edges.map(({ node }) => (
                <li key={node.id}>
                  <button type="button" className="link" aria-pressed={selected?.id === node.id} onClick={() => setSelected({ id: node.id, reference: node.reference })}>
                    {node.reference}
                  </button>{' '}
                  · {date(node.seizedAt)} · {code(node.status)}
                </li>
              ))}
            </ul>
          )}
          <nav className="pager" aria-label={t('search.paging')}>
            <button type="button" disabled={!after} onClick={() => setAfter(null)}>{t('operation.firstPage')}</button>
            <button type="button" disabled={!reports.data?.seizures.pageInfo.hasNextPage} onClick={() => setAfter(reports.data?.seizures.pageInfo.endCursor ?? null)}>{t('search.next')}</button>
          </nav>
        </div>
        <div>
          <h2>{selected ? t('audit.trailOf', { reference: selected.reference }) : t('audit.pick')}</h2>
          <ErrorMessage error={trail.error} />
          {trail.data && (
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('detail.when')}</th>
                  <th scope="col">{t('audit.who')}</th>
                  <th scope="col">{t('field.agency')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.fields')}</th>
                </tr>
              </thead>
              <tbody>
                {trail.data.auditTrail.edges.map(({ node: e }) => (
                  <tr key={e.id}>
                    <td>{dateTime(e.at)}</td>
                    <td>{e.actorEmail ?? e.actor}</td>
                    <td>{e.agency}</td>
                    <td>{e.action}</td>
                    <td>{e.fields.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}
