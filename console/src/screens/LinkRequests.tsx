import { useEffect, useState } from 'react';
import { ErrorMessage, Loading } from '../components/common';
import { graphql } from '../gql';
import type { LinkRequestDecision } from '../gql/graphql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import { subscribe } from '../lib/live';
import { href } from '../lib/router';
import { useLoad } from '../lib/useQuery';

const LinkRequestsQuery = graphql(`
  query LinkRequestsList {
    seizureLinkRequests(status: PENDING, first: 200) {
      edges {
        node {
          id status note requestingAgency createdAt
          operation { id codeName }
          seizure { id reference }
        }
      }
    }
  }
`);
const RespondToLinkRequest = graphql(`
  mutation RespondToLinkRequest($id: ID!, $decision: LinkRequestDecision!) {
    respondToSeizureLinkRequest(id: $id, decision: $decision) { id status }
  }
`);
const LinkRequested = graphql(`
  subscription LinkRequested {
    seizureLinkRequested { id requestingAgency seizure { reference } }
  }
`);

/**
 * The owner agency's ELOs and administrators decide whether a lead may have one of their reports
 * in its operation: nothing joins an operation without this act.
 */
export default function LinkRequests() {
  const { t, dateTime } = useI18n();
  const { data, error, loading, reload } = useLoad(() => run(LinkRequestsQuery, {}), []);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [alert, setAlert] = useState('');

  // A new request arrives live: say so and read the list again.
  useEffect(
    () =>
      subscribe(
        LinkRequested,
        {},
        (event) => {
          const r = event.seizureLinkRequested;
          setAlert(t('links.arrived', { agency: r.requestingAgency, reference: r.seizure?.reference ?? r.id }));
          reload();
        },
        setActionError,
      ),
    [reload, t],
  );

  async function respond(id: string, decision: LinkRequestDecision) {
    setActionError(null);
    setNotice('');
    try {
      const answer = await run(RespondToLinkRequest, { id, decision });
      setNotice(answer.respondToSeizureLinkRequest.status === 'ACCEPTED' ? t('links.acceptedNotice') : t('links.declinedNotice'));
      reload();
    } catch (e) {
      setActionError(e);
    }
  }

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  const requests = data?.seizureLinkRequests.edges.map((edge) => edge.node) ?? [];

  return (
    <article aria-labelledby="links-title">
      <h1 id="links-title">{t('links.title')}</h1>
      <p>{t('links.help')}</p>
      {alert && <p role="status" className="ok" data-testid="link-alert">{alert}</p>}
      {notice && <p role="status" className="ok">{notice}</p>}
      <ErrorMessage error={actionError} />
      {requests.length === 0 ? (
        <p data-testid="links-empty">{t('links.empty')}</p>
      ) : (
        <table data-testid="link-requests">
          <thead>
            <tr>
              <th scope="col">{t('field.reference')}</th>
              <th scope="col">{t('links.operation')}</th>
              <th scope="col">{t('links.requestedBy')}</th>
              <th scope="col">{t('links.note')}</th>
              <th scope="col">{t('detail.when')}</th>
              <th scope="col">{t('links.decision')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => {
              const reference = r.seizure?.reference ?? r.id;
              return (
                <tr key={r.id} data-reference={reference}>
                  <td>{r.seizure ? <a href={href('seizure', r.seizure.id)}>{reference}</a> : reference}</td>
                  <td>{r.operation?.codeName ?? '—'}</td>
                  <td>{r.requestingAgency}</td>
                  <td>{r.note ?? ''}</td>
                  <td>{dateTime(r.createdAt)}</td>
                  <td>
                    <button type="button" onClick={() => respond(r.id, 'ACCEPT')} aria-label={t('links.acceptLabel', { reference })}>
                      {t('links.accept')}
                    </button>{' '}
                    <button type="button" onClick={() => respond(r.id, 'DECLINE')} aria-label={t('links.declineLabel', { reference })}>
                      {t('links.decline')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </article>
  );
}
