import { useState, type FormEvent } from 'react';
import { ErrorMessage, Loading, TlpBadge } from '../components/common';
import { graphql } from '../gql';
import type { OperationStatus, Tlp } from '../gql/graphql';
import { useI18n } from '../i18n';
import { GraphqlFailure, run } from '../lib/api';
import { OPERATION_STATUSES, TLPS } from '../lib/codes';
import { href, navigate } from '../lib/router';
import type { SessionPrincipal } from '../lib/session';
import { useLoad } from '../lib/useQuery';

const OperationsList = graphql(`
  query OperationsList($status: OperationStatus) {
    operations(status: $status, first: 50) {
      totalCount
      edges { node { id codeName focus tlp status startsAt endsAt leadAgency { code } participants { code } } }
    }
    agencies { code name }
  }
`);
const CreateOperation = graphql(`
  mutation CreateOperation($input: OperationInput!) {
    createOperation(input: $input) { id }
  }
`);

export default function Operations({ principal }: { principal: SessionPrincipal }) {
  const { t, code, date } = useI18n();
  const [status, setStatus] = useState<OperationStatus | ''>('');
  const list = useLoad(() => run(OperationsList, { status: status || null }), [status]);
  const [form, setForm] = useState({ codeName: '', focus: '', tlp: 'AMBER' as Tlp, startsAt: '', endsAt: '', participants: [] as string[] });
  const [error, setError] = useState<unknown>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const analyst = principal.roles.includes('ANALYST');

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setFields({});
    try {
      const result = await run(CreateOperation, {
        input: {
          codeName: form.codeName.trim(),
          focus: form.focus.trim(),
          tlp: form.tlp,
          startsAt: form.startsAt ? `${form.startsAt}T00:00:00.000Z` : '',
          endsAt: form.endsAt ? `${form.endsAt}T23:59:59.000Z` : '',
          participants: form.participants,
        },
      });
      navigate('operation', result.createOperation.id);
    } catch (e) {
      if (e instanceof GraphqlFailure) setFields(e.fieldErrors());
      setError(e);
    }
  }

  const fieldError = (name: string) => fields[name] && <p className="field-error" id={`o-${name}-error`}>{fields[name]}</p>;

  return (
    <section aria-labelledby="operations-title">
      <h1 id="operations-title">{t('operations.title')}</h1>
      <label htmlFor="o-status-filter">{t('field.status')}</label>{' '}
      <select id="o-status-filter" value={status} onChange={(e) => setStatus(e.target.value as OperationStatus)}>
        <option value="">{t('search.any')}</option>
        {OPERATION_STATUSES.map((s) => <option key={s} value={s}>{code(s)}</option>)}
      </select>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('operations.codeName')}</th>
              <th scope="col">TLP</th>
              <th scope="col">{t('field.status')}</th>
              <th scope="col">{t('operations.period')}</th>
              <th scope="col">{t('operations.lead')}</th>
              <th scope="col">{t('operations.participants')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.operations.edges.map(({ node: o }) => (
              <tr key={o.id}>
                <td><a href={href('operation', o.id)}>{o.codeName}</a></td>
                <td><TlpBadge tlp={o.tlp} /></td>
                <td>{code(o.status)}</td>
                <td>{date(o.startsAt)} – {date(o.endsAt)}</td>
                <td>{o.leadAgency.code}</td>
                <td>{o.participants.map((p) => p.code).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {analyst && (
        <form className="panel" onSubmit={create} noValidate>
          <h2>{t('operations.create')}</h2>
          <ErrorMessage error={error} />
          <div className="field">
            <label htmlFor="o-codeName">{t('operations.codeName')}</label>
            <input id="o-codeName" value={form.codeName} onChange={(e) => setForm({ ...form, codeName: e.target.value })} aria-invalid={Boolean(fields.codeName) || undefined} />
            {fieldError('codeName')}
          </div>
          <div className="field">
            <label htmlFor="o-focus">{t('operations.focus')}</label>
            <input id="o-focus" value={form.focus} onChange={(e) => setForm({ ...form, focus: e.target.value })} />
            {fieldError('focus')}
          </div>
          <div className="field">
            <label htmlFor="o-tlp">TLP</label>
            <select id="o-tlp" value={form.tlp} onChange={(e) => setForm({ ...form, tlp: e.target.value as Tlp })}>
              {TLPS.map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="o-startsAt">{t('operations.starts')}</label>
            <input id="o-startsAt" type="date" value={form.startsAt} onChange={(e) => setForm({ ...form, startsAt: e.target.value })} />
            {fieldError('startsAt')}
          </div>
          <div className="field">
            <label htmlFor="o-endsAt">{t('operations.ends')}</label>
            <input id="o-endsAt" type="date" value={form.endsAt} onChange={(e) => setForm({ ...form, endsAt: e.target.value })} />
            {fieldError('endsAt')}
          </div>
          <div className="field">
            <label htmlFor="o-participants">{t('operations.participants')}</label>
            <select id="o-participants" multiple size={5} value={form.participants} onChange={(e) => setForm({ ...form, participants: [...e.target.selectedOptions].map((o) => o.value) })}>
              {list.data?.agencies.map((a) => <option key={a.code} value={a.code}>{a.code} — {a.name}</option>)}
            </select>
            {fieldError('participants')}
          </div>
          <button type="submit">{t('operations.createButton')}</button>
        </form>
      )}
    </section>
  );
}
