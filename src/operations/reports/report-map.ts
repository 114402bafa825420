import { readFileSync } from 'node:fs';
import path from 'node:path';
import { productDirectory } from '../../i18n/catalog.js';

/**
 * The map data shipped with the product (assets/map): Natural Earth coastlines of the Caribbean
 * and the positions of known ports and airports by UN/LOCODE. No tiles, nothing fetched.
 */

export interface MapBox {
  west: number;
  east: number;
  south: number;
  north: number;
}

interface LandFile {
  box: MapBox;
  land: { country: string | null; ring: [number, number][] }[];
}

interface PlacesFile {
  places: Record<string, { name: string; latitude: number; longitude: number }>;
  /** Where to put a large country that has no known place: near its Caribbean side. */
  countryPoints: Record<string, [number, number]>;
}

let land: LandFile | undefined;
let places: PlacesFile | undefined;

export function mapLand(): LandFile {
  land ??= JSON.parse(readFileSync(path.join(productDirectory('assets'), 'map', 'caribbean.json'), 'utf8')) as LandFile;
  return land;
}

function mapPlaces(): PlacesFile {
  places ??= JSON.parse(readFileSync(path.join(productDirectory('assets'), 'map', 'places.json'), 'utf8')) as PlacesFile;
  return places;
}

export function insideBox(latitude: number, longitude: number, box: MapBox = mapLand().box): boolean {
  return longitude >= box.west && longitude <= box.east && latitude >= box.south && latitude <= box.north;
}

/** Area-weighted centroid of a ring (shoelace), in degrees. */
function ringCentroid(ring: [number, number][]): { x: number; y: number; area: number } {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[(i + 1) % ring.length];
    const cross = x0 * y1 - x1 * y0;
    area += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (area === 0) return { x: ring[0][0], y: ring[0][1], area: 0 };
  return { x: cx / (3 * area), y: cy / (3 * area), area: Math.abs(area / 2) };
}

/** A point for a country: a chosen one for large countries, else the centre of its largest land in the box. */
export function countryPoint(country: string): { latitude: number; longitude: number } | null {
  const chosen = mapPlaces().countryPoints[country];
  if (chosen) return { latitude: chosen[0], longitude: chosen[1] };
  let best: { x: number; y: number; area: number } | null = null;
  for (const piece of mapLand().land) {
    if (piece.country !== country) continue;
    const centre = ringCentroid(piece.ring);
    if (!insideBox(centre.y, centre.x)) continue;
    if (!best || centre.area > best.area) best = centre;
  }
  return best ? { latitude: best.y, longitude: best.x } : null;
}

/** The place of a seizure: its port or airport by UN/LOCODE, else its country; null when neither is known. */
export function seizurePlace(unlocode: string | null, country: string): { label: string | null; latitude: number; longitude: number } | null {
  const place = unlocode ? mapPlaces().places[unlocode.toUpperCase()] : undefined;
  if (place) return { label: place.name, latitude: place.latitude, longitude: place.longitude };
  const point = countryPoint(country);
  return point ? { label: null, ...point } : null;
}
