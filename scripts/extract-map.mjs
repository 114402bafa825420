// Writes assets/map/caribbean.json, the land the operation report's map draws, from Natural Earth's
// 1:50m countries (public domain) as packaged in world-atlas (TopoJSON):
//   npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//   node scripts/extract-map.mjs package/countries-50m.json > assets/map/caribbean.json
// Only rings that reach into the map's box are kept, with coordinates to 0.05 degrees (under a point on the printed map); points
// more than two degrees outside the box are pulled onto that outer frame (outside the drawn area),
// which keeps continents' outlines small without changing what the map shows.
import { readFileSync } from 'node:fs';
import countries from 'i18n-iso-countries';

const BOX = { west: -92, east: -56, south: 3, north: 31 };
const topology = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const [sx, sy] = topology.transform.scale;
const [tx, ty] = topology.transform.translate;

const arcs = topology.arcs.map((arc) => {
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return [x * sx + tx, y * sy + ty];
  });
});

function ring(indexes) {
  const points = [];
  for (const index of indexes) {
    const arc = index < 0 ? [...arcs[~index]].reverse() : arcs[index];
    points.push(...(points.length ? arc.slice(1) : arc));
  }
  return points;
}

const inBox = (points) => points.some(([x, y]) => x >= BOX.west - 2 && x <= BOX.east + 2 && y >= BOX.south - 2 && y <= BOX.north + 2);
const round = (v) => Math.round(v * 20) / 20;

const land = [];
for (const geometry of topology.objects.countries.geometries) {
  const polygons = geometry.type === 'Polygon' ? [geometry.arcs] : geometry.type === 'MultiPolygon' ? geometry.arcs : [];
  const code = countries.numericToAlpha2(geometry.id) ?? null;
  for (const polygon of polygons) {
    const outer = ring(polygon[0]);
    if (!inBox(outer)) continue;
    const simplified = [];
    for (const [x, y] of outer) {
      const cx = Math.min(BOX.east + 2, Math.max(BOX.west - 2, x));
      const cy = Math.min(BOX.north + 2, Math.max(BOX.south - 2, y));
      const point = [round(cx), round(cy)];
      const last = simplified[simplified.length - 1];
      if (!last || last[0] !== point[0] || last[1] !== point[1]) simplified.push(point);
    }
    if (simplified.length >= 3) land.push({ country: code, ring: simplified });
  }
}

process.stdout.write(`${JSON.stringify({
  source: 'Natural Earth 1:50m admin-0 countries (public domain), via world-atlas 2.0.2',
  box: BOX,
  land,
})}\n`);
