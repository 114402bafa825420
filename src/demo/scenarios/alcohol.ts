import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { route, type Conveyance, type Scenario } from './scenario.js';

/** Smuggled alcohol. */
export const ALCOHOL_SCENARIOS: readonly Scenario[] = [
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
];
