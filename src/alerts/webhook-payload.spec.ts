import { SEIZURE_FIELDS } from '../seizures/read/seizure-fields.js';
import type { SeizureEntity } from '../seizures/data/seizure.entity.js';
import { webhookSeizure } from './webhook-payload.js';

const entity = {
  id: '0b3c2b7e-7d4c-4d36-9e55-3f0b0b0b0b0b',
  reference: 'JM-1',
  reportingAgency: 'JM',
  tlp: 'AMBER',
  seizedAt: new Date('2026-10-01T08:00:00Z'),
  country: 'JM',
  commodityCategory: 'FIREARMS',
  commodityType: 'pistol',
  commodityDescription: 'pistols',
  quantityValue: 4,
  quantityUnit: 'ITEMS',
  transportMode: 'SEA',
  detectionMethod: 'NII_XRAY',
  routeOrigin: 'US',
  routeTransit: ['BS'],
  routeDestination: 'JM',
  concealment: 'CONTAINER_STRUCTURE',
  latitude: 17.97,
  longitude: -76.79,
  conveyanceIdentifier: 'MSCU1234567',
  releasableTo: ['KY'],
  releasableToUsers: ['user'],
  hasSensitive: true,
} as unknown as SeizureEntity;

describe('webhookSeizure', () => {
  it('never carries nominal data, even for a reader who may see everything', () => {
    const text = JSON.stringify(webhookSeizure(entity, new Set(SEIZURE_FIELDS)));
    for (const marker of ['MSCU1234567', '17.97', '-76.79', 'KY', 'sensitive', 'releasable', 'latitude', 'identifier']) {
      expect(text).not.toContain(marker);
    }
    expect(JSON.parse(text)).toMatchObject({ reference: 'JM-1', route: { origin: 'US' }, concealment: 'CONTAINER_STRUCTURE' });
  });

  it('leaves out the optional facts the reader may not see', () => {
    const projection = webhookSeizure(entity, new Set(['id', 'reference']));
    expect(projection.route).toBeNull();
    expect(projection.concealment).toBeNull();
    expect(projection.commodity.category).toBe('FIREARMS');
  });
});
