import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { route, type Conveyance, type Scenario } from './scenario.js';

/** Cultural objects. */
export const CULTURAL_OBJECTS_SCENARIOS: readonly Scenario[] = [
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
];
