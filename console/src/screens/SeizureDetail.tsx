import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorMessage, Loading, TlpBadge, Value } from '../components/common';
import { graphql } from '../gql';
import type { Tlp } from '../gql/graphql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import { TLPS, countryName } from '../lib/codes';
import type { SessionPrincipal } from '../lib/session';
import { useLoad } from '../lib/useQuery';

const SeizureDetailQuery = graphql(`
  query SeizureDetail($id: ID!) {
    seizure(id: $id) {
      id reference status tlp seizedAt country transportMode detectionMethod concealment lowGrade retractionReason
      createdAt updatedAt version redactedFields
      location { name unlocode latitude longitude }
      commodity { category type description }
      quantity { value unit kgEquivalent }
      estimatedValue { amount currency usd }
      route { origin transit destination }
      conveyance { type identifier }
      evaluation { scheme source information }
      handling { code conditions }
      reportingAgency { code name }
      releasableTo { code name }
      operation { id codeName }
      operationLink { basis consentedBy linkedAt requestId }
      sensitive { narrative companies identifiers persons { name nationality dateOfBirth role } }
      signature { signerFingerprint verified signedAt }
      history { version change changedFields changedAt }
    }
    agencies { code name }
  }
`);

const UpdateSeizure = graphql(`
  mutation UpdateSeizure($id: ID!, $input: SeizureUpdateInput!) {
    updateSeizure(id: $id, input: $input) { id version }
  }
`);
const ReleaseSeizure = graphql(`
  mutation ReleaseSeizure($id: ID!, $agencies: [String!]!) {
    releaseSeizure(id: $id, agencies: $agencies) { id version }
  }
`);
const RetractSeizure = graphql(`
  mutation RetractSeizure($id: ID!, $reason: String!) {
    retractSeizure(id: $id, reason: $reason) { id status }
  }
`);

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export default function SeizureDetail({ id, principal }: { id: string; principal: SessionPrincipal }) {
  const { t, code, date, dateTime, number, locale } = useI18n();
  const { data, error, loading, reload } = useLoad(() => run(SeizureDetailQuery, { id }), [id]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [tlp, setTlp] = useState<Tlp | ''>('');
  const [concealment, setConcealment] = useState('');
  const [releaseTo, setReleaseTo] = useState<string[]>([]);
  const [reason, setReason] = useState('');

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  const s = data?.seizure;
  if (!s) return <p role="alert">{t('detail.notFound')}</p>;
  const r = s.redactedFields;
  const own = s.reportingAgency.code === principal.agencyCode && principal.roles.some((role) => ['ELO', 'ANALYST', 'AGENCY_ADMIN'].includes(role));

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
    <article aria-labelledby="detail-title">
      <h1 id="detail-title">
        {t('detail.title', { reference: s.reference })} <TlpBadge tlp={s.tlp} />
      </h1>
      <dl className="facts">
        <Row label={t('field.status')}>{code(s.status)}{s.retractionReason ? ` — ${s.retractionReason}` : ''}</Row>
        <Row label={t('field.agency')}>{s.reportingAgency.code} — {s.reportingAgency.name}</Row>
        <Row label={t('field.seizedAt')}>{dateTime(s.seizedAt)}</Row>
        <Row label={t('field.country')}>{countryName(s.country, locale)} ({s.country})</Row>
        <Row label={t('field.location')}>
          <Value redacted={r} field="location">{s.location && `${s.location.name}${s.location.unlocode ? ` (${s.location.unlocode})` : ''}`}</Value>
        </Row>
        <Row label={t('field.coordinates')}>
          <Value redacted={r} field="location.latitude">{s.location?.latitude != null && `${number(s.location.latitude, 4)}, ${number(s.location.longitude, 4)}`}</Value>
        </Row>
        <Row label={t('field.commodity')}>{code(s.commodity.category)}{s.commodity.type ? ` · ${s.commodity.type}` : ''}{s.commodity.description ? ` — ${s.commodity.description}` : ''}</Row>
        <Row label={t('field.quantity')}>{number(s.quantity.value, 3)} {s.quantity.unit}{s.quantity.kgEquivalent != null ? ` (${number(s.quantity.kgEquivalent, 3)} kg)` : ''}</Row>
        <Row label={t('field.value')}>
          <Value redacted={r} field="estimatedValue">{s.estimatedValue && `${new Intl.NumberFormat(locale, { style: 'currency', currency: s.estimatedValue.currency }).format(s.estimatedValue.amount)}${s.estimatedValue.usd != null ? ` ≈ ${new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' }).format(s.estimatedValue.usd)}` : ''}`}</Value>
        </Row>
        <Row label={t('field.transportMode')}>{code(s.transportMode)}</Row>
        <Row label={t('field.detectionMethod')}>{code(s.detectionMethod)}</Row>
        <Row label={t('field.concealment')}><Value redacted={r} field="concealment">{s.concealment}</Value></Row>
        <Row label={t('field.route')}>
          <Value redacted={r} field="route">{s.route && [s.route.origin, ...s.route.transit, s.route.destination].filter(Boolean).join(' → ')}</Value>
        </Row>
        <Row label={t('field.conveyance')}>
          <Value redacted={r} field="conveyance">{s.conveyance && [s.conveyance.type, r.includes('conveyance.identifier') ? t('withheld') : s.conveyance.identifier].filter(Boolean).join(' · ')}</Value>
        </Row>
        <Row label={t('field.evaluation')}>
          <Value redacted={r} field="evaluation">{s.evaluation && `${s.evaluation.source}${s.evaluation.information} (${s.evaluation.scheme})`}</Value>
        </Row>
        <Row label={t('field.handling')}>
          <Value redacted={r} field="handling">{s.handling && `${s.handling.code}${s.handling.conditions ? ` — ${s.handling.conditions}` : ''}`}</Value>
        </Row>
        <Row label={t('field.operation')}>
          <Value redacted={r} field="operation">{s.operation?.codeName}</Value>
          {s.operation && s.operationLink && (
            <span data-testid="operation-link">
              {' '}({t('detail.linkBasis', { basis: code(`LINK_${s.operationLink.basis}`), agency: s.operationLink.consentedBy })}{s.operationLink.linkedAt ? `, ${dateTime(s.operationLink.linkedAt)}` : ''})
            </span>
          )}
        </Row>
        <Row label={t('field.releasableTo')}>
          <Value redacted={r} field="releasableTo">{s.releasableTo.map((a) => a.code).join(', ')}</Value>
        </Row>
        <Row label={t('field.version')}>{s.version} · {t('detail.created', { at: date(s.createdAt) })} · {t('detail.updated', { at: date(s.updatedAt) })}</Row>
        <Row label={t('detail.signature')}>
          {s.signature ? (
            <span className={s.signature.verified ? 'ok' : 'bad'} data-testid="signature">
              {s.signature.verified ? t('detail.signatureOk') : t('detail.signatureBad')} · {s.signature.signerFingerprint.slice(-16)}{s.signature.signedAt ? ` · ${dateTime(s.signature.signedAt)}` : ''}
            </span>
          ) : (
            <Value redacted={r} field="signature">{t('detail.unsigned')}</Value>
          )}
        </Row>
      </dl>

      <section aria-labelledby="nominal-title">
        <h2 id="nominal-title">{t('detail.nominal')}</h2>
        {s.sensitive ? (
          <div className="nominal" data-testid="nominal">
            {s.sensitive.narrative && <p>{s.sensitive.narrative}</p>}
            {s.sensitive.persons.length > 0 && (
              <ul>
                {s.sensitive.persons.map((p, i) => (
                  <li key={i}>
                    {p.name}
                    {p.nationality ? ` · ${p.nationality}` : ''}
                    {p.role ? ` · ${p.role}` : ''}
                  </li>
                ))}
              </ul>
            )}
            {s.sensitive.companies.length > 0 && <p>{t('detail.companies')}: {s.sensitive.companies.join(', ')}</p>}
            {s.sensitive.identifiers.length > 0 && <p>{t('detail.identifiers')}: {s.sensitive.identifiers.join(', ')}</p>}
          </div>
        ) : (
          <p data-testid="nominal-absent">{r.includes('sensitive') ? <Value redacted={r} field="sensitive" /> : t('detail.noNominal')}</p>
        )}
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('detail.history')}</h2>
        {r.includes('history') ? (
          <Value redacted={r} field="history" />
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('field.version')}</th>
                <th scope="col">{t('detail.change')}</th>
                <th scope="col">{t('detail.changedFields')}</th>
                <th scope="col">{t('detail.when')}</th>
              </tr>
            </thead>
            <tbody>
              {s.history.map((h) => (
                <tr key={h.version}>
                  <td>{h.version}</td>
                  <td>{code(h.change)}</td>
                  <td>{h.changedFields.join(', ')}</td>
                  <td>{dateTime(h.changedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {/* Outside the manage section: a retraction removes that section, and its notice must stay. */}
      {own && notice && <p role="status" className="ok">{notice}</p>}
      {own && s.status !== 'RETRACTED' && (
        <section aria-labelledby="manage-title" className="manage">
          <h2 id="manage-title">{t('detail.manage')}</h2>
          <ErrorMessage error={actionError} />
          <form
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              const input: { tlp?: Tlp; concealment?: string } = {};
              if (tlp) input.tlp = tlp;
              if (concealment.trim()) input.concealment = concealment.trim();
              void act(() => run(UpdateSeizure, { id: s.id, input }), t('detail.updatedNotice'));
            }}
          >
            <h3>{t('detail.update')}</h3>
            <label htmlFor="u-tlp">TLP</label>
            <select id="u-tlp" value={tlp} onChange={(e) => setTlp(e.target.value as Tlp)}>
              <option value="">{t('detail.unchanged')}</option>
              {TLPS.map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
            <label htmlFor="u-concealment">{t('field.concealment')}</label>
            <input id="u-concealment" value={concealment} onChange={(e) => setConcealment(e.target.value)} />
            <button type="submit" disabled={!tlp && !concealment.trim()}>{t('detail.save')}</button>
          </form>
          <form
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void act(() => run(ReleaseSeizure, { id: s.id, agencies: releaseTo }), t('detail.releasedNotice'));
            }}
          >
            <h3>{t('detail.release')}</h3>
            <label htmlFor="r-agencies">{t('detail.releaseTo')}</label>
            <select id="r-agencies" multiple size={5} value={releaseTo} onChange={(e) => setReleaseTo([...e.target.selectedOptions].map((o) => o.value))}>
              {data.agencies.filter((a) => a.code !== principal.agencyCode).map((a) => <option key={a.code} value={a.code}>{a.code} — {a.name}</option>)}
            </select>
            <button type="submit" disabled={releaseTo.length === 0}>{t('detail.releaseButton')}</button>
          </form>
          <form
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              if (window.confirm(t('detail.retractConfirm'))) void act(() => run(RetractSeizure, { id: s.id, reason: reason.trim() }), t('detail.retractedNotice'));
            }}
          >
            <h3>{t('detail.retract')}</h3>
            <label htmlFor="x-reason">{t('detail.reason')}</label>
            <input id="x-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type="submit" className="danger" disabled={!reason.trim()}>{t('detail.retractButton')}</button>
          </form>
        </section>
      )}
    </article>
  );
}
