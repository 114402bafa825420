import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import isoCountries from 'i18n-iso-countries/codes.json';
import { ErrorMessage } from '../components/common';
import { graphql } from '../gql';
import type { CommodityCategory, DetectionMethod, SeizureInput, Tlp, TransportMode } from '../gql/graphql';
import { useI18n } from '../i18n';
import { GraphqlFailure, run } from '../lib/api';
import { COMMODITIES, DETECTION_METHODS, TLPS, TRANSPORT_MODES, UNITS, countryName } from '../lib/codes';
import { href } from '../lib/router';
import { useLoad } from '../lib/useQuery';

const SubmitSeizure = graphql(`
  mutation SubmitSeizure($input: SeizureInput!) {
    submitSeizure(input: $input) { id reference }
  }
`);
const SubmitChoices = graphql(`
  query SubmitChoices {
    agencies { code name }
    operations(first: 50) { edges { node { id codeName status } } }
  }
`);

type Form = Record<string, string>;

const INITIAL: Form = {
  reference: '', tlp: 'AMBER', seizedAt: '', country: '', 'location.name': '', 'location.unlocode': '', 'location.latitude': '', 'location.longitude': '',
  transportMode: 'SEA', 'commodity.category': 'DRUGS', 'commodity.type': '', 'commodity.description': '', 'quantity.value': '', 'quantity.unit': 'KG',
  'estimatedValue.amount': '', 'estimatedValue.currency': 'USD', concealment: '', detectionMethod: 'RISK_PROFILE', 'route.origin': '', 'route.destination': '',
  operationId: '', 'evaluation.source': '', 'evaluation.information': '', 'sensitive.narrative': '',
};

const num = (text: string) => (text.trim() === '' ? NaN : Number(text));

function toInput(form: Form, releasableTo: string[]): SeizureInput {
  const opt = (key: string) => form[key].trim() || undefined;
  const input: SeizureInput = {
    reference: form.reference.trim(),
    tlp: form.tlp as Tlp,
    seizedAt: form.seizedAt ? new Date(`${form.seizedAt}Z`).toISOString() : '',
    country: form.country,
    transportMode: form.transportMode as TransportMode,
    commodity: { category: form['commodity.category'] as CommodityCategory, type: opt('commodity.type'), description: opt('commodity.description') },
    // An empty or unreadable number is sent as 0, so that the server names the field.
    quantity: { value: num(form['quantity.value']) || 0, unit: form['quantity.unit'] },
    detectionMethod: form.detectionMethod as DetectionMethod,
    concealment: opt('concealment'),
  };
  if (form['location.name'].trim() || form['location.latitude'].trim()) {
    const lat = num(form['location.latitude']);
    const lon = num(form['location.longitude']);
    input.location = { name: form['location.name'].trim(), unlocode: opt('location.unlocode'), latitude: Number.isNaN(lat) ? undefined : lat, longitude: Number.isNaN(lon) ? undefined : lon };
  }
  if (form['estimatedValue.amount'].trim()) input.estimatedValue = { amount: num(form['estimatedValue.amount']), currency: form['estimatedValue.currency'].trim().toUpperCase() };
  if (form['route.origin'] || form['route.destination']) input.route = { origin: form['route.origin'] || undefined, destination: form['route.destination'] || undefined };
  if (form.operationId) input.operationId = form.operationId;
  if (form['evaluation.source'] && form['evaluation.information']) input.evaluation = { source: form['evaluation.source'], information: form['evaluation.information'] };
  if (form['sensitive.narrative'].trim()) input.sensitive = { narrative: form['sensitive.narrative'].trim() };
  if (releasableTo.length) input.releasableTo = releasableTo;
  return input;
}

/**
 * The server's BAD_USER_INPUT error names the fields ("quantity.value") and says what is wrong with
 * each in its message ("Invalid input - quantity.value: must be …; country: is required").
 */
function messagesByField(error: GraphqlFailure): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of error.errors) {
    const fields = e.extensions?.fields ?? [];
    const parts = e.message.replace(/^Invalid input - /, '').split('; ');
    for (const field of fields) {
      const own = parts.filter((p) => p.startsWith(`${field}: `)).map((p) => p.slice(field.length + 2));
      out[field] = own.length ? own.join('; ') : e.message;
    }
  }
  return out;
}

export default function Submit() {
  const { t, code, locale } = useI18n();
  const [form, setForm] = useState<Form>(INITIAL);
  const [releasableTo, setReleasableTo] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ id: string; reference: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const choices = useLoad(() => run(SubmitChoices), []);
  const countries = useMemo(
    () => (isoCountries as string[][]).map(([alpha2]) => ({ code: alpha2, name: countryName(alpha2, locale) })).sort((a, b) => a.name.localeCompare(b.name, locale)),
    [locale],
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setCreated(null);
    try {
      const result = await run(SubmitSeizure, { input: toInput(form, releasableTo) });
      setCreated(result.submitSeizure);
      setForm(INITIAL);
      setReleasableTo([]);
    } catch (e) {
      if (e instanceof GraphqlFailure && e.code === 'BAD_USER_INPUT') {
        const byField = messagesByField(e);
        setFieldErrors(byField);
        // Focus the first field at fault, so keyboard and screen-reader users land on it.
        const first = Object.keys(byField)[0];
        const element = first ? document.getElementById(`s-${fieldId(first)}`) : null;
        if (element) element.focus();
        else setError(e);
      } else setError(e);
    } finally {
      setBusy(false);
    }
  }

  const fieldId = (name: string) => name.replace(/\./g, '-');
  /** The server's error for this field, or for a field inside it (location → location.latitude). */
  const errorFor = (name: string) => fieldErrors[name] ?? Object.entries(fieldErrors).find(([k]) => name.startsWith(`${k}.`) && !(name in fieldErrors))?.[1];

  function field(name: string, label: string, control: (props: { id: string; value: string; onChange: (value: string) => void; invalid: boolean; describedBy?: string }) => ReactNode) {
    const id = `s-${fieldId(name)}`;
    const message = fieldErrors[name];
    return (
      <div className={`field${message ? ' invalid' : ''}`} key={name}>
        <label htmlFor={id}>{label}</label>
        {control({ id, value: form[name], onChange: (value) => setForm((f) => ({ ...f, [name]: value })), invalid: Boolean(message), describedBy: message ? `${id}-error` : undefined })}
        {message && (
          <p id={`${id}-error`} className="field-error" data-field={name}>
            {message}
          </p>
        )}
      </div>
    );
  }

  const text = (name: string, label: string, type = 'text') =>
    field(name, label, (p) => <input id={p.id} type={type} step={type === 'number' ? 'any' : undefined} value={p.value} onChange={(e) => p.onChange(e.target.value)} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy} />);
  const select = (name: string, label: string, options: { value: string; label: string }[]) =>
    field(name, label, (p) => (
      <select id={p.id} value={p.value} onChange={(e) => p.onChange(e.target.value)} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    ));
  const countryOptions = (blank: string) => [{ value: '', label: blank }, ...countries.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))];
  const unhandled = Object.keys(fieldErrors).filter((k) => !(k in INITIAL) && !errorFor(k));

  return (
    <section aria-labelledby="submit-title">
      <h1 id="submit-title">{t('submit.title')}</h1>
      {created && (
        <p role="status" className="ok">
          {t('submit.created', { reference: created.reference })} <a href={href('seizure', created.id)}>{t('submit.open')}</a>
        </p>
      )}
      <ErrorMessage error={error} />
      {unhandled.length > 0 && <p className="error" role="alert">{unhandled.map((k) => `${k}: ${fieldErrors[k]}`).join('; ')}</p>}
      <form className="submit-form" onSubmit={submit} noValidate>
        <fieldset>
          <legend>{t('submit.report')}</legend>
          {text('reference', t('field.reference'))}
          {select('tlp', 'TLP', TLPS.map((v) => ({ value: v, label: v })))}
          {text('seizedAt', t('submit.seizedAtUtc'), 'datetime-local')}
          {select('country', t('field.country'), countryOptions(t('submit.choose')))}
          {select('operationId', t('field.operation'), [{ value: '', label: t('submit.none') }, ...(choices.data?.operations.edges ?? []).filter((e) => e.node.status !== 'CLOSED').map((e) => ({ value: e.node.id, label: e.node.codeName }))])}
        </fieldset>
        <fieldset>
          <legend>{t('submit.what')}</legend>
          {select('commodity.category', t('field.commodity'), COMMODITIES.map((v) => ({ value: v, label: code(v) })))}
          {text('commodity.type', t('submit.commodityType'))}
          {text('commodity.description', t('submit.description'))}
          {text('quantity.value', t('field.quantity'), 'number')}
          {select('quantity.unit', t('submit.unit'), UNITS.map((v) => ({ value: v, label: v })))}
          {text('estimatedValue.amount', t('field.value'), 'number')}
          {text('estimatedValue.currency', t('submit.currency'))}
        </fieldset>
        <fieldset>
          <legend>{t('submit.how')}</legend>
          {select('transportMode', t('field.transportMode'), TRANSPORT_MODES.map((v) => ({ value: v, label: code(v) })))}
          {select('detectionMethod', t('field.detectionMethod'), DETECTION_METHODS.map((v) => ({ value: v, label: code(v) })))}
          {text('concealment', t('field.concealment'))}
          {select('route.origin', t('submit.origin'), countryOptions(t('submit.none')))}
          {select('route.destination', t('submit.destination'), countryOptions(t('submit.none')))}
        </fieldset>
        <fieldset>
          <legend>{t('field.location')}</legend>
          {text('location.name', t('submit.place'))}
          {text('location.unlocode', 'UN/LOCODE')}
          {text('location.latitude', t('submit.latitude'), 'number')}
          {text('location.longitude', t('submit.longitude'), 'number')}
          {fieldErrors.location && <p className="field-error" data-field="location">{fieldErrors.location}</p>}
        </fieldset>
        <fieldset>
          <legend>{t('submit.grading')}</legend>
          {text('evaluation.source', t('submit.source'))}
          {text('evaluation.information', t('submit.information'))}
          {field('sensitive.narrative', t('submit.narrative'), (p) => <textarea id={p.id} rows={3} value={p.value} onChange={(e) => p.onChange(e.target.value)} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy} />)}
          <div className="field">
            <label htmlFor="s-releasableTo">{t('field.releasableTo')}</label>
            <select id="s-releasableTo" multiple size={5} value={releasableTo} onChange={(e) => setReleasableTo([...e.target.selectedOptions].map((o) => o.value))}>
              {(choices.data?.agencies ?? []).map((a) => <option key={a.code} value={a.code}>{a.code} — {a.name}</option>)}
            </select>
            {fieldErrors.releasableTo && <p className="field-error" data-field="releasableTo">{fieldErrors.releasableTo}</p>}
          </div>
        </fieldset>
        <button type="submit" disabled={busy}>{busy ? t('submit.sending') : t('submit.submit')}</button>
      </form>
    </section>
  );
}
