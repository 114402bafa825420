import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { kg, route, plural, type Conveyance, type Scenario } from './scenario.js';

/** Synthetic drugs: methamphetamine and MDMA. */
export const SYNTHETIC_DRUGS_SCENARIOS: readonly Scenario[] = [
  {
    id: 'synthetic-drugs',
    weight: 2,
    countries: ['JM', 'TT', 'BB', 'CW', 'AW', 'SX', 'DO', 'BS', 'KY', 'MX', 'US', 'GT', 'BZ', 'NL', 'CA'],
    build: ({ r, country }) => {
      if (['MX', 'US', 'GT', 'BZ'].includes(country)) {
        const weight = kg(r.skewed(1, 200));
        const conveyance = r.pick<Conveyance>(country === 'US' || country === 'MX' ? ['TRUCK', 'VEHICLE', 'SEA_CONTAINER'] : ['SEA_CONTAINER', 'VEHICLE']);
        return {
          category: 'DRUGS', type: 'methamphetamine', description: `${weight} kg of crystal methamphetamine`,
          quantity: weight, unit: 'KG', usd: weight * r.real(2000, 9000), conveyance,
          concealment: conveyance === 'SEA_CONTAINER' ? 'MISDECLARED: manifested as "industrial chemicals"' : 'VEHICLE_STRUCTURE: fuel tank compartment',
          detection: r.weighted<DetectionMethod>([['NII_XRAY', 3], ['DETECTOR_DOG', 2], ['RISK_PROFILE', 2]]),
          route: country === 'US' ? route('MX', [], 'US') : route('MX', [country === 'MX' ? null : country], 'US'),
          story: 'The driver said he had been paid to move the vehicle across the border.',
          roles: ['driver'],
        };
      }
      const tablets = Math.round(r.skewed(200, 20000));
      const conveyance = r.pick<Conveyance>(['POSTAL', 'EXPRESS_COURIER', 'AIR_PASSENGER']);
      return {
        category: 'DRUGS', type: 'MDMA (ecstasy tablets)', description: `${plural(tablets, 'MDMA tablet')} with a logo press`,
        quantity: tablets, unit: 'TABLETS', usd: tablets * r.real(8, 25), conveyance,
        concealment: conveyance === 'AIR_PASSENGER' ? 'BAGGAGE: inside vitamin tubs' : r.pick(['MAIL_PARCEL: in a greeting-card envelope', 'IN_GOODS: inside vitamin tubs']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 3], ['NII_XRAY', 2], ['DETECTOR_DOG', 2]]),
        route: route(country === 'NL' ? 'NL' : r.pick(['NL', 'NL', 'BE']), [], country === 'NL' ? r.pick(['CW', 'AW', 'SX', 'SR']) : country),
        story: 'Ordered on a dark-web market and paid in cryptocurrency.',
        roles: ['addressee'],
      };
    },
  },
];
