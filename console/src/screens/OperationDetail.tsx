import { useState } from 'react';
import { ErrorMessage, Loading, TlpBadge } from '../components/common';
import { graphql } from '../gql';
import type { OperationStatus } from '../gql/graphql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import { href, navigate } from '../lib/router';
import type { SessionPrincipal } from '../lib/session';
import { useLoad } from '../lib/useQuery';

const OperationDetailQuery = graphql(`
  query OperationDetail($id: ID!, $after: String) {
    operation(id: $id) {
      id codeName focus tlp status startsAt endsAt version
      leadAgency { code name }
      participants { code name }
      seizures(first: 25, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id reference seizedAt country commodity { category } reportingAgency { code } } }
      }
      reports { id version status compiledAt publishedAt progress }
    }
    agencies { code name }
  }
`);
const AddParticipants = graphql(`
  mutation AddParticipants($id: ID!, $agencies: [String!]!) {
    addOperationParticipants(operationId: $id, agencies: $agencies) { id }
  }
`);
const SetOperationStatus = graphql(`
  mutation SetOperationStatus($id: ID!, $status: OperationStatus!) {
    setOperationStatus(operationId: $id, status: $status) { id status }
  }
`);
const LinkSeizure = graphql(`
  mutation LinkSeizure($id: ID!, $seizureId: ID!) {
    linkSeizureToOperation(operationId: $id, seizureId: $seizureId) { id }
  }
`);
const FindByReference = graphql(`
  query FindByReference($text: String!) {
    seizures(filter: { text: $text }, first: 5) { edges { node { id reference reportingAgency { code } } } }
  }
`);
const RequestLink = graphql(`
  mutation RequestSeizureLink($id: ID!, $seizureId: ID!, $note: String!) {
    requestSeizureLink(operationId: $id, seizureId: $seizureId, note: $note) { id status ownerAgency }
  }
`);
const CompileReport = graphql(`
  mutation CompileReport($id: ID!) {
    compileOperationReport(operationId: $id) { id }
  }
`);

/** What may follow each status (the server enforces the same order). */
const NEXT: Record<OperationStatus, OperationStatus[]> = { PLANNING: ['ACTIVE', 'CLOSED'], ACTIVE: ['FOLLOW_UP', 'CLOSED'], FOLLOW_UP: ['CLOSED'], CLOSED: [] };

export default function OperationDetail({ id, principal }: { id: string; principal: SessionPrincipal }) {
  const { t, code, date, dateTime, number } = useI18n();
  const [after, setAfter] = useState<string | null>(null);
  const { data, error, loading, reload } = useLoad(() => run(OperationDetailQuery, { id, after }), [id, after]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [add, setAdd] = useState<string[]>([]);
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [notice, setNotice] = useState('');

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  const o = data?.operation;
  if (!o) return <p role="alert">{t('detail.notFound')}</p>;
  const analyst = principal.roles.includes('ANALYST') || principal.roles.includes('PLATFORM_ADMIN');

  async function act(action: () => Promise<unknown>, message = '') {
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

  /**
   * A report joins an operation only by its owner's act: the analyst links the agency's own
   * reports directly and asks the owner agency for anyone else's.
   */
  async function link(): Promise<string> {
    const found = await run(FindByReference, { text: reference.trim() });
    const match = found.seizures.edges.find((e) => e.node.reference === reference.trim());
    if (!match) throw new Error(t('operation.noSuchReport', { reference: reference.trim() }));
    if (match.node.reportingAgency.code === principal.agencyCode) {
      await run(LinkSeizure, { id: o!.id, seizureId: match.node.id });
      setReference('');
      return t('operation.linkedNotice');
    }
    const request = await run(RequestLink, { id: o!.id, seizureId: match.node.id, note: note.trim() });
    setReference('');
    setNote('');
    const r = request.requestSeizureLink;
    return r.status === 'ACCEPTED' ? t('operation.linkedNotice') : t('operation.requestedNotice', { agency: r.ownerAgency, status: code(r.status) });
  }

  async function linkOrRequest() {
    setActionError(null);
    setNotice('');
    try {
      setNotice(await link());
      reload();
    } catch (e) {
      setActionError(e);
    }
  }

  return (
    <article aria-labelledby="operation-title">
      <h1 id="operation-title">
        {t('operation.title', { codeName: o.codeName })} <TlpBadge tlp={o.tlp} />
      </h1>
      <p>{o.focus}</p>
      <dl className="facts">
        <dt>{t('field.status')}</dt>
        <dd data-testid="operation-status">{code(o.status)}</dd>
        <dt>{t('operations.period')}</dt>
        <dd>{date(o.startsAt)} – {date(o.endsAt)}</dd>
        <dt>{t('operations.lead')}</dt>
        <dd>{o.leadAgency.code} — {o.leadAgency.name}</dd>
        <dt>{t('operations.participants')}</dt>
        <dd>{o.participants.map((p) => p.code).join(', ')}</dd>
      </dl>
      {notice && <p role="status" className="ok">{notice}</p>}
      <ErrorMessage error={actionError} />

      {analyst && (
        <section className="manage" aria-labelledby="op-manage">
          <h2 id="op-manage">{t('operation.run')}</h2>
          <div className="panel">
            <h3>{t('field.status')}</h3>
            {NEXT[o.status].map((next) => (
              <button key={next} type="button" onClick={() => act(() => run(SetOperationStatus, { id: o.id, status: next }), t('operation.statusNotice', { status: code(next) }))}>
                {t('operation.moveTo', { status: code(next) })}
              </button>
            ))}
            {NEXT[o.status].length === 0 && <p>{t('operation.closed')}</p>}
          </div>
          <div className="panel">
            <h3>{t('operation.addParticipants')}</h3>
            <label htmlFor="op-add">{t('operations.participants')}</label>
            <select id="op-add" multiple size={4} value={add} onChange={(e) => setAdd([...e.target.selectedOptions].map((x) => x.value))}>
              {data.agencies.filter((a) => !o.participants.some((p) => p.code === a.code)).map((a) => <option key={a.code} value={a.code}>{a.code} — {a.name}</option>)}
            </select>
            <button type="button" disabled={add.length === 0} onClick={() => act(async () => { await run(AddParticipants, { id: o.id, agencies: add }); setAdd([]); }, t('operation.addedNotice'))}>
              {t('operation.add')}
            </button>
          </div>
          <div className="panel">
            <h3>{t('operation.link')}</h3>
            <label htmlFor="op-link">{t('field.reference')}</label>
            <input id="op-link" value={reference} onChange={(e) => setReference(e.target.value)} />
            <label htmlFor="op-link-note">{t('operation.linkNote')}</label>
            <input id="op-link-note" value={note} onChange={(e) => setNote(e.target.value)} aria-describedby="op-link-help" />
            <p id="op-link-help" className="hint">{t('operation.linkHelp')}</p>
            <button type="button" disabled={!reference.trim()} onClick={() => void linkOrRequest()}>
              {t('operation.linkButton')}
            </button>
          </div>
          <div className="panel">
            <h3>{t('operation.compile')}</h3>
            <button type="button" onClick={() => act(async () => { const r = await run(CompileReport, { id: o.id }); navigate('report', r.compileOperationReport.id); })}>
              {t('operation.compileButton')}
            </button>
          </div>
        </section>
      )}

      <section aria-labelledby="op-reports">
        <h2 id="op-reports">{t('operation.reports')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('field.version')}</th>
              <th scope="col">{t('field.status')}</th>
              <th scope="col">{t('operation.compiled')}</th>
              <th scope="col">{t('operation.published')}</th>
            </tr>
          </thead>
          <tbody>
            {o.reports.map((r) => (
              <tr key={r.id}>
                <td><a href={href('report', r.id)}>v{r.version}</a></td>
                <td>{code(r.status)}{r.progress != null && (r.status === 'QUEUED' || r.status === 'COMPILING') ? ` (${r.progress} %)` : ''}</td>
                <td>{dateTime(r.compiledAt)}</td>
                <td>{dateTime(r.publishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="op-seizures">
        <h2 id="op-seizures">{t('operation.seizures', { count: number(o.seizures.totalCount) })}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('field.reference')}</th>
              <th scope="col">{t('field.seizedAt')}</th>
              <th scope="col">{t('field.country')}</th>
              <th scope="col">{t('field.commodity')}</th>
              <th scope="col">{t('field.agency')}</th>
            </tr>
          </thead>
          <tbody>
            {o.seizures.edges.map(({ node: s }) => (
              <tr key={s.id}>
                <td><a href={href('seizure', s.id)}>{s.reference}</a></td>
                <td>{date(s.seizedAt)}</td>
                <td>{s.country}</td>
                <td>{code(s.commodity.category)}</td>
                <td>{s.reportingAgency.code}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav className="pager" aria-label={t('search.paging')}>
          <button type="button" disabled={!after} onClick={() => setAfter(null)}>{t('operation.firstPage')}</button>
          <button type="button" disabled={!o.seizures.pageInfo.hasNextPage} onClick={() => setAfter(o.seizures.pageInfo.endCursor ?? null)}>{t('search.next')}</button>
        </nav>
      </section>
    </article>
  );
}
