import type { DetectionMethod, Unit } from '../../seizures/seizure.enums.js';
import { kg, route, type Conveyance, type Scenario } from './scenario.js';

/** Wildlife protected by CITES. */
export const WILDLIFE_SCENARIOS: readonly Scenario[] = [
  {
    id: 'wildlife',
    weight: 3,
    countries: ['JM', 'BS', 'HN', 'DO', 'TC', 'BZ', 'PR', 'HT', 'TT', 'GY', 'SR', 'BB', 'MQ', 'GP', 'GF', 'CW', 'AW', 'BQ', 'PA', 'CR', 'MX', 'GT', 'CO', 'KY', 'NL', 'GB', 'US'],
    build: ({ r, country }) => {
      type Wildlife = { type: string; unit: Unit; min: number; max: number; price: number; countries: string[]; conveyance: Conveyance[]; concealment: string; origin: string[]; destination: string[] };
      const options: Wildlife[] = [
        { type: 'queen conch meat (Aliger gigas, CITES App. II)', unit: 'KG', min: 50, max: 3000, price: 20, countries: ['JM', 'BS', 'HN', 'DO', 'TC', 'BZ', 'HT', 'CO', 'US'], conveyance: ['FISHING_VESSEL', 'SEA_CONTAINER'], concealment: 'MISDECLARED: declared as "fish fillets"', origin: ['JM', 'BS', 'HN', 'DO', 'TC', 'BZ', 'HT', 'CO', 'NI'], destination: ['US'] },
        { type: 'live parrots (Amazona spp., CITES App. I/II)', unit: 'PIECES', min: 3, max: 40, price: 1500, countries: ['TT', 'GY', 'SR', 'BB', 'MQ', 'GP', 'GF', 'CW', 'AW', 'BQ'], conveyance: ['FISHING_VESSEL', 'PLEASURE_CRAFT'], concealment: 'IN_GOODS: sedated birds in plastic bottles', origin: ['VE', 'GY', 'SR'], destination: ['TT', 'BB', 'MQ', 'GP', 'CW', 'AW', 'BQ', 'US'] },
        { type: 'hawksbill turtle shell items (Eretmochelys imbricata, CITES App. I)', unit: 'PIECES', min: 5, max: 200, price: 60, countries: ['DO', 'HT', 'CW', 'AW', 'BQ', 'PA', 'GB', 'NL', 'US'], conveyance: ['AIR_PASSENGER', 'CRUISE_PASSENGER', 'POSTAL'], concealment: 'BAGGAGE: souvenir jewellery in checked baggage', origin: ['DO', 'HT', 'CU', 'PA'], destination: ['NL', 'GB', 'US', 'FR'] },
        { type: 'black coral (Antipatharia, CITES App. II)', unit: 'PIECES', min: 10, max: 500, price: 40, countries: ['HT', 'DO', 'CW', 'BQ', 'PR', 'JM', 'KY', 'US'], conveyance: ['AIR_PASSENGER', 'EXPRESS_COURIER'], concealment: 'MISDECLARED: declared as "costume jewellery"', origin: ['HT', 'DO', 'JM'], destination: ['US', 'NL', 'FR'] },
        { type: 'shark fins (Sphyrna lewini, CITES App. II)', unit: 'KG', min: 20, max: 800, price: 200, countries: ['PA', 'CR', 'MX', 'GT', 'CO', 'TT', 'GY', 'SR'], conveyance: ['SEA_CONTAINER', 'AIR_CARGO'], concealment: 'MISDECLARED: manifested as "dried fish"', origin: ['PA', 'CR', 'MX', 'GT', 'CO', 'TT', 'GY', 'SR'], destination: ['HK', 'CN'] },
        { type: 'live rock iguanas (Cyclura spp., CITES App. I)', unit: 'PIECES', min: 2, max: 12, price: 5000, countries: ['BS', 'TC', 'DO', 'KY', 'US'], conveyance: ['AIR_PASSENGER'], concealment: 'BAGGAGE: animals in socks inside a suitcase', origin: ['BS', 'TC', 'DO'], destination: ['US', 'DE', 'NL'] },
      ];
      const w = r.pick(options.filter((o) => o.countries.includes(country)));
      const quantity = w.unit === 'KG' ? kg(r.skewed(w.min, w.max)) : Math.round(r.skewed(w.min, w.max));
      const origin = w.origin.includes(country) ? country : r.pick(w.origin);
      const destination = w.destination.includes(country) ? country : r.pick(w.destination.filter((c) => c !== origin));
      return {
        category: 'CITES_WILDLIFE', type: w.type.split(' (')[0],
        description: `${w.unit === 'KG' ? `${quantity} kg` : quantity} ${w.type}, without CITES permits`,
        quantity, unit: w.unit, usd: quantity * w.price * r.real(0.6, 1.4), conveyance: r.pick(w.conveyance), concealment: w.concealment,
        detection: r.weighted<DetectionMethod>([['DOCUMENT_CHECK', 3], ['RISK_PROFILE', 2], ['NII_XRAY', 2], ['INTELLIGENCE', 1], ['PHYSICAL_EXAM', 1]]),
        route: route(origin, [country], destination),
        story: 'The exporter named on the documents holds no CITES permit; the specimens were handed to the wildlife authority.',
        roles: ['exporter'],
        company: r.chance(0.4),
      };
    },
  },
];
