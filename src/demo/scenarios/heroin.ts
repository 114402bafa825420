import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { kg, route, plural, type Scenario } from './scenario.js';

/** Heroin. */
export const HEROIN_SCENARIOS: readonly Scenario[] = [
  {
    id: 'heroin',
    weight: 0.6,
    countries: ['DO', 'CO', 'PA', 'PR', 'US'],
    build: ({ r, country }) => {
      const weight = kg(r.skewed(1, 25));
      return {
        category: 'DRUGS', type: 'heroin', description: `${weight} kg of heroin in ${plural(Math.max(1, Math.round(weight)), 'package')}`,
        quantity: weight, unit: 'KG', usd: weight * r.real(25000, 60000), conveyance: 'AIR_PASSENGER',
        concealment: r.pick(['BAGGAGE: false bottom in a suitcase', 'INTERNAL_BODY: swallowed pellets']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 2], ['BEHAVIOURAL', 2], ['NII_XRAY', 1]]),
        route: route(country === 'CO' ? 'CO' : r.pick(['CO', 'MX']), [country], country === 'US' ? null : 'US'),
        story: 'The courier was recruited through social media, according to the first interview.',
        roles: ['courier'],
      };
    },
  },
];
