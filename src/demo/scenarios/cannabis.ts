import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { kg, route, plural, type Conveyance, type Scenario } from './scenario.js';

/** Cannabis: by boat, in parcels, carried by air and cruise passengers. */
export const CANNABIS_SCENARIOS: readonly Scenario[] = [
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
];
