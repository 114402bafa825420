import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { route, type Conveyance, type Scenario } from './scenario.js';

/** Smuggled fuel. */
export const FUEL_SCENARIOS: readonly Scenario[] = [
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
];
