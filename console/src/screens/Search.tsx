import { useMemo, useState, type FormEvent } from 'react';
import { CursorPager, ErrorMessage, Loading, TlpBadge, Value } from '../components/common';
import { graphql } from '../gql';
import type { CommodityCategory, SearchSeizuresQuery, SeizureFilter, Tlp } from '../gql/graphql';
import { useI18n, type I18n } from '../i18n';
import { run } from '../lib/api';
import { COMMODITIES, TLPS, countryName } from '../lib/codes';
import { download, toCsv } from '../lib/csv';
import { href } from '../lib/router';
import { useLoad } from '../lib/useQuery';

const SearchSeizures = graphql(`
  query SearchSeizures($filter: SeizureFilter, $first: Int!, $after: String) {
    seizures(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id reference status tlp seizedAt country transportMode detectionMethod concealment
          location { name latitude longitude }
          commodity { category type }
          quantity { value unit }
          estimatedValue { amount currency usd }
          reportingAgency { code }
          releasableTo { code }
          redactedFields
        }
      }
    }
  }
`);

const SearchChoices = graphql(`
  query SearchChoices {
    agencies { code name }
    operations(first: 50) { edges { node { id codeName } } }
  }
`);

type Row = SearchSeizuresQuery['seizures']['edges'][number]['node'];

const PAGE = 25;
const WITHHELD_CSV = '[withheld]';

/** The table's columns; the CSV export uses the same ones, with the same withheld marks. */
function columns(i18n: I18n) {
  const { t, code } = i18n;
  const withheld = (row: Row, field: string, value: string) => (row.redactedFields.includes(field) ? WITHHELD_CSV : value);
  return [
    { id: 'reference', label: t('field.reference'), csv: (r: Row) => r.reference },
    { id: 'seizedAt', label: t('field.seizedAt'), csv: (r: Row) => r.seizedAt.slice(0, 10) },
    { id: 'tlp', label: 'TLP', csv: (r: Row) => r.tlp },
    { id: 'country', label: t('field.country'), csv: (r: Row) => r.country },
    { id: 'commodity', label: t('field.commodity'), csv: (r: Row) => code(r.commodity.category) + (r.commodity.type ? ` (${r.commodity.type})` : '') },
    { id: 'quantity', label: t('field.quantity'), csv: (r: Row) => `${r.quantity.value} ${r.quantity.unit}` },
    { id: 'estimatedValue', label: t('field.value'), csv: (r: Row) => withheld(r, 'estimatedValue', r.estimatedValue ? `${r.estimatedValue.amount} ${r.estimatedValue.currency}` : '') },
    { id: 'location', label: t('field.location'), csv: (r: Row) => withheld(r, 'location', r.location?.name ?? '') },
    { id: 'location.latitude', label: t('field.coordinates'), csv: (r: Row) => withheld(r, 'location.latitude', r.location?.latitude != null ? `${r.location.latitude} ${r.location.longitude}` : '') },
    { id: 'concealment', label: t('field.concealment'), csv: (r: Row) => withheld(r, 'concealment', r.concealment ?? '') },
    { id: 'reportingAgency', label: t('field.agency'), csv: (r: Row) => r.reportingAgency.code },
    { id: 'releasableTo', label: t('field.releasableTo'), csv: (r: Row) => withheld(r, 'releasableTo', r.releasableTo.map((a) => a.code).join(' ')) },
    { id: 'status', label: t('field.status'), csv: (r: Row) => r.status },
  ];
}

interface FormState {
  text: string;
  commodities: CommodityCategory[];
  countries: string;
  from: string;
  to: string;
  tlps: Tlp[];
  agency: string;
  operation: string;
}

const EMPTY: FormState = { text: '', commodities: [], countries: '', from: '', to: '', tlps: [], agency: '', operation: '' };

function toFilter(form: FormState): SeizureFilter {
  const filter: SeizureFilter = {};
  if (form.text.trim()) filter.text = form.text.trim();
  if (form.commodities.length) filter.commodityCategories = form.commodities;
  const countries = form.countries.split(/[\s,]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
  if (countries.length) filter.countries = countries;
  if (form.from) filter.seizedFrom = `${form.from}T00:00:00.000Z`;
  if (form.to) filter.seizedTo = `${form.to}T23:59:59.999Z`;
  if (form.tlps.length) filter.tlps = form.tlps;
  if (form.agency) filter.reportingAgencies = [form.agency];
  if (form.operation) filter.operationId = form.operation;
  return filter;
}

export function Search() {
  const i18n = useI18n();
  const { t, code, date, number, locale } = i18n;
  const [form, setForm] = useState<FormState>(EMPTY);
  const [filter, setFilter] = useState<SeizureFilter>({});
  // Cursors of the pages before this one, for "previous".
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const after = cursors[cursors.length - 1];
  const result = useLoad(() => run(SearchSeizures, { filter, first: PAGE, after }), [filter, after]);
  const choices = useLoad(() => run(SearchChoices), []);
  const cols = useMemo(() => columns(i18n), [i18n]);

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilter(toFilter(form));
    setCursors([null]);
  }

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      const rows: Row[] = [];
      let cursor: string | null = null;
      // Every page of the current result, as the server returns it to this reader (at most 10,000
      // rows; pages of 50 stay within the server's query complexity limit).
      for (let page = 0; page < 200; page++) {
        const data: SearchSeizuresQuery = await run(SearchSeizures, { filter, first: 50, after: cursor });
        rows.push(...data.seizures.edges.map((e) => e.node));
        if (!data.seizures.pageInfo.hasNextPage) break;
        cursor = data.seizures.pageInfo.endCursor ?? null;
      }
      download(`windward-seizures-${new Date().toISOString().slice(0, 10)}.csv`, toCsv([cols.map((c) => c.label), ...rows.map((r) => cols.map((c) => c.csv(r)))]));
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  }

  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const page = result.data?.seizures;

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">{t('search.title')}</h1>
      <form className="filters" onSubmit={apply} aria-label={t('search.filters')}>
        <div className="field">
          <label htmlFor="f-text">{t('search.text')}</label>
          <input id="f-text" type="search" value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="f-commodity">{t('field.commodity')}</label>
          <select id="f-commodity" multiple size={4} value={form.commodities} onChange={(e) => setForm({ ...form, commodities: [...e.target.selectedOptions].map((o) => o.value as CommodityCategory) })}>
            {COMMODITIES.map((c) => (
              <option key={c} value={c}>
                {code(c)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-countries">{t('search.countries')}</label>
          <input id="f-countries" value={form.countries} placeholder="JM, KY" onChange={(e) => setForm({ ...form, countries: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="f-from">{t('search.from')}</label>
          <input id="f-from" type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="f-to">{t('search.to')}</label>
          <input id="f-to" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </div>
        <fieldset className="field">
          <legend>TLP</legend>
          {TLPS.map((tlp) => (
            <label key={tlp} className="check">
              <input type="checkbox" checked={form.tlps.includes(tlp)} onChange={() => setForm({ ...form, tlps: toggle(form.tlps, tlp) })} />
              <TlpBadge tlp={tlp} />
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="f-agency">{t('field.agency')}</label>
          <select id="f-agency" value={form.agency} onChange={(e) => setForm({ ...form, agency: e.target.value })}>
            <option value="">{t('search.any')}</option>
            {choices.data?.agencies.map((a) => (
              <option key={a.code} value={a.code}>
                {a.code} — {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-operation">{t('field.operation')}</label>
          <select id="f-operation" value={form.operation} onChange={(e) => setForm({ ...form, operation: e.target.value })}>
            <option value="">{t('search.any')}</option>
            {choices.data?.operations.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.codeName}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit">{t('search.apply')}</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setForm(EMPTY);
              setFilter({});
              setCursors([null]);
            }}
          >
            {t('search.reset')}
          </button>
        </div>
      </form>

      <ErrorMessage error={result.error} />
      <ErrorMessage error={exportError} />
      <div className="result-bar">
        <p role="status" data-testid="result-count">
          {page ? t('search.count', { count: number(page.totalCount) }) : ''}
        </p>
        <button type="button" onClick={exportCsv} disabled={!page || page.totalCount === 0 || exporting}>
          {exporting ? t('search.exporting') : t('search.export')}
        </button>
      </div>
      {result.loading && !page ? (
        <Loading />
      ) : (
        page && (
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t('search.results')} aria-busy={result.loading}>
            <table className="results">
              <thead>
                <tr>
                  {cols.map((c) => (
                    <th key={c.id} scope="col">
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.edges.map(({ node: r }) => (
                  <tr key={r.id} data-reference={r.reference}>
                    <td>
                      <a href={href('seizure', r.id)}>{r.reference}</a>
                    </td>
                    <td>{date(r.seizedAt)}</td>
                    <td>
                      <TlpBadge tlp={r.tlp} />
                    </td>
                    <td title={countryName(r.country, locale)}>{r.country}</td>
                    <td>
                      {code(r.commodity.category)}
                      {r.commodity.type ? ` · ${r.commodity.type}` : ''}
                    </td>
                    <td className="num">
                      {number(r.quantity.value, 2)} {r.quantity.unit}
                    </td>
                    <td className="num">
                      <Value redacted={r.redactedFields} field="estimatedValue">
                        {r.estimatedValue && new Intl.NumberFormat(locale, { style: 'currency', currency: r.estimatedValue.currency, maximumFractionDigits: 0 }).format(r.estimatedValue.amount)}
                      </Value>
                    </td>
                    <td>
                      <Value redacted={r.redactedFields} field="location">
                        {r.location?.name}
                      </Value>
                    </td>
                    <td data-field="coordinates">
                      <Value redacted={r.redactedFields} field="location.latitude">
                        {r.location?.latitude != null && `${number(r.location.latitude, 3)}, ${number(r.location.longitude, 3)}`}
                      </Value>
                    </td>
                    <td>
                      <Value redacted={r.redactedFields} field="concealment">
                        {r.concealment}
                      </Value>
                    </td>
                    <td>{r.reportingAgency.code}</td>
                    <td>
                      <Value redacted={r.redactedFields} field="releasableTo">
                        {r.releasableTo.map((a) => a.code).join(', ')}
                      </Value>
                    </td>
                    <td>{code(r.status)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
      <CursorPager cursors={cursors} onChange={setCursors} pageInfo={page?.pageInfo} />
    </section>
  );
}
