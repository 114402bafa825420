import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import type { DemoRandom } from '../demo-random.js';
import { EUROPE, kg, route, plural, type Conveyance, type Scenario } from './scenario.js';

const CENTRAL_AMERICA = new Set(['PA', 'CR', 'HN', 'GT', 'BZ', 'MX', 'NI']);

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

/** Cocaine: by sea, in containers, carried by air passengers, pleasure craft, light aircraft and parcels. */
export const COCAINE_SCENARIOS: readonly Scenario[] = [
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
];
