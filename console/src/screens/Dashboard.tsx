import { BarChart } from '../components/BarChart';
import { ErrorMessage, Loading } from '../components/common';
import { SeizureMap } from '../components/SeizureMap';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { run } from '../lib/api';
import { countryName } from '../lib/codes';
import { useLoad } from '../lib/useQuery';

const DashboardData = graphql(`
  query DashboardData {
    byCountry: seizureStats(groupBy: [COUNTRY]) { keys count }
    byCommodity: seizureStats(groupBy: [COMMODITY_CATEGORY]) { keys count }
    byMonth: seizureStats(groupBy: [MONTH]) { keys count }
    located: seizures(first: 100) {
      totalCount
      edges { node { id reference country location { name latitude longitude } } }
    }
  }
`);

/** Statistics and a map of what this reader may see; the server computes them under the same rules. */
export default function Dashboard() {
  const { t, code, locale } = useI18n();
  const { data, error, loading } = useLoad(() => run(DashboardData), []);
  if (loading && !data) return <Loading />;
  if (error || !data) return <ErrorMessage error={error} />;
  const sorted = <T extends { count: number }>(list: T[]) => [...list].sort((a, b) => b.count - a.count);
  const months = [...data.byMonth].sort((a, b) => a.keys[0].localeCompare(b.keys[0]));
  const monthFormat = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const points = data.located.edges
    .map((e) => e.node)
    .filter((n) => n.location?.latitude != null && n.location.longitude != null)
    .map((n) => ({ id: n.id, latitude: n.location!.latitude!, longitude: n.location!.longitude!, label: `${n.reference} · ${n.location!.name}` }));

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">{t('dashboard.title')}</h1>
      <p>{t('dashboard.intro')}</p>
      <div className="charts">
        <BarChart id="by-country" title={t('dashboard.byCountry')} bars={sorted(data.byCountry).slice(0, 15).map((b) => ({ key: b.keys[0], label: countryName(b.keys[0], locale) || b.keys[0], value: b.count }))} />
        <BarChart id="by-commodity" title={t('dashboard.byCommodity')} bars={sorted(data.byCommodity).map((b) => ({ key: b.keys[0], label: code(b.keys[0]), value: b.count }))} />
        <BarChart id="by-month" title={t('dashboard.byMonth')} bars={months.slice(-12).map((b) => ({ key: b.keys[0], label: monthFormat.format(new Date(`${b.keys[0].slice(0, 7)}-01T00:00:00Z`)), value: b.count }))} />
      </div>
      <SeizureMap title={t('dashboard.map')} points={points} countByCountry={new Map(data.byCountry.map((b) => [b.keys[0], b.count]))} />
      <p className="hint">{t('dashboard.mapNote', { shown: points.length, total: data.located.totalCount })}</p>
    </section>
  );
}
