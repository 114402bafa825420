import type { SeizureInput } from '../api/seizure.inputs.js';
import { contentHash, newSeizureColumns, normalisedAgencyCodes, routeCountries, toSection, type SubmissionFacts } from './seizure-mapping.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const USER = '5f0c8a4e-8f1e-4b59-9a57-3f3c2b1f0d11';

function input(overrides: Partial<SeizureInput> = {}): SeizureInput {
  return {
    reference: 'JM-2026-0001',
    tlp: 'GREEN',
    seizedAt: new Date('2026-05-30T08:00:00Z'),
    country: 'JM',
    transportMode: 'SEA',
    commodity: { category: 'DRUGS', type: 'cocaine HCl' },
    quantity: { value: 2500, unit: 'G' },
    detectionMethod: 'NII_XRAY',
    serverBlind: false,
    ...overrides,
  } as SeizureInput;
}

function facts(overrides: Partial<SubmissionFacts> = {}): SubmissionFacts {
  return { owner: 'JM', ownerCommunities: ['CCLEC'], createdBy: USER, contentHash: 'h', valueUsd: null, releasableTo: [], releasableToUsers: [], now: NOW, ...overrides };
}

describe('newSeizureColumns', () => {
  it('maps a minimal report to version 1, SUBMITTED, with empty optional columns', () => {
    const columns = newSeizureColumns(input(), facts());
    expect(columns).toMatchObject({
      reference: 'JM-2026-0001', reportingAgency: 'JM', ownerCommunities: ['CCLEC'], createdBy: USER, status: 'SUBMITTED', tlp: 'GREEN',
      quantityValue: 2500, quantityUnit: 'G', quantityKg: 2.5, locationName: null, routeTransit: [], routeCountries: [], operationId: null,
      operationLinkBasis: null, operationLinkedAt: null, lowGrade: false, hasSensitive: false, signerFingerprint: null, signedContent: null, version: 1,
    });
  });

  it('raises the TLP to what the handling code implies', () => {
    expect(newSeizureColumns(input({ handling: { code: 'H2' } }), facts()).tlp).toBe('AMBER_STRICT');
  });

  it('keeps named users only on RED reports, and always names the submitter there', () => {
    expect(newSeizureColumns(input(), facts({ releasableToUsers: ['u1'] })).releasableToUsers).toEqual([]);
    expect(newSeizureColumns(input({ tlp: 'RED' }), facts({ releasableToUsers: ['u1', USER] })).releasableToUsers).toEqual(['u1', USER]);
    expect(newSeizureColumns(input({ tlp: 'RED' }), facts()).releasableToUsers).toEqual([USER]);
  });

  it('links an operation on submission at the given time', () => {
    const columns = newSeizureColumns(input({ operationId: 'op-1' }), facts());
    expect(columns).toMatchObject({ operationId: 'op-1', operationLinkBasis: 'SUBMITTED', operationLinkedAt: NOW });
  });

  it('keeps the signed text in a column only when there is no sensitive section to hold it', () => {
    const signature = { signerFingerprint: 'F1', detachedSignature: 'SIG', canonical: '{"a":1}', signedAt: NOW };
    expect(newSeizureColumns(input(), facts({ signature }))).toMatchObject({ signerFingerprint: 'F1', signature: 'SIG', signedContent: '{"a":1}', signedAt: NOW });
    const sealedWithSection = newSeizureColumns(input({ sensitive: { narrative: 'x' } }), facts({ signature }));
    expect(sealedWithSection).toMatchObject({ hasSensitive: true, signature: 'SIG', signedContent: null });
  });

  it('flags low grades and copies the evaluation', () => {
    const columns = newSeizureColumns(input({ evaluation: { scheme: 'ADMIRALTY_6X6', source: 'F', information: '1' } }), facts());
    expect(columns).toMatchObject({ evaluationScheme: 'ADMIRALTY_6X6', evaluationSource: 'F', evaluationInformation: '1', lowGrade: true });
  });
});

describe('routeCountries', () => {
  it('lists origin, transit and destination once each', () => {
    expect(routeCountries({ origin: 'CO', transit: ['PA', 'CO'], destination: 'JM' })).toEqual(['CO', 'PA', 'JM']);
    expect(routeCountries(undefined)).toEqual([]);
  });
});

describe('toSection', () => {
  it('fills absent members with null or empty lists', () => {
    expect(toSection({ persons: [{ name: 'A. Person' }] })).toEqual({
      narrative: null, persons: [{ name: 'A. Person', nationality: null, dateOfBirth: null, role: null }], companies: [], identifiers: [],
    });
  });
});

describe('contentHash', () => {
  it('is the same for the same content, whatever the key order', () => {
    const a = input({ releasableTo: ['KY'], route: { origin: 'CO', destination: 'JM' } });
    const b = { ...input(), route: { destination: 'JM', origin: 'CO' }, releasableTo: ['KY'] } as SeizureInput;
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with the facts and with the sensitive section the server reads', () => {
    expect(contentHash(input({ quantity: { value: 2501, unit: 'G' } }))).not.toBe(contentHash(input()));
    expect(contentHash(input({ sensitive: { narrative: 'a' } }))).not.toBe(contentHash(input({ sensitive: { narrative: 'b' } })));
  });

  it('of a server-blind report, depends on the client\'s digest and never on the section', () => {
    const blind = (narrative: string, sensitiveDigest: string) => input({ tlp: 'RED', serverBlind: true, sensitive: { narrative }, sensitiveDigest });
    expect(contentHash(blind('a', 'D1'))).toBe(contentHash(blind('b', 'D1')));
    expect(contentHash(blind('a', 'D1'))).not.toBe(contentHash(blind('a', 'D2')));
  });
});

describe('normalisedAgencyCodes', () => {
  it('trims, upper-cases, removes duplicates and the owner', () => {
    expect(normalisedAgencyCodes([' ky', 'KY', 'jm', 'bb '], 'JM')).toEqual(['KY', 'BB']);
  });
});
