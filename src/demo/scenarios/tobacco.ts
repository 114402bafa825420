import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { TERRITORIES } from '../demo-places.js';
import { route, plural, type Conveyance, type Scenario } from './scenario.js';

/** Tobacco: illicit whites by the container, and cigarettes over the allowance. */
export const TOBACCO_SCENARIOS: readonly Scenario[] = [
  {
    id: 'illicit-whites',
    weight: 5,
    countries: ['TT', 'GY', 'JM', 'DO', 'SR', 'PA', 'CW', 'AW', 'BZ', 'BB', 'KN', 'LC', 'GB', 'HT', 'BS', 'CO', 'MX', 'GT', 'HN', 'CR'],
    build: ({ r, country }) => {
      const cases = Math.round(r.skewed(20, 960));
      const sticks = cases * 10_000;
      const brand = r.pick(['Blue Harbour', 'Island Gold', 'Coral Ridge', 'Royal Palm', 'Silver Coast', 'Trade Wind']);
      const origin = r.weighted<string>([['AE', 3], ['PY', 2], ['PA', 2], ['CN', 1], ['VN', 1]].filter(([c]) => c !== country) as [string, number][]);
      return {
        category: 'TOBACCO', type: 'cigarettes (illicit whites)',
        description: `${plural(cases, 'master case')} (${sticks.toLocaleString('en-US')} sticks) of "${brand}" cigarettes (fictional brand), an illicit-white brand not registered in ${TERRITORIES[country].name}`,
        quantity: sticks, unit: 'STICKS', usd: sticks * r.real(0.08, 0.2), conveyance: 'SEA_CONTAINER',
        concealment: r.pick(['MISDECLARED: manifested as "paper products"', 'MISDECLARED: manifested as "plastic household goods"', 'IN_GOODS: behind a cover load of furniture', 'MISDECLARED: manifested as "polyester yarn"']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 4], ['DOCUMENT_CHECK', 3], ['NII_XRAY', 3], ['INTELLIGENCE', 2]]),
        route: route(origin, [r.pick(['PA', 'AW', 'CW', null])], country === 'PA' ? r.pick(['TT', 'GY', 'JM', 'DO', 'SR']) : country),
        story: 'Shipped from a free zone under a consignee that does not hold a tobacco import licence.',
        roles: ['customs broker'],
        company: true,
      };
    },
  },
  {
    id: 'tobacco-small',
    weight: 1,
    countries: ['SX', 'AI', 'KN', 'AG', 'DM', 'BB', 'GP', 'MQ', 'BQ', 'GB', 'FR'],
    build: ({ r, country }) => {
      const sticks = Math.round(r.skewed(2000, 60000) / 200) * 200;
      const europe = country === 'GB' || country === 'FR';
      return {
        category: 'TOBACCO', type: 'cigarettes', description: `${sticks.toLocaleString('en-US')} cigarettes over the duty-free allowance`,
        quantity: sticks, unit: 'STICKS', usd: sticks * r.real(0.1, europe ? 0.6 : 0.3), conveyance: r.pick<Conveyance>(europe ? ['AIR_PASSENGER'] : ['PLEASURE_CRAFT', 'AIR_PASSENGER']),
        concealment: r.pick(['BAGGAGE: cartons in checked suitcases', 'NONE_OPEN: undeclared cartons']),
        detection: r.weighted<DetectionMethod>([['ROUTINE_CONTROL', 3], ['RANDOM', 2], ['NII_XRAY', 1]]),
        route: route(europe ? r.pick(['DO', 'SX', 'CW']) : 'SX', [], country === 'SX' ? 'AI' : country),
        story: 'Bought duty-free and intended for resale.',
        roles: ['passenger'],
      };
    },
  },
];
