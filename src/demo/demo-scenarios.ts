import type { CommodityCategory, DetectionMethod, TransportMode, Unit } from '../seizures/seizure.enums.js';
import type { DemoRandom } from './demo-random.js';
import { PER_USD, TERRITORIES, type Territory } from './demo-places.js';

/**
 * Seizure scenarios of the region (domain.md §2.2, §5, §6): who seizes what, how it travelled,
 * where it was hidden and how it was found. Each scenario lists the territories where it happens
 * and builds one seizure's facts; the generator adds dates, grading, sharing and nominal data.
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

const EUROPE = new Set(['GB', 'NL', 'FR', 'ES', 'BE', 'PT', 'DE', 'IT']);
const CENTRAL_AMERICA = new Set(['PA', 'CR', 'HN', 'GT', 'BZ', 'MX', 'NI']);

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

const except = (items: readonly (readonly [string, number])[], country: string) => items.filter(([c]) => c !== country);

const COCAINE_SOURCES = [['CO', 6], ['VE', 3], ['EC', 2], ['PE', 1], ['GY', 1], ['SR', 1]] as const;

function cocaineSource(r: DemoRandom, country: string): string {
  if (country === 'CO') return 'CO';
  if (['TT', 'VC', 'LC', 'GD', 'BB', 'CW', 'AW', 'BQ'].includes(country)) return r.weighted(except([['VE', 5], ['CO', 2], ['GY', 1]], country));
  return r.weighted(except(COCAINE_SOURCES, country));
}

function cocaineDestination(r: DemoRandom, country: string): string {
  let options: [string, number][];
  if (['PR', 'BS', 'TC', 'HT', 'JM', 'DO', 'KY'].includes(country)) options = [['US', 4], ['CA', 1], ['NL', 1], ['BE', 1], ['ES', 1], ['GB', 1]];
  else if (CENTRAL_AMERICA.has(country)) options = [['US', 4], ['MX', 2], ['ES', 1], ['NL', 1], ['BE', 1]];
  else if (['MQ', 'GP', 'GF'].includes(country)) options = [['FR', 5], ['NL', 1]];
  else if (['CW', 'AW', 'BQ', 'SR'].includes(country)) options = [['NL', 4], ['BE', 2], ['US', 1]];
  else options = [['NL', 3], ['BE', 3], ['ES', 2], ['GB', 2], ['FR', 2], ['US', 2], ['CA', 1], ['PT', 1]];
  return r.weighted(options.filter(([c]) => c !== country));
}

/** Cocaine wholesale price per kg in US dollars where it was seized. */
function cocainePrice(r: DemoRandom, country: string): number {
  if (country === 'CO') return r.real(1800, 3000);
  if (CENTRAL_AMERICA.has(country)) return r.real(5000, 12000);
  if (['US', 'CA'].includes(country)) return r.real(22000, 30000);
  if (EUROPE.has(country)) return r.real(30000, 38000);
  return r.real(6500, 12000);
}

/** Cocaine in bricks of about a kilo. */
function bricks(r: DemoRandom, minKg: number, maxKg: number): { count: number; weight: number } {
  const count = Math.max(1, Math.round(r.skewed(minKg, maxKg) / 1.1));
  return { count, weight: kg(count * r.real(1.05, 1.2)) };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

const FLORIDA_PORTS = ['Miami', 'Fort Lauderdale', 'Port Everglades', 'Jacksonville', 'West Palm Beach'];
const GUN_DESTINATIONS = [['HT', 4], ['JM', 4], ['DO', 2], ['BS', 2], ['TT', 2], ['TC', 1], ['LC', 1], ['GY', 1], ['VC', 1], ['KN', 1]] as const;

const PISTOLS = [
  ['Glock 19', '9mm'], ['Glock 17', '9mm'], ['Glock 22', '.40 S&W'], ['Taurus G2C', '9mm'], ['Smith & Wesson M&P9', '9mm'], ['Ruger SR9', '9mm'],
  ['Springfield XD', '.40 S&W'], ['Hi-Point C9', '9mm'], ['Sig Sauer P320', '9mm'], ['Beretta 92', '9mm'], ['Canik TP9', '9mm'],
] as const;
const LONG_GUNS = [
  ['AR-15-pattern rifle', '5.56x45mm', 'assault rifle'], ['AK-pattern rifle', '7.62x39mm', 'assault rifle'], ['Ruger Mini-14 rifle', '.223 Rem', 'rifle'],
  ['pump-action shotgun', '12-gauge', 'shotgun'], ['AK-pattern "Draco" pistol', '7.62x39mm', 'pistol'], ['.50 calibre Barrett-pattern rifle', '.50 BMG', 'rifle'],
] as const;
const PARTS = [
  ['conversion device ("switch" / auto sear)', 800, 2000], ['pistol slide', 250, 600], ['pistol barrel', 150, 400], ['80% pistol frame (unfinished receiver)', 150, 350],
  ['AR-15 upper receiver', 400, 900], ['high-capacity magazine', 40, 120], ['pistol parts kit', 200, 500], ['AR-15 lower parts kit', 120, 300],
] as const;
const CALIBRES = ['9mm Luger', '9mm Luger', '.40 S&W', '.45 ACP', '5.56x45mm', '7.62x39mm', '.223 Rem', '12-gauge', '.380 ACP', '.22 LR'] as const;

const GUN_CONCEALMENTS = [
  'IN_GOODS: firearms wrapped in carbon paper inside cereal boxes',
  'IN_GOODS: in a barrel of household goods and food items',
  'IN_GOODS: inside boxes of disposable diapers',
  'IN_GOODS: in cracker tins, resealed',
  'IN_GOODS: inside a new washing machine',
  'IN_GOODS: in sealed tins of beans',
  'MISDECLARED: manifested as auto parts',
  'MISDECLARED: declared as "personal effects" in a consolidated shipment',
  'CONTAINER_STRUCTURE: refrigeration unit of a reefer container',
  'VEHICLE_STRUCTURE: behind the door panels of a used car shipped ro-ro',
  'VEHICLE_STRUCTURE: inside the air filter housing of a used SUV',
] as const;

const ARMS_DETECTION = [['NII_XRAY', 4], ['RISK_PROFILE', 4], ['INTELLIGENCE', 3], ['PHYSICAL_EXAM', 2], ['PARTNER_REFERRAL', 2], ['DETECTOR_DOG', 1]] as const;

function gunPrice(r: DemoRandom, country: string, long: boolean): number {
  if (country === 'US' || country === 'PR') return long ? r.real(800, 1600) : r.real(400, 900);
  const base = long ? r.real(8000, 15000) : r.real(2500, 6000);
  return country === 'HT' ? base * 1.5 : base;
}

function roundsPrice(r: DemoRandom, country: string): number {
  return country === 'US' || country === 'PR' ? r.real(0.4, 1.2) : r.real(2, 8);
}

/** Guns travel south from Florida: into `country`, or out of the US for a Caribbean destination. */
function gunRoute(r: DemoRandom, country: string): Draft['route'] {
  if (country === 'US' || country === 'PR') return route('US', [country === 'PR' ? 'PR' : null], r.weighted(GUN_DESTINATIONS));
  if (country === 'MX' || country === 'GT' || country === 'BZ') return route('US', [country === 'MX' ? null : 'MX'], country);
  const transit = r.weighted<string | null>([[null, 6], ['BS', 1], ['PR', 1], ['DO', country === 'HT' ? 2 : 0], ['TC', country === 'HT' ? 1 : 0]]);
  return route('US', [transit], country);
}

// --- scenarios --------------------------------------------------------------------------------

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'cocaine-at-sea',
    weight: 6,
    countries: ['TT', 'VC', 'LC', 'GD', 'DO', 'JM', 'BS', 'PA', 'CO', 'GY', 'SR', 'HN', 'BZ', 'MQ', 'GP', 'PR', 'CW', 'AW', 'BQ', 'TC', 'HT', 'CR', 'GT', 'BB'],
    build: ({ r, country }) => {
      const { count, weight } = bricks(r, 40, 1200);
      const conveyance = r.weighted<Conveyance>([['GO_FAST', 6], ['FISHING_VESSEL', 3], ['SEMI_SUBMERSIBLE', ['CO', 'PA', 'CR'].includes(country) ? 1 : 0]]);
      const origin = cocaineSource(r, country);
      return {
        category: 'DRUGS', type: 'cocaine HCl',
        description: `${plural(count, 'brick')} of cocaine HCl (${weight} kg) in ${plural(Math.max(1, Math.round(count / 30)), 'bale')}, ${r.pick(['intercepted by the marine unit', 'interdicted with coast guard support', 'recovered after a pursuit at night'])}`,
        quantity: weight, unit: 'KG', usd: weight * cocainePrice(r, country), conveyance,
        concealment: r.pick([
          'NONE_OPEN: bales stacked on deck under a tarpaulin', 'VESSEL_HULL: hidden compartment under the fuel bladders',
          'NONE_OPEN: bales jettisoned during the pursuit and recovered from the water', 'VESSEL_HULL: false floor in the bow', 'IN_GOODS: under the catch in the fish hold',
        ]),
        detection: r.weighted<DetectionMethod>([['INTELLIGENCE', 4], ['PARTNER_REFERRAL', 3], ['RISK_PROFILE', 1], ['ROUTINE_CONTROL', 1]]),
        route: route(origin, [country], cocaineDestination(r, country)),
        story: `The crew of ${r.int(2, 4)} tried to outrun the patrol vessel and were detained; a satellite phone and GPS unit were seized.`,
        roles: r.pick([['master', 'crew member'], ['master', 'crew member', 'crew member'], ['master']]),
      };
    },
  },
  {
    id: 'cocaine-container',
    weight: 7,
    countries: ['DO', 'JM', 'PA', 'CO', 'TT', 'GY', 'SR', 'BS', 'CW', 'NL', 'ES', 'GB', 'FR', 'CR', 'GT', 'HN', 'MX', 'US', 'BZ', 'CA', 'GP', 'MQ'],
    build: ({ r, country }) => {
      const { count, weight } = bricks(r, 20, 900);
      const consuming = EUROPE.has(country) || ['US', 'CA', 'MQ', 'GP'].includes(country);
      const origin = cocaineSource(r, country);
      const hub = r.pick(['PA', 'DO', 'JM', 'CW', 'TT', 'BS', 'GY', null]);
      const cover = r.pick(['bananas', 'frozen shrimp', 'pineapples', 'coffee', 'scrap metal', 'ceramic tiles', 'frozen fish', 'avocados']);
      return {
        category: 'DRUGS', type: 'cocaine HCl',
        description: `${plural(count, 'brick')} of cocaine HCl (${weight} kg) in a container of ${cover}`,
        quantity: weight, unit: 'KG', usd: weight * cocainePrice(r, country), conveyance: 'SEA_CONTAINER',
        concealment: r.pick([
          'RIP_ON_RIP_OFF: sports bags behind the container doors', 'CONTAINER_STRUCTURE: refrigeration unit of a reefer container',
          `IN_GOODS: inside boxes of ${cover}`, 'CONTAINER_STRUCTURE: floor cross-members', 'RIP_ON_RIP_OFF: holdalls on top of the cargo, seal replaced',
          'CONTAINER_STRUCTURE: false front wall',
        ]),
        detection: r.weighted<DetectionMethod>([['NII_XRAY', 4], ['RISK_PROFILE', 4], ['DETECTOR_DOG', 2], ['INTELLIGENCE', 2], ['PHYSICAL_EXAM', 1], ['AI_IMAGE_ANALYSIS', 1]]),
        route: consuming ? route(origin, [hub], country) : route(origin, [country, hub], cocaineDestination(r, country)),
        story: `The consignee is a recently registered company; the seal number on the container did not match the bill of lading.`,
        roles: r.pick([['consignee'], ['port worker'], ['consignee', 'customs broker'], []]),
        company: true,
      };
    },
  },
  {
    id: 'cocaine-air-passenger',
    weight: 5,
    countries: ['JM', 'TT', 'GY', 'BB', 'LC', 'SX', 'CW', 'AW', 'DO', 'GB', 'NL', 'FR', 'GF', 'MQ', 'CA', 'US', 'ES', 'PA', 'CO', 'BS', 'SR', 'GD', 'AG'],
    build: ({ r, country }) => {
      const internal = r.chance(0.3);
      const weight = internal ? kg(r.real(0.4, 1.4)) : kg(r.skewed(1.5, 9));
      const consuming = EUROPE.has(country) || ['US', 'CA'].includes(country);
      const origin = consuming ? r.pick(['JM', 'TT', 'GY', 'DO', 'BB', 'LC', 'SX', 'CW', 'GF', 'CO', 'PA', 'SR']) : country === 'CO' ? 'CO' : cocaineSource(r, country);
      return {
        category: 'DRUGS', type: internal ? 'cocaine HCl (pellets)' : 'cocaine HCl',
        description: internal ? `${r.int(60, 110)} pellets of cocaine HCl (${weight} kg) carried internally` : `${weight} kg of cocaine HCl in the checked baggage of a passenger`,
        quantity: weight, unit: 'KG', usd: weight * cocainePrice(r, country), conveyance: 'AIR_PASSENGER',
        concealment: internal ? 'INTERNAL_BODY: swallowed pellets' : r.pick([
          'BAGGAGE: false bottom in a suitcase', 'ON_BODY: adapted waistcoat under clothing', 'BAGGAGE: clothing impregnated with cocaine',
          'IN_GOODS: inside sealed tins of ackee', 'IN_GOODS: in bottles of rum', 'BAGGAGE: lining of a hard-shell suitcase',
        ]),
        detection: r.weighted<DetectionMethod>([['BEHAVIOURAL', 3], ['RISK_PROFILE', 4], ['DETECTOR_DOG', 2], ['NII_XRAY', 2], ['DOCUMENT_CHECK', 1]]),
        route: consuming ? route(origin, [], country) : route(origin, [country], cocaineDestination(r, country)),
        story: 'The passenger bought a one-way ticket in cash two days before departure and gave inconsistent answers about the trip.',
        roles: ['courier'],
      };
    },
  },
  {
    id: 'cocaine-pleasure-craft',
    weight: 3,
    countries: ['BB', 'LC', 'VC', 'GD', 'AG', 'SX', 'BS', 'TC', 'KN', 'MQ', 'GP', 'DM', 'VG', 'AW', 'CW', 'BM', 'ES', 'GB', 'FR'],
    build: ({ r, country }) => {
      const { count, weight } = bricks(r, 15, 600);
      const consuming = EUROPE.has(country);
      return {
        category: 'DRUGS', type: 'cocaine HCl',
        description: `${plural(count, 'brick')} of cocaine HCl (${weight} kg) aboard a ${r.pick(['sailing yacht', 'catamaran', 'motor yacht'])} ${consuming ? 'after an Atlantic crossing' : 'preparing for an Atlantic crossing'}`,
        quantity: weight, unit: 'KG', usd: weight * cocainePrice(r, country), conveyance: 'PLEASURE_CRAFT',
        concealment: r.pick(['VESSEL_HULL: false bulkhead in the forward cabin', 'VESSEL_HULL: modified fuel tank', 'VESSEL_HULL: compartment in the keel', 'VESSEL_HULL: under the engine bed']),
        detection: r.weighted<DetectionMethod>([['INTELLIGENCE', 3], ['RISK_PROFILE', 3], ['DETECTOR_DOG', 1], ['PHYSICAL_EXAM', 2], ['PARTNER_REFERRAL', 2]]),
        route: consuming ? route(r.pick(['VE', 'CO', 'GY', 'SR']), [r.pick(['LC', 'GD', 'SX', 'MQ', 'BB', 'AG', null])], country) : route(r.pick(['VE', 'CO', 'GY', 'SR']), [country], r.pick(['ES', 'PT', 'FR', 'NL', 'GB'])),
        story: 'The yacht had cleared in with two crew and no charter guests; the declared cruising plan did not match the AIS track.',
        roles: ['skipper', 'crew member'],
      };
    },
  },
  {
    id: 'cocaine-general-aviation',
    weight: 2,
    countries: ['BS', 'TC', 'BZ', 'HN', 'GT', 'MX', 'DO', 'HT', 'JM'],
    build: ({ r, country }) => {
      const { count, weight } = bricks(r, 150, 900);
      return {
        category: 'DRUGS', type: 'cocaine HCl',
        description: `${plural(count, 'brick')} of cocaine HCl (${weight} kg) aboard a twin-engine aircraft ${r.pick(['on a clandestine airstrip', 'after an unannounced landing', 'abandoned on landing'])}`,
        quantity: weight, unit: 'KG', usd: weight * cocainePrice(r, country), conveyance: 'GENERAL_AVIATION',
        concealment: 'NONE_OPEN: sacks in the cabin, rear seats removed',
        detection: r.weighted<DetectionMethod>([['INTELLIGENCE', 3], ['PARTNER_REFERRAL', 3], ['RISK_PROFILE', 1]]),
        route: route(r.pick(['VE', 'CO']), [country], r.pick(['US', 'MX', 'US'])),
        story: 'The aircraft had no filed flight plan; its registration markings had been painted over.',
        roles: ['pilot'],
      };
    },
  },
  {
    id: 'cocaine-parcel',
    weight: 2,
    countries: ['US', 'GB', 'CA', 'NL', 'BB', 'JM', 'KY', 'BS', 'TT', 'BM', 'FR'],
    build: ({ r, country }) => {
      const weight = kg(r.skewed(0.2, 3));
      const conveyance = r.pick<Conveyance>(['EXPRESS_COURIER', 'POSTAL']);
      return {
        category: 'DRUGS', type: 'cocaine HCl',
        description: `${weight} kg of cocaine HCl in a ${conveyance === 'POSTAL' ? 'postal packet' : 'courier parcel'}`,
        quantity: weight, unit: 'KG', usd: weight * cocainePrice(r, country), conveyance,
        concealment: r.pick(['IN_GOODS: inside the spines of hardback books', 'IN_GOODS: in jars of cosmetic cream', 'MAIL_PARCEL: vacuum-sealed under a false base', 'IN_GOODS: inside a children\'s toy']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 3], ['NII_XRAY', 3], ['DETECTOR_DOG', 2], ['AI_IMAGE_ANALYSIS', 1]]),
        route: route(r.pick(['JM', 'TT', 'GY', 'DO', 'CO', 'PA'].filter((c) => c !== country)), [], country),
        story: 'The addressee gave a residential address used for three parcels in the same month.',
        roles: ['addressee'],
      };
    },
  },
  {
    id: 'cannabis-by-boat',
    weight: 6,
    countries: ['KY', 'BS', 'TC', 'HT', 'TT', 'BB', 'LC', 'GD', 'VC', 'AG', 'KN', 'DM', 'JM', 'CW', 'AW', 'BQ', 'MQ', 'GP', 'PA', 'CR', 'BZ', 'HN'],
    build: ({ r, country }) => {
      let origin: string;
      let destination: string = country;
      if (country === 'JM') { origin = 'JM'; destination = r.pick(['HT', 'KY', 'BS', 'TC', 'US']); }
      else if (country === 'VC') { origin = 'VC'; destination = r.pick(['TT', 'BB', 'LC', 'GD']); }
      else if (['KY', 'BS', 'TC', 'HT'].includes(country)) origin = 'JM';
      else if (['PA', 'CR', 'AW', 'CW', 'BQ', 'BZ', 'HN'].includes(country)) origin = 'CO';
      else origin = r.pick(['VC', 'VC', 'JM', 'GY']);
      const weight = kg(r.skewed(20, 1500));
      const conveyance = r.weighted<Conveyance>([['FISHING_VESSEL', 5], ['GO_FAST', 3], ['PLEASURE_CRAFT', 1]]);
      return {
        category: 'DRUGS', type: 'cannabis (herbal)',
        description: `${weight} kg of compressed herbal cannabis in ${plural(Math.max(1, Math.round(weight / 25)), 'crocus bag')}${conveyance === 'FISHING_VESSEL' ? ' aboard a fishing canoe' : ''}`,
        quantity: weight, unit: 'KG', usd: weight * r.real(400, 1500), conveyance,
        concealment: r.pick(['NONE_OPEN: bags under fishing nets', 'IN_GOODS: under ice in the fish hold', 'VESSEL_HULL: sealed compartment in the bow', 'NONE_OPEN: bags landed on a beach at night']),
        detection: r.weighted<DetectionMethod>([['INTELLIGENCE', 4], ['ROUTINE_CONTROL', 2], ['PARTNER_REFERRAL', 2], ['RANDOM', 1]]),
        route: route(origin, [origin === country ? null : country], destination),
        story: 'Two men were seen landing bags from a canoe; the vessel was not registered with the fisheries authority.',
        roles: ['master', 'crew member'],
      };
    },
  },
  {
    id: 'cannabis-parcel',
    weight: 5,
    countries: ['JM', 'TT', 'BB', 'BS', 'KY', 'LC', 'AG', 'KN', 'GD', 'VC', 'DM', 'SX', 'TC', 'VG', 'AI', 'BM', 'MS', 'CW', 'AW', 'GB', 'CA', 'GY'],
    build: ({ r, country }) => {
      const form = r.weighted<'herbal' | 'edibles' | 'vapes'>([['herbal', 5], ['edibles', 2], ['vapes', 2]]);
      const conveyance = r.pick<Conveyance>(['EXPRESS_COURIER', 'EXPRESS_COURIER', 'POSTAL']);
      const origin = country === 'GB' ? r.pick(['CA', 'US']) : r.pick(['US', 'US', 'US', 'CA']);
      const base = {
        category: 'DRUGS' as const, conveyance,
        concealment: r.pick([
          'MAIL_PARCEL: vacuum-sealed bags in a shoe box', 'MISDECLARED: declared as "clothing"', 'MISDECLARED: declared as "snacks"',
          'IN_GOODS: vacuum-sealed inside cereal boxes', 'IN_GOODS: inside a portable speaker',
        ]),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 3], ['DETECTOR_DOG', 3], ['NII_XRAY', 2], ['AI_IMAGE_ANALYSIS', 1]]),
        route: route(origin, [r.chance(0.2) ? 'US' : null], country),
        story: 'The parcel was one of several sent to the same addressee from a reshipping address in Florida.',
        roles: ['addressee'],
      };
      if (form === 'herbal') {
        const weight = kg(r.skewed(0.5, 25));
        return { ...base, type: 'cannabis (herbal, high-grade)', description: `${weight} kg of high-grade herbal cannabis in vacuum-sealed bags`, quantity: weight, unit: 'KG', usd: weight * r.real(3000, 6000) };
      }
      const pieces = Math.round(r.skewed(50, 2000));
      return form === 'edibles'
        ? { ...base, type: 'cannabis edibles', description: `${plural(pieces, 'packet')} of THC-infused sweets`, quantity: pieces, unit: 'PIECES', usd: pieces * r.real(15, 30) }
        : { ...base, type: 'cannabis oil (vape cartridges)', description: `${plural(pieces, 'THC vape cartridge')}`, quantity: pieces, unit: 'PIECES', usd: pieces * r.real(20, 45) };
    },
  },
  {
    id: 'cannabis-air-passenger',
    weight: 2,
    countries: ['JM', 'GB', 'CA', 'US', 'TT', 'BB', 'KY'],
    build: ({ r, country }) => {
      const weight = kg(r.skewed(2, 30));
      const outbound = country === 'JM';
      return {
        category: 'DRUGS', type: 'cannabis (herbal)',
        description: `${weight} kg of herbal cannabis in ${r.int(1, 3) === 1 ? 'a checked suitcase' : 'two checked suitcases'}`,
        quantity: weight, unit: 'KG', usd: weight * (outbound ? r.real(600, 1500) : r.real(3000, 6000)), conveyance: 'AIR_PASSENGER',
        concealment: r.pick(['BAGGAGE: vacuum-packed in checked suitcases', 'BAGGAGE: wrapped in coffee-scented film', 'BAGGAGE: false bottom in a suitcase']),
        detection: r.weighted<DetectionMethod>([['DETECTOR_DOG', 3], ['NII_XRAY', 2], ['RISK_PROFILE', 2], ['BEHAVIOURAL', 1]]),
        route: outbound ? route('JM', [], r.pick(['GB', 'CA', 'US'])) : route(['GB', 'CA', 'US'].includes(country) ? 'JM' : r.pick(['US', 'CA']), [], country),
        story: 'The passenger travelled on a ticket booked by a third party.',
        roles: ['courier'],
      };
    },
  },
  {
    id: 'cannabis-cruise',
    weight: 1,
    countries: ['BS', 'JM', 'KY', 'SX', 'BB', 'LC', 'AG', 'TC', 'PR'],
    build: ({ r, country }) => {
      const weight = kg(r.real(0.1, 3));
      return {
        category: 'DRUGS', type: 'cannabis (herbal)',
        description: `${weight} kg of herbal cannabis carried by a returning cruise passenger`,
        quantity: weight, unit: 'KG', usd: weight * r.real(800, 2000), conveyance: 'CRUISE_PASSENGER',
        concealment: r.pick(['ON_BODY: taped to the legs', 'BAGGAGE: inside a souvenir drum', 'IN_GOODS: in a sealed bottle of hot sauce']),
        detection: r.weighted<DetectionMethod>([['DETECTOR_DOG', 3], ['BEHAVIOURAL', 2], ['RANDOM', 1]]),
        route: route(country === 'JM' ? 'JM' : r.pick(['JM', 'JM', 'BS']), [], country === 'JM' ? 'US' : country),
        story: 'Bought ashore during a port call, according to the passenger.',
        roles: ['passenger'],
      };
    },
  },
  {
    id: 'synthetic-drugs',
    weight: 2,
    countries: ['JM', 'TT', 'BB', 'CW', 'AW', 'SX', 'DO', 'BS', 'KY', 'MX', 'US', 'GT', 'BZ', 'NL', 'CA'],
    build: ({ r, country }) => {
      if (['MX', 'US', 'GT', 'BZ'].includes(country)) {
        const weight = kg(r.skewed(1, 200));
        const conveyance = r.pick<Conveyance>(country === 'US' || country === 'MX' ? ['TRUCK', 'VEHICLE', 'SEA_CONTAINER'] : ['SEA_CONTAINER', 'VEHICLE']);
        return {
          category: 'DRUGS', type: 'methamphetamine', description: `${weight} kg of crystal methamphetamine`,
          quantity: weight, unit: 'KG', usd: weight * r.real(2000, 9000), conveyance,
          concealment: conveyance === 'SEA_CONTAINER' ? 'MISDECLARED: manifested as "industrial chemicals"' : 'VEHICLE_STRUCTURE: fuel tank compartment',
          detection: r.weighted<DetectionMethod>([['NII_XRAY', 3], ['DETECTOR_DOG', 2], ['RISK_PROFILE', 2]]),
          route: country === 'US' ? route('MX', [], 'US') : route('MX', [country === 'MX' ? null : country], 'US'),
          story: 'The driver said he had been paid to move the vehicle across the border.',
          roles: ['driver'],
        };
      }
      const tablets = Math.round(r.skewed(200, 20000));
      const conveyance = r.pick<Conveyance>(['POSTAL', 'EXPRESS_COURIER', 'AIR_PASSENGER']);
      return {
        category: 'DRUGS', type: 'MDMA (ecstasy tablets)', description: `${plural(tablets, 'MDMA tablet')} with a logo press`,
        quantity: tablets, unit: 'TABLETS', usd: tablets * r.real(8, 25), conveyance,
        concealment: conveyance === 'AIR_PASSENGER' ? 'BAGGAGE: inside vitamin tubs' : r.pick(['MAIL_PARCEL: in a greeting-card envelope', 'IN_GOODS: inside vitamin tubs']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 3], ['NII_XRAY', 2], ['DETECTOR_DOG', 2]]),
        route: route(country === 'NL' ? 'NL' : r.pick(['NL', 'NL', 'BE']), [], country === 'NL' ? r.pick(['CW', 'AW', 'SX', 'SR']) : country),
        story: 'Ordered on a dark-web market and paid in cryptocurrency.',
        roles: ['addressee'],
      };
    },
  },
  {
    id: 'heroin',
    weight: 0.6,
    countries: ['DO', 'CO', 'PA', 'PR', 'US'],
    build: ({ r, country }) => {
      const weight = kg(r.skewed(1, 25));
      return {
        category: 'DRUGS', type: 'heroin', description: `${weight} kg of heroin in ${plural(Math.max(1, Math.round(weight)), 'package')}`,
        quantity: weight, unit: 'KG', usd: weight * r.real(25000, 60000), conveyance: 'AIR_PASSENGER',
        concealment: r.pick(['BAGGAGE: false bottom in a suitcase', 'INTERNAL_BODY: swallowed pellets']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 2], ['BEHAVIOURAL', 2], ['NII_XRAY', 1]]),
        route: route(country === 'CO' ? 'CO' : r.pick(['CO', 'MX']), [country], country === 'US' ? null : 'US'),
        story: 'The courier was recruited through social media, according to the first interview.',
        roles: ['courier'],
      };
    },
  },
  {
    id: 'firearms-in-cargo',
    weight: 6,
    arms: true,
    countries: ['JM', 'TT', 'HT', 'BS', 'DO', 'LC', 'BB', 'GY', 'KN', 'VC', 'GD', 'AG', 'TC', 'SX', 'KY', 'DM', 'VG', 'CW', 'SR', 'BZ', 'AI', 'GT', 'HN'],
    build: ({ r, country }) => {
      const long = r.chance(country === 'HT' ? 0.6 : 0.2);
      const count = long ? r.int(1, country === 'HT' ? 24 : 6) : r.int(1, 12);
      const [model, calibre, type] = long ? r.pick(LONG_GUNS) : [...r.pick(PISTOLS), 'pistol'];
      const tampered = r.chance(0.45);
      const rounds = r.chance(0.5) ? r.int(50, 1500) : 0;
      const origin = gunRoute(r, country);
      return {
        category: 'FIREARMS', type,
        description: `${plural(count, model)} (${calibre})${tampered ? ', serial numbers filed off (identifier tampering)' : ''}, ${plural(count * r.int(1, 3), 'magazine')}${rounds ? ` and ${rounds} rounds` : ''}; shipped from ${r.pick(FLORIDA_PORTS)}, Florida`,
        quantity: count, unit: 'ITEMS', usd: count * gunPrice(r, country, long), conveyance: r.pick<Conveyance>(['SEA_CONTAINER', 'SEA_CONTAINER', 'SEA_GENERAL_CARGO']),
        concealment: r.pick(GUN_CONCEALMENTS),
        detection: r.weighted<DetectionMethod>(ARMS_DETECTION),
        route: origin,
        story: 'The barrel was shipped by a consolidator in Florida in the name of a relative of the consignee.',
        roles: r.pick([['consignee'], ['consignee', 'shipper'], ['shipper']]),
        company: r.chance(0.6),
      };
    },
  },
  {
    id: 'firearms-us-outbound',
    weight: 4,
    arms: true,
    countries: ['US', 'PR'],
    build: ({ r, country }) => {
      const long = r.chance(0.35);
      const count = long ? r.int(2, 30) : r.int(2, 20);
      const [model, calibre, type] = long ? r.pick(LONG_GUNS) : [...r.pick(PISTOLS), 'pistol'];
      const conveyance = r.pick<Conveyance>(['SEA_CONTAINER', 'SEA_GENERAL_CARGO', 'EXPRESS_COURIER', 'AIR_CARGO']);
      return {
        category: 'FIREARMS', type,
        description: `${plural(count, model)} (${calibre}) in an outbound ${conveyance === 'EXPRESS_COURIER' ? 'courier consignment' : 'shipment'}, exported without a licence; several bought by straw purchasers`,
        quantity: count, unit: 'ITEMS', usd: count * gunPrice(r, country, long), conveyance,
        concealment: r.pick(GUN_CONCEALMENTS),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 3], ['INTELLIGENCE', 3], ['NII_XRAY', 2], ['DOCUMENT_CHECK', 1]]),
        route: gunRoute(r, country),
        story: 'Several of the guns were traced to purchases at different dealers in Florida within the same month.',
        roles: ['shipper', 'straw purchaser'],
        company: true,
      };
    },
  },
  {
    id: 'firearm-parts-parcel',
    weight: 4,
    arms: true,
    countries: ['JM', 'TT', 'BB', 'BS', 'KY', 'LC', 'AG', 'KN', 'GD', 'VC', 'DM', 'SX', 'TC', 'VG', 'GY', 'DO', 'HT', 'CW', 'AW', 'US', 'GB', 'CA', 'BZ', 'BM'],
    build: ({ r, country }) => {
      const [part, low, high] = r.pick(PARTS);
      const count = part.includes('magazine') ? r.int(4, 60) : r.int(1, 25);
      const conveyance = r.pick<Conveyance>(['EXPRESS_COURIER', 'EXPRESS_COURIER', 'POSTAL']);
      const caribbean = country !== 'US';
      return {
        category: 'FIREARM_PARTS', type: part,
        description: `${plural(count, part, part.endsWith('kit') ? `${part}s` : undefined)}${r.chance(0.3) ? ', part of a consignment split over several parcels' : ''}`,
        quantity: count, unit: 'ITEMS', usd: count * r.real(low, high) * (caribbean ? 3 : 1), conveyance,
        concealment: r.pick([
          'MISDECLARED: declared as "steel pin samples"', 'MISDECLARED: declared as "auto parts"', 'MISDECLARED: declared as "toys"',
          'MAIL_PARCEL: split consignment, parts sent separately', 'IN_GOODS: inside a power tool case',
        ]),
        detection: r.weighted<DetectionMethod>([['NII_XRAY', 4], ['AI_IMAGE_ANALYSIS', 2], ['RISK_PROFILE', 3], ['INTELLIGENCE', 1]]),
        route: country === 'US' ? route('US', [], r.weighted(GUN_DESTINATIONS)) : route('US', [], country),
        story: 'Bought online from several sellers and forwarded by a reshipping company in Miami.',
        roles: ['addressee'],
      };
    },
  },
  {
    id: 'ammunition',
    weight: 5,
    arms: true,
    countries: ['JM', 'TT', 'HT', 'BS', 'DO', 'BB', 'LC', 'GY', 'KN', 'VC', 'TC', 'SX', 'CW', 'BZ', 'PA', 'US', 'KY', 'AG', 'GD', 'SR', 'VG'],
    build: ({ r, country }) => {
      const calibre = r.pick(CALIBRES);
      const rounds = Math.round(r.skewed(20, 8000));
      const conveyance = r.weighted<Conveyance>([
        ['SEA_CONTAINER', 3], ['SEA_GENERAL_CARGO', 2], ['EXPRESS_COURIER', 2], ['AIR_PASSENGER', 2],
        ['GENERAL_AVIATION', ['BS', 'TC', 'HT', 'DO'].includes(country) ? 2 : 0],
      ]);
      const concealments: Partial<Record<Conveyance, string>> = {
        SEA_CONTAINER: 'IN_GOODS: boxes of rounds inside bags of rice', SEA_GENERAL_CARGO: 'IN_GOODS: in a barrel under canned food',
        EXPRESS_COURIER: 'MISDECLARED: declared as "fishing weights"', AIR_PASSENGER: 'BAGGAGE: false bottom in a suitcase',
        GENERAL_AVIATION: 'NONE_OPEN: boxes in the cargo hold of a private aircraft',
      };
      const concealment = concealments[conveyance] ?? 'IN_GOODS: in sealed food tins';
      return {
        category: 'AMMUNITION', type: calibre,
        description: `${rounds.toLocaleString('en-US')} rounds of ${calibre} ammunition`,
        quantity: rounds, unit: 'ROUNDS', usd: rounds * roundsPrice(r, country), conveyance, concealment,
        detection: r.weighted<DetectionMethod>(ARMS_DETECTION),
        route: gunRoute(r, country),
        story: conveyance === 'GENERAL_AVIATION' ? 'The aircraft landed on a private strip after declaring a tourist flight.' : 'The consignee had imported "fishing supplies" three times this year.',
        roles: conveyance === 'GENERAL_AVIATION' ? ['pilot', 'passenger'] : ['consignee'],
      };
    },
  },
  {
    id: 'firearms-air-passenger',
    weight: 1,
    arms: true,
    countries: ['JM', 'TT', 'BS', 'BB', 'DO', 'KY', 'LC', 'TC'],
    build: ({ r, country }) => {
      const count = r.int(1, 3);
      const [model, calibre] = r.pick(PISTOLS);
      return {
        category: 'FIREARMS', type: 'pistol',
        description: `${plural(count, model)} (${calibre}) disassembled in checked baggage, with ${r.int(20, 200)} rounds`,
        quantity: count, unit: 'ITEMS', usd: count * gunPrice(r, country, false), conveyance: 'AIR_PASSENGER',
        concealment: r.pick(['BAGGAGE: disassembled inside a speaker box', 'BAGGAGE: false bottom in a suitcase', 'BAGGAGE: inside a games console']),
        detection: r.weighted<DetectionMethod>([['NII_XRAY', 4], ['RISK_PROFILE', 1], ['BEHAVIOURAL', 1]]),
        route: route('US', [], country),
        story: 'The passenger arrived from Fort Lauderdale and said the bag had been packed by a friend.',
        roles: ['passenger'],
      };
    },
  },
  {
    id: 'firearms-land-border',
    weight: 2,
    arms: true,
    countries: ['HT', 'DO', 'MX', 'US', 'BZ', 'GY', 'PA'],
    build: ({ r, country }) => {
      const long = r.chance(0.4);
      const count = r.int(1, long ? 10 : 8);
      const [model, calibre, type] = long ? r.pick(LONG_GUNS) : [...r.pick(PISTOLS), 'pistol'];
      const origin = { HT: 'DO', DO: 'DO', MX: 'US', US: 'US', BZ: 'GT', GY: 'BR', PA: 'CR' }[country] ?? 'US';
      const destination = { DO: 'HT', US: 'MX' }[country] ?? country;
      return {
        category: 'FIREARMS', type,
        description: `${plural(count, model)} (${calibre}) in a vehicle at the border crossing`,
        quantity: count, unit: 'ITEMS', usd: count * gunPrice(r, country, long), conveyance: r.pick<Conveyance>(['VEHICLE', 'TRUCK']),
        concealment: r.pick(['VEHICLE_STRUCTURE: modified fuel tank', 'VEHICLE_STRUCTURE: inside the spare tyre', 'VEHICLE_STRUCTURE: behind the door panels', 'IN_GOODS: under sacks of charcoal']),
        detection: r.weighted<DetectionMethod>([['NII_XRAY', 2], ['PHYSICAL_EXAM', 3], ['INTELLIGENCE', 2], ['DETECTOR_DOG', 1]]),
        route: route(origin, [], destination),
        story: 'The driver crosses the border several times a week with market goods.',
        roles: ['driver'],
      };
    },
  },
  {
    id: 'other-weapons',
    weight: 1,
    countries: ['BB', 'TT', 'JM', 'KY', 'BS', 'LC', 'AG', 'BM', 'GB', 'SX'],
    build: ({ r, country }) => {
      const [type, low, high] = r.pick([['stun guns (tasers)', 40, 150], ['pepper spray canisters', 5, 20], ['flick knives', 10, 40], ['knuckle-duster knives', 10, 30]] as const);
      const count = Math.round(r.skewed(5, 200));
      return {
        category: 'OTHER_WEAPONS_EXPLOSIVES', type, description: `${count} ${type} bought online`,
        quantity: count, unit: 'PIECES', usd: count * r.real(low, high), conveyance: r.pick<Conveyance>(['EXPRESS_COURIER', 'POSTAL']),
        concealment: r.pick(['MISDECLARED: declared as "flashlights"', 'MISDECLARED: declared as "cosmetics"', 'NONE_OPEN: declared correctly but prohibited']),
        detection: r.weighted<DetectionMethod>([['NII_XRAY', 3], ['DOCUMENT_CHECK', 2], ['RISK_PROFILE', 1]]),
        route: route(country === 'GB' ? 'CN' : r.pick(['US', 'CN']), [country === 'GB' ? null : r.chance(0.5) ? 'US' : null], country),
        story: 'The addressee runs an online shop selling "self-defence" items.',
        roles: ['addressee'],
      };
    },
  },
  {
    id: 'illicit-whites',
    weight: 5,
    countries: ['TT', 'GY', 'JM', 'DO', 'SR', 'PA', 'CW', 'AW', 'BZ', 'BB', 'KN', 'LC', 'GB', 'HT', 'BS', 'CO', 'MX', 'GT', 'HN', 'CR'],
    build: ({ r, country }) => {
      const cases = Math.round(r.skewed(20, 960));
      const sticks = cases * 10_000;
      const brand = r.pick(['Blue Harbour', 'Island Gold', 'Coral Ridge', 'Royal Palm', 'Silver Coast', 'Trade Wind']);
      const origin = r.weighted<string>([['AE', 3], ['PY', 2], ['PA', 2], ['CN', 1], ['VN', 1]].filter(([c]) => c !== country) as [string, number][]);
      return {
        category: 'TOBACCO', type: 'cigarettes (illicit whites)',
        description: `${plural(cases, 'master case')} (${sticks.toLocaleString('en-US')} sticks) of "${brand}" cigarettes (fictional brand), an illicit-white brand not registered in ${TERRITORIES[country].name}`,
        quantity: sticks, unit: 'STICKS', usd: sticks * r.real(0.08, 0.2), conveyance: 'SEA_CONTAINER',
        concealment: r.pick(['MISDECLARED: manifested as "paper products"', 'MISDECLARED: manifested as "plastic household goods"', 'IN_GOODS: behind a cover load of furniture', 'MISDECLARED: manifested as "polyester yarn"']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 4], ['DOCUMENT_CHECK', 3], ['NII_XRAY', 3], ['INTELLIGENCE', 2]]),
        route: route(origin, [r.pick(['PA', 'AW', 'CW', null])], country === 'PA' ? r.pick(['TT', 'GY', 'JM', 'DO', 'SR']) : country),
        story: 'Shipped from a free zone under a consignee that does not hold a tobacco import licence.',
        roles: ['customs broker'],
        company: true,
      };
    },
  },
  {
    id: 'tobacco-small',
    weight: 1,
    countries: ['SX', 'AI', 'KN', 'AG', 'DM', 'BB', 'GP', 'MQ', 'BQ', 'GB', 'FR'],
    build: ({ r, country }) => {
      const sticks = Math.round(r.skewed(2000, 60000) / 200) * 200;
      const europe = country === 'GB' || country === 'FR';
      return {
        category: 'TOBACCO', type: 'cigarettes', description: `${sticks.toLocaleString('en-US')} cigarettes over the duty-free allowance`,
        quantity: sticks, unit: 'STICKS', usd: sticks * r.real(0.1, europe ? 0.6 : 0.3), conveyance: r.pick<Conveyance>(europe ? ['AIR_PASSENGER'] : ['PLEASURE_CRAFT', 'AIR_PASSENGER']),
        concealment: r.pick(['BAGGAGE: cartons in checked suitcases', 'NONE_OPEN: undeclared cartons']),
        detection: r.weighted<DetectionMethod>([['ROUTINE_CONTROL', 3], ['RANDOM', 2], ['NII_XRAY', 1]]),
        route: route(europe ? r.pick(['DO', 'SX', 'CW']) : 'SX', [], country === 'SX' ? 'AI' : country),
        story: 'Bought duty-free and intended for resale.',
        roles: ['passenger'],
      };
    },
  },
  {
    id: 'cash',
    weight: 5,
    countries: ['JM', 'TT', 'DO', 'HT', 'GY', 'BS', 'KY', 'BB', 'SX', 'CW', 'AW', 'PA', 'CO', 'MX', 'US', 'GB', 'NL', 'FR', 'LC', 'TC', 'SR', 'BZ', 'ES', 'CA'],
    build: ({ r, country }) => {
      const counterfeit = r.chance(0.08);
      const currency = EUROPE.has(country) ? (country === 'GB' ? r.pick(['GBP', 'EUR']) : 'EUR') : r.chance(0.85) ? 'USD' : TERRITORIES[country].currency;
      const usd = r.skewed(12000, 1200000);
      const amount = Math.round((usd * (PER_USD[currency] ?? 1)) / 100) * 100;
      const conveyance = r.weighted<Conveyance>([['AIR_PASSENGER', 5], ['EXPRESS_COURIER', 2], ['SEA_CONTAINER', 1], ['PLEASURE_CRAFT', 1]]);
      const outbound = r.chance(0.7);
      const partner = r.pick(['US', 'PA', 'CO', 'DO', 'MX', 'CW', 'GB', 'NL', 'CA'].filter((c) => c !== country));
      return {
        category: 'CURRENCY', type: counterfeit ? 'counterfeit currency' : r.chance(0.1) ? 'bearer negotiable instruments' : 'cash (undeclared)',
        description: counterfeit
          ? `${amount.toLocaleString('en-US')} ${currency} in counterfeit notes`
          : `${amount.toLocaleString('en-US')} ${currency} in undeclared ${outbound ? 'outbound' : 'inbound'} cash, mostly small denominations`,
        quantity: amount, unit: 'CURRENCY_AMOUNT', usd, cash: { amount, currency }, conveyance,
        concealment: {
          AIR_PASSENGER: r.pick(['ON_BODY: in an adapted waistcoat', 'BAGGAGE: false bottom in a suitcase', 'BAGGAGE: rolled inside clothing']),
          EXPRESS_COURIER: 'IN_GOODS: cash hidden in magazines',
          SEA_CONTAINER: 'IN_GOODS: vacuum-packed bundles inside a used refrigerator',
          PLEASURE_CRAFT: 'VESSEL_HULL: behind a panel in the saloon',
        }[conveyance as 'AIR_PASSENGER' | 'EXPRESS_COURIER' | 'SEA_CONTAINER' | 'PLEASURE_CRAFT'],
        detection: r.weighted<DetectionMethod>([['DETECTOR_DOG', 2], ['BEHAVIOURAL', 2], ['RISK_PROFILE', 3], ['NII_XRAY', 2], ['INTELLIGENCE', 1]]),
        route: outbound ? route(country, [], partner) : route(partner, [], country),
        story: 'No declaration was made; the traveller could not explain the origin of the funds. A money-laundering investigation was opened.',
        roles: ['traveller'],
      };
    },
  },
  {
    id: 'wildlife',
    weight: 3,
    countries: ['JM', 'BS', 'HN', 'DO', 'TC', 'BZ', 'PR', 'HT', 'TT', 'GY', 'SR', 'BB', 'MQ', 'GP', 'GF', 'CW', 'AW', 'BQ', 'PA', 'CR', 'MX', 'GT', 'CO', 'KY', 'NL', 'GB', 'US'],
    build: ({ r, country }) => {
      type Wildlife = { type: string; unit: Unit; min: number; max: number; price: number; countries: string[]; conveyance: Conveyance[]; concealment: string; origin: string[]; destination: string[] };
      const options: Wildlife[] = [
        { type: 'queen conch meat (Aliger gigas, CITES App. II)', unit: 'KG', min: 50, max: 3000, price: 20, countries: ['JM', 'BS', 'HN', 'DO', 'TC', 'BZ', 'HT', 'CO', 'US'], conveyance: ['FISHING_VESSEL', 'SEA_CONTAINER'], concealment: 'MISDECLARED: declared as "fish fillets"', origin: ['JM', 'BS', 'HN', 'DO', 'TC', 'BZ', 'HT', 'CO', 'NI'], destination: ['US'] },
        { type: 'live parrots (Amazona spp., CITES App. I/II)', unit: 'PIECES', min: 3, max: 40, price: 1500, countries: ['TT', 'GY', 'SR', 'BB', 'MQ', 'GP', 'GF', 'CW', 'AW', 'BQ'], conveyance: ['FISHING_VESSEL', 'PLEASURE_CRAFT'], concealment: 'IN_GOODS: sedated birds in plastic bottles', origin: ['VE', 'GY', 'SR'], destination: ['TT', 'BB', 'MQ', 'GP', 'CW', 'AW', 'BQ', 'US'] },
        { type: 'hawksbill turtle shell items (Eretmochelys imbricata, CITES App. I)', unit: 'PIECES', min: 5, max: 200, price: 60, countries: ['DO', 'HT', 'CW', 'AW', 'BQ', 'PA', 'GB', 'NL', 'US'], conveyance: ['AIR_PASSENGER', 'CRUISE_PASSENGER', 'POSTAL'], concealment: 'BAGGAGE: souvenir jewellery in checked baggage', origin: ['DO', 'HT', 'CU', 'PA'], destination: ['NL', 'GB', 'US', 'FR'] },
        { type: 'black coral (Antipatharia, CITES App. II)', unit: 'PIECES', min: 10, max: 500, price: 40, countries: ['HT', 'DO', 'CW', 'BQ', 'PR', 'JM', 'KY', 'US'], conveyance: ['AIR_PASSENGER', 'EXPRESS_COURIER'], concealment: 'MISDECLARED: declared as "costume jewellery"', origin: ['HT', 'DO', 'JM'], destination: ['US', 'NL', 'FR'] },
        { type: 'shark fins (Sphyrna lewini, CITES App. II)', unit: 'KG', min: 20, max: 800, price: 200, countries: ['PA', 'CR', 'MX', 'GT', 'CO', 'TT', 'GY', 'SR'], conveyance: ['SEA_CONTAINER', 'AIR_CARGO'], concealment: 'MISDECLARED: manifested as "dried fish"', origin: ['PA', 'CR', 'MX', 'GT', 'CO', 'TT', 'GY', 'SR'], destination: ['HK', 'CN'] },
        { type: 'live rock iguanas (Cyclura spp., CITES App. I)', unit: 'PIECES', min: 2, max: 12, price: 5000, countries: ['BS', 'TC', 'DO', 'KY', 'US'], conveyance: ['AIR_PASSENGER'], concealment: 'BAGGAGE: animals in socks inside a suitcase', origin: ['BS', 'TC', 'DO'], destination: ['US', 'DE', 'NL'] },
      ];
      const w = r.pick(options.filter((o) => o.countries.includes(country)));
      const quantity = w.unit === 'KG' ? kg(r.skewed(w.min, w.max)) : Math.round(r.skewed(w.min, w.max));
      const origin = w.origin.includes(country) ? country : r.pick(w.origin);
      const destination = w.destination.includes(country) ? country : r.pick(w.destination.filter((c) => c !== origin));
      return {
        category: 'CITES_WILDLIFE', type: w.type.split(' (')[0],
        description: `${w.unit === 'KG' ? `${quantity} kg` : quantity} ${w.type}, without CITES permits`,
        quantity, unit: w.unit, usd: quantity * w.price * r.real(0.6, 1.4), conveyance: r.pick(w.conveyance), concealment: w.concealment,
        detection: r.weighted<DetectionMethod>([['DOCUMENT_CHECK', 3], ['RISK_PROFILE', 2], ['NII_XRAY', 2], ['INTELLIGENCE', 1], ['PHYSICAL_EXAM', 1]]),
        route: route(origin, [country], destination),
        story: 'The exporter named on the documents holds no CITES permit; the specimens were handed to the wildlife authority.',
        roles: ['exporter'],
        company: r.chance(0.4),
      };
    },
  },
  {
    id: 'counterfeit-goods',
    weight: 4,
    countries: ['PA', 'JM', 'TT', 'DO', 'CW', 'AW', 'GY', 'BB', 'BS', 'HT', 'SX', 'KN', 'LC', 'MX', 'CO', 'GT', 'HN', 'BZ', 'SR', 'GB', 'NL', 'ES'],
    build: ({ r, country }) => {
      const [type, low, high, price] = r.pick([
        ['counterfeit sports footwear', 200, 8000, 45], ['counterfeit apparel', 500, 40000, 15], ['counterfeit mobile phones and accessories', 100, 6000, 60],
        ['counterfeit brake pads and filters', 200, 5000, 12], ['counterfeit perfume', 200, 6000, 25], ['counterfeit toys', 500, 20000, 6],
        ['counterfeit spirits', 100, 3000, 18],
      ] as const);
      const pieces = Math.round(r.skewed(low, high));
      return {
        category: 'IPR', type, description: `${pieces.toLocaleString('en-US')} items of ${type} bearing registered trademarks; rights holders notified`,
        quantity: pieces, unit: 'PIECES', usd: pieces * price * r.real(0.7, 1.3), conveyance: r.weighted<Conveyance>([['SEA_CONTAINER', 5], ['EXPRESS_COURIER', 1], ['AIR_CARGO', 1]]),
        concealment: r.pick(['MISDECLARED: declared as unbranded goods', 'IN_GOODS: branded items under a cover load of generic goods', 'MISDECLARED: undervalued invoice', 'NONE_OPEN: labels attached after import']),
        detection: r.weighted<DetectionMethod>([['DOCUMENT_CHECK', 3], ['RISK_PROFILE', 3], ['PHYSICAL_EXAM', 2], ['PARTNER_REFERRAL', 1]]),
        route: route('CN', [country === 'PA' ? null : r.pick(['PA', 'US', null])], country === 'PA' ? r.pick(['JM', 'TT', 'DO', 'CO', 'CR']) : country),
        story: 'The importer has been warned twice before by the rights holders.',
        roles: ['importer'],
        company: true,
      };
    },
  },
  {
    id: 'medicines',
    weight: 2,
    countries: ['JM', 'TT', 'BB', 'GY', 'DO', 'HT', 'BS', 'LC', 'KY', 'SR', 'GB', 'CA', 'PA', 'NL', 'GF'],
    build: ({ r, country }) => {
      const pens = r.chance(0.25);
      const quantity = pens ? Math.round(r.skewed(20, 600)) : Math.round(r.skewed(500, 200000));
      const type = pens ? 'falsified GLP-1 "weight-loss" pens' : r.pick(['tramadol 225 mg tablets', 'unregistered sildenafil tablets', 'falsified antibiotics (amoxicillin)', 'falsified antimalarials', 'unregistered benzodiazepines']);
      const conveyance = r.pick<Conveyance>(['POSTAL', 'EXPRESS_COURIER', 'AIR_PASSENGER', 'SEA_CONTAINER']);
      return {
        category: 'MEDICINES', type,
        description: `${quantity.toLocaleString('en-US')} ${pens ? 'doses of' : ''} ${type}${pens ? '' : ', no marketing authorisation'}`.replace('  ', ' '),
        quantity, unit: pens ? 'DOSES' : 'TABLETS', usd: quantity * (pens ? r.real(30, 90) : r.real(0.2, 1.5)), conveyance,
        concealment: r.pick(['MISDECLARED: declared as "food supplements"', 'MAIL_PARCEL: blister packs without outer packaging', 'BAGGAGE: loose in checked baggage']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 3], ['DOCUMENT_CHECK', 2], ['NII_XRAY', 2], ['PARTNER_REFERRAL', 1]]),
        route: route(r.pick(['IN', 'IN', 'CN', 'US']), [r.chance(0.3) ? 'US' : null], country),
        story: 'Sold through social-media pages; the health regulator was informed.',
        roles: ['addressee'],
      };
    },
  },
  {
    id: 'alcohol',
    weight: 1,
    countries: ['SX', 'AI', 'KN', 'AG', 'CW', 'AW', 'BQ', 'TC', 'GY', 'SR', 'TT', 'DM', 'MS', 'VG'],
    build: ({ r, country }) => {
      const litres = Math.round(r.skewed(100, 8000));
      return {
        category: 'ALCOHOL', type: r.pick(['spirits (whisky, vodka)', 'rum', 'beer']),
        description: `${litres.toLocaleString('en-US')} litres of undeclared alcoholic beverages`,
        quantity: litres, unit: 'L', usd: litres * r.real(4, 20), conveyance: r.pick<Conveyance>(['PLEASURE_CRAFT', 'SEA_GENERAL_CARGO', 'FISHING_VESSEL']),
        concealment: r.pick(['NONE_OPEN: undeclared cargo', 'MISDECLARED: declared as "soft drinks"', 'VESSEL_HULL: under the deck boards']),
        detection: r.weighted<DetectionMethod>([['ROUTINE_CONTROL', 3], ['DOCUMENT_CHECK', 2], ['INTELLIGENCE', 1]]),
        route: route(country === 'SX' ? 'SX' : r.pick(['SX', 'VE', 'US']), [], country === 'SX' ? r.pick(['AI', 'KN', 'AG']) : country),
        story: 'Bought in a duty-free port and landed without declaration.',
        roles: ['master'],
      };
    },
  },
  {
    id: 'fuel',
    weight: 1,
    countries: ['TT', 'GY', 'CW', 'AW', 'BQ', 'CO'],
    build: ({ r, country }) => {
      const litres = Math.round(r.skewed(2000, 40000) / 10) * 10;
      return {
        category: 'FUEL', type: r.pick(['diesel', 'gasoline']),
        description: `${litres.toLocaleString('en-US')} litres of smuggled fuel in drums and bladders`,
        quantity: litres, unit: 'L', usd: litres * r.real(0.5, 1.1), conveyance: r.pick<Conveyance>(['FISHING_VESSEL', 'GO_FAST']),
        concealment: r.pick(['NONE_OPEN: drums on deck', 'VESSEL_HULL: bladders in the hold']),
        detection: r.weighted<DetectionMethod>([['ROUTINE_CONTROL', 2], ['INTELLIGENCE', 2], ['PARTNER_REFERRAL', 1]]),
        route: route('VE', [], country),
        story: 'The fuel was bought across the border at a fraction of the local price.',
        roles: ['master', 'crew member'],
      };
    },
  },
  {
    id: 'precursors',
    weight: 0.7,
    countries: ['MX', 'GT', 'PA', 'CO', 'DO', 'HN', 'BZ', 'NL'],
    build: ({ r, country }) => {
      const type = r.pick(['potassium permanganate', 'methylamine', 'APAA (P2P pre-precursor)', 'sodium cyanide', 'acetone']);
      const weight = kg(r.skewed(100, 12000));
      return {
        category: 'PRECURSORS', type, description: `${weight} kg of ${type} without a precursor import authorisation`,
        quantity: weight, unit: 'KG', usd: weight * r.real(2, 25), conveyance: 'SEA_CONTAINER',
        concealment: r.pick(['MISDECLARED: manifested as "cleaning products"', 'MISDECLARED: manifested as "industrial salt"']),
        detection: r.weighted<DetectionMethod>([['DOCUMENT_CHECK', 3], ['RISK_PROFILE', 3], ['PARTNER_REFERRAL', 2]]),
        route: route(r.pick(['CN', 'IN']), [country === 'PA' ? null : r.pick(['PA', null])], country === 'PA' ? r.pick(['CO', 'MX']) : country),
        story: 'The consignee is not registered as a user of controlled chemicals.',
        roles: ['consignee'],
        company: true,
      };
    },
  },
  {
    id: 'cultural-objects',
    weight: 0.4,
    countries: ['DO', 'HT', 'PA', 'CO', 'MX', 'GT', 'US', 'FR', 'ES'],
    build: ({ r, country }) => {
      const pieces = r.int(2, 40);
      return {
        category: 'CULTURAL_OBJECTS', type: 'pre-Columbian artefacts',
        description: `${pieces} pre-Columbian ceramic and stone artefacts without export permits; referred to the national heritage authority`,
        quantity: pieces, unit: 'PIECES', usd: pieces * r.real(300, 5000), conveyance: r.pick<Conveyance>(['AIR_PASSENGER', 'EXPRESS_COURIER']),
        concealment: r.pick(['MISDECLARED: declared as "handicrafts"', 'BAGGAGE: wrapped in clothing']),
        detection: r.weighted<DetectionMethod>([['DOCUMENT_CHECK', 2], ['NII_XRAY', 2], ['PHYSICAL_EXAM', 1]]),
        route: ['US', 'FR', 'ES'].includes(country) ? route(r.pick(['MX', 'GT', 'CO', 'DO', 'HT']), [], country) : route(country, [], r.pick(['US', 'FR', 'ES'])),
        story: 'Offered for sale on an online auction platform before export.',
        roles: ['passenger'],
      };
    },
  },
  {
    id: 'ozone-depleting-substances',
    weight: 0.4,
    countries: ['TT', 'JM', 'DO', 'BB', 'GY', 'BZ', 'SR'],
    build: ({ r, country }) => {
      const cylinders = Math.round(r.skewed(20, 400));
      return {
        category: 'HAZARDOUS_WASTE_ODS', type: 'HCFC-22 refrigerant',
        description: `${cylinders} cylinders of HCFC-22 refrigerant (ozone-depleting) over the import quota`,
        quantity: cylinders, unit: 'PIECES', usd: cylinders * r.real(60, 150), conveyance: 'SEA_CONTAINER',
        concealment: 'MISDECLARED: declared as HFC-134a',
        detection: r.weighted<DetectionMethod>([['DOCUMENT_CHECK', 3], ['PHYSICAL_EXAM', 2]]),
        route: route('CN', [r.pick(['PA', 'US', null])], country),
        story: 'The importer holds a quota for another refrigerant only.',
        roles: ['importer'],
        company: true,
      };
    },
  },
];
