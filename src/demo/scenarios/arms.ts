import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import type { DemoRandom } from '../demo-random.js';
import { route, plural, type Conveyance, type Draft, type Scenario } from './scenario.js';

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

/** Small arms, the focus of Operation Caribbean Shield: firearms, their parts, ammunition and other weapons, mostly travelling south from Florida. */
export const ARMS_SCENARIOS: readonly Scenario[] = [
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
];
