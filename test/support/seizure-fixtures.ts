import type { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import type { TestPlatform } from './test-platform.js';

/**
 * The columns of a seizures row that the property tests insert directly and never vary: no exact
 * location, conveyance, evaluation, handling code, sensitive section or signature. Spread it first,
 * then the columns the test is about.
 */
export const NEUTRAL_SEIZURE_COLUMNS = {
  locationUnlocode: null,
  latitude: null,
  longitude: null,
  commodityDescription: null,
  operationLinkedAt: null,
  operationLinkRequestId: null,
  conveyanceType: null,
  conveyanceIdentifier: null,
  evaluationScheme: null,
  evaluationSource: null,
  evaluationInformation: null,
  handlingCode: null,
  handlingConditions: null,
  hasSensitive: false,
  serverBlind: false,
  contentHash: '0'.repeat(64),
  signerFingerprint: null,
  signature: null,
  signedContent: null,
  signedAt: null,
} satisfies Partial<SeizureEntity>;

let counter = 0;

/** A valid SeizureInput with realistic values; override what a test is about. */
export function seizureInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    reference: `T-${Date.now().toString(36)}-${counter}`,
    tlp: 'GREEN',
    seizedAt: new Date(Date.UTC(2026, 9, 1 + (counter % 28), 8, counter % 60)).toISOString(),
    country: 'JM',
    location: { name: 'Port of Kingston', unlocode: 'JMKIN', latitude: 17.97, longitude: -76.79 },
    transportMode: 'SEA',
    commodity: { category: 'FIREARMS', type: 'pistol', description: 'Glock 19 pistols in a refrigeration unit' },
    quantity: { value: 4, unit: 'ITEMS' },
    estimatedValue: { amount: 10000, currency: 'USD' },
    concealment: 'CONTAINER_STRUCTURE',
    detectionMethod: 'NII_XRAY',
    route: { origin: 'US', transit: ['BS'], destination: 'JM' },
    conveyance: { type: 'SEA_CONTAINER', identifier: 'MSCU1234567' },
    evaluation: { scheme: 'ADMIRALTY_6X6', source: 'A', information: '1' },
    sensitive: { narrative: 'Consignee known to the unit', persons: [{ name: 'A. Person', nationality: 'JM', role: 'consignee' }], companies: ['Acme Freight Ltd'], identifiers: ['passport X123'] },
    ...overrides,
  };
}

export const SUBMIT = `mutation Submit($input: SeizureInput!) {
  submitSeizure(input: $input) { id reference tlp version status redactedFields }
}`;

export async function submitSeizure(platform: TestPlatform, key: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; reference: string; tlp: string; version: number }> {
  const response = await platform.gql<{ submitSeizure: { id: string; reference: string; tlp: string; version: number } }>(key, SUBMIT, { input: seizureInput(overrides) });
  if (response.errors) throw new Error(`submitSeizure failed: ${JSON.stringify(response.errors)}`);
  return response.data!.submitSeizure;
}
