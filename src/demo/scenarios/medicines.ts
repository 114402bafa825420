import type { DetectionMethod } from '../../seizures/seizure.enums.js';
import { route, type Conveyance, type Scenario } from './scenario.js';

/** Falsified and unauthorised medicines. */
export const MEDICINES_SCENARIOS: readonly Scenario[] = [
  {
    id: 'medicines',
    weight: 2,
    countries: ['JM', 'TT', 'BB', 'GY', 'DO', 'HT', 'BS', 'LC', 'KY', 'SR', 'GB', 'CA', 'PA', 'NL', 'GF'],
    build: ({ r, country }) => {
      const pens = r.chance(0.25);
      const quantity = pens ? Math.round(r.skewed(20, 600)) : Math.round(r.skewed(500, 200000));
      const type = pens ? 'falsified GLP-1 "weight-loss" pens' : r.pick(['tramadol 225 mg tablets', 'unregistered sildenafil tablets', 'falsified antibiotics (amoxicillin)', 'falsified antimalarials', 'unregistered benzodiazepines']);
      const conveyance = r.pick<Conveyance>(['POSTAL', 'EXPRESS_COURIER', 'AIR_PASSENGER', 'SEA_CONTAINER']);
      return {
        category: 'MEDICINES', type,
        description: `${quantity.toLocaleString('en-US')} ${pens ? 'doses of' : ''} ${type}${pens ? '' : ', no marketing authorisation'}`.replace('  ', ' '),
        quantity, unit: pens ? 'DOSES' : 'TABLETS', usd: quantity * (pens ? r.real(30, 90) : r.real(0.2, 1.5)), conveyance,
        concealment: r.pick(['MISDECLARED: declared as "food supplements"', 'MAIL_PARCEL: blister packs without outer packaging', 'BAGGAGE: loose in checked baggage']),
        detection: r.weighted<DetectionMethod>([['RISK_PROFILE', 3], ['DOCUMENT_CHECK', 2], ['NII_XRAY', 2], ['PARTNER_REFERRAL', 1]]),
        route: route(r.pick(['IN', 'IN', 'CN', 'US']), [r.chance(0.3) ? 'US' : null], country),
        story: 'Sold through social-media pages; the health regulator was informed.',
        roles: ['addressee'],
      };
    },
  },
];
