import { BadUserInputError } from '../../errors/domain-error.js';
import type { SeizureInput } from '../api/seizure.inputs.js';
import {
  InputProblems, checkEvaluation, checkSensitive, checkTlpDistribution, effectiveTlp, isCountryCode, isCurrencyCode, isLowGrade, isUnlocode,
  kgEquivalent, validateSeizureInput,
} from './seizure-validation.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function input(overrides: Partial<SeizureInput> = {}): SeizureInput {
  return {
    reference: 'JM-2026-0001',
    tlp: 'AMBER',
    seizedAt: new Date('2026-05-30T08:00:00Z'),
    country: 'JM',
    transportMode: 'SEA',
    commodity: { category: 'DRUGS', type: 'cocaine HCl' },
    quantity: { value: 12.5, unit: 'KG' },
    detectionMethod: 'NII_XRAY',
    serverBlind: false,
    ...overrides,
  } as SeizureInput;
}

/** The BAD_USER_INPUT a call throws, or null. */
function problemOf(call: () => void): BadUserInputError | null {
  try {
    call();
    return null;
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
}

describe('validateSeizureInput', () => {
  it('accepts a complete, valid report', () => {
    expect(problemOf(() => validateSeizureInput(input({
      location: { name: 'Port of Kingston', unlocode: 'JMKIN', latitude: 17.97, longitude: -76.79 },
      estimatedValue: { amount: 1000, currency: 'USD' },
      route: { origin: 'CO', transit: ['PA'], destination: 'JM' },
      evaluation: { scheme: 'ADMIRALTY_6X6', source: 'B', information: '2' },
      handling: { code: 'H3', conditions: 'No onward sharing' },
      sensitive: { narrative: 'Driver detained', persons: [{ name: 'A. Person', nationality: 'JM', dateOfBirth: '1980-01-02' }] },
    }), NOW))).toBeNull();
  });

  it('names every bad field at once, in one BAD_USER_INPUT', () => {
    const error = problemOf(() => validateSeizureInput(input({
      reference: ' bad ref ',
      country: 'XX',
      quantity: { value: -1, unit: 'BARRELS' },
      estimatedValue: { amount: 5, currency: 'ABC' },
    }), NOW));
    expect(error?.code).toBe('BAD_USER_INPUT');
    expect(error?.details.fields).toEqual(['reference', 'country', 'quantity.unit', 'quantity.value', 'estimatedValue.currency']);
    expect(error?.message).toMatch(/^Invalid input - reference: /);
  });

  it.each([
    ['in the future', new Date('2026-06-01T12:06:00Z'), 'is in the future'],
    ['before 1990', new Date('1989-12-31T23:00:00Z'), 'is before 1990'],
    ['not a date', new Date(Number.NaN), 'is not a valid date-time'],
  ])('refuses a seizure date %s', (_what, seizedAt, message) => {
    expect(problemOf(() => validateSeizureInput(input({ seizedAt }), NOW))?.message).toContain(`seizedAt: ${message}`);
  });

  it('allows a clock five minutes ahead', () => {
    expect(problemOf(() => validateSeizureInput(input({ seizedAt: new Date('2026-06-01T12:04:59Z') }), NOW))).toBeNull();
  });

  it('wants latitude and longitude together, and in range', () => {
    expect(problemOf(() => validateSeizureInput(input({ location: { name: 'Sea', latitude: 10 } }), NOW))?.details.fields).toEqual(['location']);
    expect(problemOf(() => validateSeizureInput(input({ location: { name: 'Sea', latitude: 91, longitude: 181 } }), NOW))?.details.fields)
      .toEqual(['location.latitude', 'location.longitude']);
  });

  it('refuses control characters and surrounding spaces in text', () => {
    expect(problemOf(() => validateSeizureInput(input({ concealment: 'false\u0007floor' }), NOW))?.message).toContain('concealment: contains control characters');
    expect(problemOf(() => validateSeizureInput(input({ concealment: ' padded' }), NOW))?.details.fields).toEqual(['concealment']);
  });

  it('bounds the route and the releases', () => {
    const transit = Array.from({ length: 21 }, () => 'PA');
    expect(problemOf(() => validateSeizureInput(input({ route: { transit } }), NOW))?.details.fields).toEqual(['route.transit']);
    expect(problemOf(() => validateSeizureInput(input({ route: { transit: ['PA', 'ZZ'] } }), NOW))?.details.fields).toEqual(['route.transit.1']);
    const releasableTo = Array.from({ length: 101 }, (_, i) => `A${i}`);
    expect(problemOf(() => validateSeizureInput(input({ releasableTo }), NOW))?.details.fields).toEqual(['releasableTo']);
  });

  it('wants a sensitive section and a keyed digest for a server-blind report, which must be RED', () => {
    const fields = problemOf(() => validateSeizureInput(input({ serverBlind: true }), NOW))?.details.fields;
    expect(fields).toEqual(['serverBlind', 'sensitiveDigest']);
    const blind = input({ tlp: 'RED', serverBlind: true, sensitive: { narrative: 'x' }, sensitiveDigest: 'a'.repeat(64) });
    expect(problemOf(() => validateSeizureInput(blind, NOW))).toBeNull();
    expect(problemOf(() => validateSeizureInput({ ...blind, sensitiveDigest: 'short' }, NOW))?.details.fields).toEqual(['sensitiveDigest']);
  });

  it('refuses a digest on a report the server reads', () => {
    expect(problemOf(() => validateSeizureInput(input({ sensitiveDigest: 'a'.repeat(64) }), NOW))?.message).toContain('sensitiveDigest: is only for server-blind reports');
  });
});

describe('the checks validateSeizureInput is made of', () => {
  it('checkEvaluation knows each scheme\'s grades', () => {
    const problems = new InputProblems();
    checkEvaluation(problems, 'evaluation', { scheme: 'EUROPOL_4X4', source: 'E', information: '5' });
    expect(() => problems.throwIfAny()).toThrow('evaluation.source: must be one of A, B, C, X for EUROPOL_4X4; evaluation.information: must be one of 1, 2, 3, 4 for EUROPOL_4X4');
  });

  it('checkSensitive bounds persons and lists and checks each entry', () => {
    const problems = new InputProblems();
    checkSensitive(problems, { persons: [{ name: '', nationality: 'QQ', dateOfBirth: '02/01/1980' }], companies: Array.from({ length: 201 }, () => 'Acme') });
    expect(problemOf(() => problems.throwIfAny())?.details.fields).toEqual([
      'sensitive.persons.0.name', 'sensitive.persons.0.nationality', 'sensitive.persons.0.dateOfBirth', 'sensitive.companies',
    ]);
  });

  it('checkTlpDistribution keeps named users to RED reports and wants user ids', () => {
    const problems = new InputProblems();
    checkTlpDistribution(problems, 'AMBER', ['not-a-uuid'], false);
    expect(problemOf(() => problems.throwIfAny())?.details.fields).toEqual(['releasableToUsers', 'releasableToUsers.0']);
    const fine = new InputProblems();
    checkTlpDistribution(fine, 'RED', ['5f0c8a4e-8f1e-4b59-9a57-3f3c2b1f0d11'], true);
    expect(() => fine.throwIfAny()).not.toThrow();
  });

  it('InputProblems throws nothing when empty and names each field once', () => {
    expect(() => new InputProblems().throwIfAny()).not.toThrow();
    const problems = new InputProblems();
    problems.add('a', 'one');
    problems.add('a', 'two');
    expect(problemOf(() => problems.throwIfAny())?.details.fields).toEqual(['a']);
  });
});

describe('grades, handling codes and units', () => {
  it('isLowGrade flags the low grades of each scheme', () => {
    expect(isLowGrade({ scheme: 'ADMIRALTY_6X6', source: 'E', information: '1' })).toBe(true);
    expect(isLowGrade({ scheme: 'ADMIRALTY_6X6', source: 'A', information: '6' })).toBe(true);
    expect(isLowGrade({ scheme: 'ADMIRALTY_6X6', source: 'B', information: '2' })).toBe(false);
    expect(isLowGrade({ scheme: 'UK_3X5X2', source: '3', information: 'A' })).toBe(true);
    expect(isLowGrade(null)).toBe(false);
  });

  it('effectiveTlp takes the stricter of the declared TLP and the handling code', () => {
    expect(effectiveTlp('GREEN', 'H2')).toBe('AMBER_STRICT');
    expect(effectiveTlp('RED', 'H0')).toBe('RED');
    expect(effectiveTlp('AMBER', '5')).toBe('RED');
    expect(effectiveTlp('CLEAR', null)).toBe('CLEAR');
  });

  it('kgEquivalent converts mass and volume, and nothing else', () => {
    expect(kgEquivalent(2500, 'G')).toBe(2.5);
    expect(kgEquivalent(2, 'M3')).toBe(2000);
    expect(kgEquivalent(10, 'PIECES')).toBeNull();
  });

  it('recognises country, currency and UN/LOCODE codes', () => {
    expect([isCountryCode('JM'), isCountryCode('jm'), isCountryCode('XX'), isCountryCode(1)]).toEqual([true, false, false, false]);
    expect([isCurrencyCode('JMD'), isCurrencyCode('ABC'), isCurrencyCode('usd')]).toEqual([true, false, false]);
    expect([isUnlocode('JMKIN'), isUnlocode('USMI1'), isUnlocode('XXKIN')]).toEqual([true, false, false]);
  });
});
