import type { CommodityCategory, DetectionMethod, TransportMode, Unit } from '../../seizures/seizure.enums.js';
import type { DemoRandom } from '../demo-random.js';
import type { Territory } from '../demo-places.js';

/**
 * What a demo seizure scenario is (domain.md §2.2, §5, §6): who seizes what, how it travelled,
 * where it was hidden and how it was found. Each scenario lists the territories where it happens
 * and builds one seizure's facts; the generator adds dates, grading, sharing and nominal data.
 * The scenarios themselves are in one file per commodity next to this one (index.ts lists them).
 */

/** Conveyance types with their transport mode and the kind of place they are seized at. */
export const CONVEYANCES = {
  SEA_CONTAINER: ['SEA', 'sea'],
  SEA_GENERAL_CARGO: ['SEA', 'sea'],
  PLEASURE_CRAFT: ['SEA', 'marina'],
  FISHING_VESSEL: ['SEA', 'atSea'],
  GO_FAST: ['SEA', 'atSea'],
  SEMI_SUBMERSIBLE: ['SEA', 'atSea'],
  CRUISE_PASSENGER: ['SEA', 'sea'],
  AIR_PASSENGER: ['AIR', 'air'],
  AIR_CARGO: ['AIR', 'air'],
  GENERAL_AVIATION: ['AIR', 'air'],
  EXPRESS_COURIER: ['EXPRESS_COURIER', 'courier'],
  POSTAL: ['POSTAL', 'mail'],
  VEHICLE: ['ROAD', 'border'],
  TRUCK: ['ROAD', 'border'],
} as const satisfies Record<string, readonly [TransportMode, PlaceKind]>;
export type Conveyance = keyof typeof CONVEYANCES;
export type PlaceKind = 'sea' | 'air' | 'mail' | 'courier' | 'marina' | 'atSea' | 'border';

export interface Draft {
  category: CommodityCategory;
  type: string;
  description: string;
  quantity: number;
  unit: Unit;
  /** Estimated value in US dollars; the generator states it in the local currency. */
  usd: number;
  /** For cash: the amount and currency found (the estimated value is the amount itself). */
  cash?: { amount: number; currency: string };
  conveyance: Conveyance;
  place?: PlaceKind;
  concealment: string | null;
  detection: DetectionMethod;
  route: { origin: string | null; transit: string[]; destination: string | null };
  /** One sentence for the fictional narrative of the sensitive section. */
  story: string;
  /** Roles of the fictional persons involved. */
  roles: string[];
  /** A fictional company is involved (shipper, consignee, agent). */
  company?: boolean;
}

export interface ScenarioContext {
  r: DemoRandom;
  agency: string;
  country: string;
  territory: Territory;
  /** Part of Operation Caribbean Shield. */
  operation: boolean;
}

export interface Scenario {
  id: string;
  weight: number;
  /** Small-arms scenarios: the focus of Operation Caribbean Shield. */
  arms?: boolean;
  countries: readonly string[];
  build(ctx: ScenarioContext): Draft;
}

// --- helpers ----------------------------------------------------------------------------------

// --- helpers shared by several commodities ----------------------------------------------------

export const EUROPE = new Set(['GB', 'NL', 'FR', 'ES', 'BE', 'PT', 'DE', 'IT']);

export function kg(value: number): number {
  if (value < 10) return Math.round(value * 100) / 100;
  if (value < 100) return Math.round(value * 10) / 10;
  return Math.round(value);
}

/** A route with the transit list cleaned: no origin or destination in it, no repeats. */
export function route(origin: string | null, transit: (string | null)[], destination: string | null): Draft['route'] {
  const through = [...new Set(transit.filter((c): c is string => Boolean(c) && c !== origin && c !== destination))];
  return { origin, transit: through, destination: destination === origin ? null : destination };
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
