import { useMemo } from 'react';
import { geoMercator, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-50m.json';
import isoCountries from 'i18n-iso-countries/codes.json';
import { useI18n } from '../i18n';

export interface MapPoint {
  id: string;
  latitude: number;
  longitude: number;
  label: string;
}

const WIDTH = 760;
const HEIGHT = 420;
// Natural Earth shapes shipped in the world-atlas package: nothing is fetched from a tile server.
const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const countries = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
const numericOf = new Map((isoCountries as string[][]).map(([alpha2, , numeric]) => [alpha2, numeric]));

/** Seizure locations on country shapes; countries shaded by their number of reports. */
export function SeizureMap({ points, countByCountry, title }: { points: MapPoint[]; countByCountry: Map<string, number>; title: string }) {
  const { t, number } = useI18n();
  const { path, projection } = useMemo(() => {
    // The Caribbean by default; widened to take in every point shown.
    const lons = [-90, -58, ...points.map((p) => p.longitude)];
    const lats = [8, 28, ...points.map((p) => p.latitude)];
    const box = {
      type: 'Feature' as const,
      properties: {},
      geometry: { type: 'MultiPoint' as const, coordinates: [[Math.min(...lons) - 2, Math.min(...lats) - 2], [Math.max(...lons) + 2, Math.max(...lats) + 2]] },
    };
    const projection = geoMercator().fitExtent([[10, 10], [WIDTH - 10, HEIGHT - 10]], box);
    return { projection, path: geoPath(projection) };
  }, [points]);
  const byNumeric = new Map([...countByCountry].map(([alpha2, count]) => [numericOf.get(alpha2), count]));
  const max = Math.max(1, ...countByCountry.values());

  return (
    <figure className="map" aria-labelledby="map-title">
      <figcaption id="map-title">{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="map-title map-desc" data-testid="map">
        <desc id="map-desc">{t('dashboard.mapDescription', { points: number(points.length) })}</desc>
        <rect width={WIDTH} height={HEIGHT} className="sea" />
        {countries.features.map((f, i) => {
          const count = byNumeric.get(String(f.id));
          return <path key={i} d={path(f) ?? ''} className="country" style={count ? { fillOpacity: 0.25 + (0.6 * count) / max } : undefined} data-shaded={count ? 'true' : undefined} />;
        })}
        {points.map((p) => {
          const xy = projection([p.longitude, p.latitude]);
          return xy ? (
            <circle key={p.id} cx={xy[0]} cy={xy[1]} r={4} className="point">
              <title>{p.label}</title>
            </circle>
          ) : null;
        })}
      </svg>
    </figure>
  );
}
