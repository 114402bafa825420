import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { PER_USD, TERRITORIES } from '../demo-places.js';
import { EUROPE, route, type Conveyance, type Scenario } from './scenario.js';

/** Currency: undeclared cash, bearer instruments and counterfeit notes. */
export const CURRENCY_SCENARIOS: readonly Scenario[] = [
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
];
