import { useEffect, useState, type FormEvent } from 'react';
import { ErrorMessage, Loading, TlpBadge } from '../components/common';
import { graphql } from '../gql';
import type { AlertsListQuery, CommodityCategory, SeizureFilter, Tlp } from '../gql/graphql';
import { useI18n } from '../i18n';
import { GraphqlFailure, run } from '../lib/api';
import { COMMODITIES, TLPS } from '../lib/codes';
import { subscribe } from '../lib/live';
import { href } from '../lib/router';
import type { SessionPrincipal } from '../lib/session';
import { useLoad } from '../lib/useQuery';

const AlertsQuery = graphql(`
  query AlertsList {
    alerts(includeStopped: true) {
      id name filter createdAt agencyCode webhookUrl brokenReason active stoppedAt stoppedBy
      deliveries(first: 10) { id seizureId channel status attempts lastError createdAt deliveredAt }
    }
  }
`);
const CreateAlert = graphql(`
  mutation CreateAlert($input: AlertInput!) {
    createAlert(input: $input) { id webhookSecret }
  }
`);
const DeleteAlert = graphql(`
  mutation DeleteAlert($id: ID!) {
    deleteAlert(id: $id)
  }
`);
const LiveSeizures = graphql(`
  subscription LiveSeizures($filter: SeizureFilter) {
    seizureReported(filter: $filter) { id reference tlp seizedAt country commodity { category } reportingAgency { code } }
  }
`);

type SavedAlert = AlertsListQuery['alerts'][number];

interface FeedItem {
  alert: string;
  id: string;
  reference: string;
  tlp: string;
  country: string;
  category: string;
  agency: string;
  at: string;
}

export default function Alerts({ principal }: { principal: SessionPrincipal }) {
  const { t, code, dateTime } = useI18n();
  const list = useLoad(() => run(AlertsQuery), []);
  const [feed, setFeed] = useState<FeedItem[]>([]);
  const [feedError, setFeedError] = useState<unknown>(null);
  const [form, setForm] = useState({ name: '', text: '', countries: '', commodities: [] as CommodityCategory[], tlps: [] as Tlp[], webhookUrl: '' });
  const [error, setError] = useState<unknown>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState('');

  // One live subscription per saved alert, with the alert's own filter: the server sends only
  // reports this reader may see.
  const active = list.data?.alerts.filter((a) => a.active) ?? [];
  const stopped = list.data?.alerts.filter((a) => !a.active) ?? [];
  const alertKey = active.map((a) => `${a.id}:${a.filter}`).join(',');
  useEffect(() => {
    if (!list.data) return;
    const stops = active.map((alert) => {
      let filter: SeizureFilter | null;
      try {
        filter = JSON.parse(alert.filter) as SeizureFilter;
      } catch {
        filter = null;
      }
      return subscribe(LiveSeizures, { filter }, (data) => {
        const s = data.seizureReported;
        setFeed((items) => [{ alert: alert.name, id: s.id, reference: s.reference, tlp: s.tlp, country: s.country, category: s.commodity.category, agency: s.reportingAgency.code, at: new Date().toISOString() }, ...items].slice(0, 50));
      }, setFeedError);
    });
    return () => stops.forEach((stop) => stop());
    // The subscriptions follow the set of alerts, not each reload of the list.
  }, [alertKey]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setFields({});
    setSecret('');
    const filter: SeizureFilter = {};
    if (form.text.trim()) filter.text = form.text.trim();
    const countries = form.countries.split(/[\s,]+/).map((c) => c.toUpperCase()).filter(Boolean);
    if (countries.length) filter.countries = countries;
    if (form.commodities.length) filter.commodityCategories = form.commodities;
    if (form.tlps.length) filter.tlps = form.tlps;
    try {
      const result = await run(CreateAlert, { input: { name: form.name.trim(), filter, webhookUrl: form.webhookUrl.trim() || null } });
      if (result.createAlert.webhookSecret) setSecret(result.createAlert.webhookSecret);
      setForm({ name: '', text: '', countries: '', commodities: [], tlps: [], webhookUrl: '' });
      list.reload();
    } catch (e) {
      if (e instanceof GraphqlFailure) setFields(e.fieldErrors());
      setError(e);
    }
  }

  /** Who stopped it, as the API says: a kind of actor, never a person. */
  const stoppedNotice = (alert: SavedAlert): Notice => ({ testId: 'alert-stopped', text: stoppedText(alert) });
  const stoppedText = (alert: SavedAlert) => {
    const at = dateTime(alert.stoppedAt);
    switch (alert.stoppedBy) {
      case 'AGENCY_ADMINISTRATOR':
        // An administrator of the agency it was made in, which is no longer the owner's after a move.
        return alert.agencyCode === principal.agencyCode ? t('alerts.stoppedByAgency', { at }) : t('alerts.stoppedByAgencyOf', { at, agency: alert.agencyCode });
      case 'PLATFORM_ADMINISTRATOR':
        return t('alerts.stoppedByPlatform', { at });
      case 'OWNER':
        return t('alerts.stoppedByOwner', { at });
      default:
        return t('alerts.stoppedAt', { at });
    }
  };

  /** Why an active alert does not fire, as the API tells its owner: broken, or made in another agency. */
  const activeNotice = (alert: SavedAlert): Notice | undefined => {
    if (alert.brokenReason) return { testId: 'alert-broken', text: t('alerts.broken', { reason: alert.brokenReason }) };
    if (alert.agencyCode !== principal.agencyCode) return { testId: 'alert-other-agency', text: t('alerts.otherAgency', { agency: alert.agencyCode }) };
    return undefined;
  };

  const fieldMessage = (name: string) => Object.entries(fields).find(([k]) => k === name || k.endsWith(`.${name}`))?.[1];

  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">{t('alerts.title')}</h1>
      <section aria-labelledby="feed-title" className="panel">
        <h2 id="feed-title">{t('alerts.feed')}</h2>
        <ErrorMessage error={feedError} />
        <ul className="feed" aria-live="polite" data-testid="feed">
          {feed.length === 0 && <li className="hint">{t('alerts.feedEmpty')}</li>}
          {feed.map((item, i) => (
            <li key={`${item.id}-${i}`}>
              <TlpBadge tlp={item.tlp} /> <a href={href('seizure', item.id)}>{item.reference}</a> · {item.agency} · {item.country} · {code(item.category)} · {t('alerts.matched', { alert: item.alert })} · {dateTime(item.at)}
            </li>
          ))}
        </ul>
      </section>

      <h2>{t('alerts.saved')}</h2>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : active.length === 0 ? (
        list.data && <p className="hint">{t('alerts.noneActive')}</p>
      ) : (
        active.map((alert) => (
          <section key={alert.id} className="panel" aria-label={alert.name}>
            <AlertDetails alert={alert} notice={activeNotice(alert)} />
            <button type="button" className="secondary" onClick={async () => { await run(DeleteAlert, { id: alert.id }); list.reload(); }}>
              {t('alerts.delete', { name: alert.name })}
            </button>
          </section>
        ))
      )}

      {stopped.length > 0 && (
        <section aria-labelledby="stopped-title">
          <h2 id="stopped-title">{t('alerts.stoppedTitle')}</h2>
          <p className="hint">{t('alerts.stoppedHelp')}</p>
          {stopped.map((alert) => (
            <section key={alert.id} className="panel stopped" aria-label={alert.name} data-alert-id={alert.id}>
              <AlertDetails alert={alert} notice={stoppedNotice(alert)} />
            </section>
          ))}
        </section>
      )}

      <form className="panel" onSubmit={create} noValidate>
        <h2>{t('alerts.create')}</h2>
        <ErrorMessage error={error} />
        {secret && <p role="status" className="ok">{t('alerts.secret')} <code>{secret}</code></p>}
        <div className="field">
          <label htmlFor="a-name">{t('alerts.name')}</label>
          <input id="a-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} aria-invalid={Boolean(fieldMessage('name')) || undefined} />
          {fieldMessage('name') && <p className="field-error">{fieldMessage('name')}</p>}
        </div>
        <div className="field">
          <label htmlFor="a-text">{t('search.text')}</label>
          <input id="a-text" value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="a-countries">{t('search.countries')}</label>
          <input id="a-countries" value={form.countries} onChange={(e) => setForm({ ...form, countries: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="a-commodities">{t('field.commodity')}</label>
          <select id="a-commodities" multiple size={4} value={form.commodities} onChange={(e) => setForm({ ...form, commodities: [...e.target.selectedOptions].map((o) => o.value as CommodityCategory) })}>
            {COMMODITIES.map((c) => <option key={c} value={c}>{code(c)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-tlps">TLP</label>
          <select id="a-tlps" multiple size={5} value={form.tlps} onChange={(e) => setForm({ ...form, tlps: [...e.target.selectedOptions].map((o) => o.value as Tlp) })}>
            {TLPS.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-webhook">{t('alerts.webhookUrl')}</label>
          <input id="a-webhook" type="url" placeholder="https://" value={form.webhookUrl} onChange={(e) => setForm({ ...form, webhookUrl: e.target.value })} aria-invalid={Boolean(fieldMessage('webhookUrl')) || undefined} />
          {fieldMessage('webhookUrl') && <p className="field-error">{fieldMessage('webhookUrl')}</p>}
        </div>
        <button type="submit" disabled={!form.name.trim()}>{t('alerts.createButton')}</button>
      </form>
    </section>
  );
}

/** A line above an alert's details saying why it does not (or no longer) fire. */
interface Notice {
  testId: string;
  text: string;
}

/** One saved alert as its owner sees it: filter, webhook and recent deliveries (kept once it stopped). */
function AlertDetails({ alert, notice }: { alert: SavedAlert; notice?: Notice }) {
  const { t, code, dateTime } = useI18n();
  return (
    <>
      <h3>{alert.name}</h3>
      {notice && <p className="notice" data-testid={notice.testId}>{notice.text}</p>}
      <p><code>{alert.filter}</code></p>
      {alert.webhookUrl && <p>{t('alerts.webhook')}: <code>{alert.webhookUrl}</code></p>}
      {alert.deliveries.length > 0 && (
        <table>
          <caption>{t('alerts.deliveries')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('alerts.channel')}</th>
              <th scope="col">{t('field.status')}</th>
              <th scope="col">{t('alerts.attempts')}</th>
              <th scope="col">{t('alerts.lastError')}</th>
              <th scope="col">{t('detail.when')}</th>
            </tr>
          </thead>
          <tbody>
            {alert.deliveries.map((d) => (
              <tr key={d.id}>
                <td>{d.channel}</td>
                <td>{code(d.status)}</td>
                <td className="num">{d.attempts}</td>
                <td>{d.lastError}</td>
                <td>{dateTime(d.deliveredAt ?? d.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
