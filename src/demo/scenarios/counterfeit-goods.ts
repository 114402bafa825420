import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { route, type Conveyance, type Scenario } from './scenario.js';

/** Counterfeit goods (intellectual property rights). */
export const COUNTERFEIT_GOODS_SCENARIOS: readonly Scenario[] = [
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
];
