import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { kg, route, type Scenario } from './scenario.js';

/** Drug precursor chemicals. */
export const PRECURSORS_SCENARIOS: readonly Scenario[] = [
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
];
