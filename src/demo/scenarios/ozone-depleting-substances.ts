import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { route, type Scenario } from './scenario.js';

/** Ozone-depleting substances. */
export const OZONE_DEPLETING_SUBSTANCES_SCENARIOS: readonly Scenario[] = [
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
