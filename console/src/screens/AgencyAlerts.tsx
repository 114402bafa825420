import { useState, type FormEvent } from 'react';
import { CursorPager, ErrorMessage, Loading } from '../components/common';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import type { SessionPrincipal } from '../lib/session';
import { useLoad } from '../lib/useQuery';

const PAGE = 25;

const AgencyAlertsQuery = graphql(`
  query AgencyAlerts($agency: String, $includeStopped: Boolean, $first: Int, $after: String) {
    agencyAlerts(agency: $agency, includeStopped: $includeStopped, first: $first, after: $after) {
      edges { node { id name agencyCode ownerId ownerEmail createdAt webhookHost active broken running } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
const StopAgencyAlert = graphql(`
  mutation StopAgencyAlert($id: ID!) {
    stopAgencyAlert(id: $id) { id active running }
  }
`);

/**
 * The alerts made in the administrator's agency (a platform administrator: any agency's), to stop a
 * departing officer's. What the API gives an administrator and no more: owner, name, webhook host
 * and state, never an alert's filter or what it matched.
 */
export default function AgencyAlerts({ principal }: { principal: SessionPrincipal }) {
  const { t, dateTime } = useI18n();
  const platform = principal.roles.includes('PLATFORM_ADMIN');
  const [includeStopped, setIncludeStopped] = useState(false);
  // A platform administrator may narrow the list to one agency; the applied value, and the one being typed.
  const [agency, setAgency] = useState('');
  const [agencyInput, setAgencyInput] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const { data, error, loading, reload } = useLoad(
    () => run(AgencyAlertsQuery, { agency: agency || null, includeStopped, first: PAGE, after }),
    [agency, includeStopped, after],
  );
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  async function stop(id: string, name: string, owner: string) {
    if (!window.confirm(t('agencyAlerts.stopConfirm', { name, owner }))) return;
    setActionError(null);
    setNotice('');
    try {
      await run(StopAgencyAlert, { id });
      setNotice(t('agencyAlerts.stoppedNotice', { name }));
      reload();
    } catch (e) {
      setActionError(e);
    }
  }

  const yesNo = (value: boolean) => (value ? t('agencyAlerts.yes') : t('agencyAlerts.no'));
  const page = data?.agencyAlerts;
  const title = platform ? t('agencyAlerts.titleAll') : t('agencyAlerts.title', { agency: principal.agencyCode });

  return (
    <section aria-labelledby="agency-alerts-title">
      <h1 id="agency-alerts-title">{title}</h1>
      <p className="hint">{t('agencyAlerts.help')}</p>
      <form
        className="panel filters"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setAgency(agencyInput.trim().toUpperCase());
          setCursors([null]);
        }}
      >
        <div className="field">
          <label>
            <input type="checkbox" checked={includeStopped} onChange={(e) => { setIncludeStopped(e.target.checked); setCursors([null]); }} />{' '}
            {t('agencyAlerts.includeStopped')}
          </label>
        </div>
        {platform && (
          <div className="field">
            <label htmlFor="aa-agency">{t('agencyAlerts.agency')}</label>
            <input id="aa-agency" value={agencyInput} onChange={(e) => setAgencyInput(e.target.value)} placeholder="KY" />
            <button type="submit">{t('agencyAlerts.show')}</button>
          </div>
        )}
      </form>
      {notice && <p role="status" className="ok">{notice}</p>}
      <ErrorMessage error={actionError} />
      <ErrorMessage error={error} />
      {loading && !page ? (
        <Loading />
      ) : (
        page && (
          <div className="table-wrap" tabIndex={0} role="region" aria-label={title} aria-busy={loading}>
            <table data-testid="agency-alerts">
              <thead>
                <tr>
                  <th scope="col">{t('agencyAlerts.owner')}</th>
                  <th scope="col">{t('alerts.name')}</th>
                  <th scope="col">{t('agencyAlerts.agency')}</th>
                  <th scope="col">{t('keys.created')}</th>
                  <th scope="col">{t('agencyAlerts.webhookHost')}</th>
                  <th scope="col">{t('agencyAlerts.active')}</th>
                  <th scope="col">{t('agencyAlerts.broken')}</th>
                  <th scope="col">{t('agencyAlerts.running')}</th>
                  <th scope="col">{t('keys.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {page.edges.length === 0 && (
                  <tr>
                    <td colSpan={9} className="hint">{t('agencyAlerts.empty')}</td>
                  </tr>
                )}
                {page.edges.map(({ node: a }) => {
                  const owner = a.ownerEmail ?? t('agencyAlerts.ownerGone', { id: a.ownerId });
                  return (
                    <tr key={a.id} data-alert-id={a.id}>
                      <td>{owner}</td>
                      <td>{a.name}</td>
                      <td>{a.agencyCode}</td>
                      <td>{dateTime(a.createdAt)}</td>
                      <td>{a.webhookHost ? <code>{a.webhookHost}</code> : '—'}</td>
                      <td data-field="active">{yesNo(a.active)}</td>
                      <td data-field="broken">{yesNo(a.broken)}</td>
                      <td data-field="running">{yesNo(a.running)}</td>
                      <td>
                        {a.active && (
                          <button type="button" className="danger" onClick={() => void stop(a.id, a.name, owner)}>
                            {t('agencyAlerts.stop', { name: a.name, owner })}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )
      )}
      <CursorPager cursors={cursors} onChange={setCursors} pageInfo={page?.pageInfo} />
    </section>
  );
}
