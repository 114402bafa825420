import type { SeizureEntity } from '../data/seizure.entity.js';
import { SEIZURE_DISCLOSABLE_FIELDS, SEIZURE_IDENTITY_FIELDS } from './seizure-fields.js';
import { SeizureView } from './seizure-view.js';

/** A page row read for `id reference tlp location { name }` only: every other column is undefined. */
function partialRow(): SeizureEntity {
  return {
    id: '5c1f0b9e-9d0e-4a43-9d1b-0d6f4a1f2a11', seizedAt: new Date('2026-03-01T09:30:00Z'), reportingAgency: 'JM', status: 'SUBMITTED', tlp: 'GREEN',
    reference: 'JM-1', locationName: 'Kingston', locationUnlocode: 'JMKIN', latitude: 17.97, longitude: -76.79,
  } as unknown as SeizureEntity;
}

describe('SeizureView', () => {
  const everything = new Set<string>([...SEIZURE_IDENTITY_FIELDS, ...SEIZURE_DISCLOSABLE_FIELDS]);

  it('shows what is permitted and names nothing as redacted', () => {
    const view = new SeizureView(partialRow(), everything);
    expect(view.location).toEqual({ name: 'Kingston', unlocode: 'JMKIN', latitude: 17.97, longitude: -76.79 });
    expect(view.redactedFields).toEqual([]);
    expect(view.reportingAgencyCode).toBe('JM');
  });

  it('withholds nested fields one by one, and names them only while their parent is shown', () => {
    const permitted = new Set([...everything].filter((field) => field !== 'location.latitude' && field !== 'location.longitude' && field !== 'concealment'));
    const view = new SeizureView(partialRow(), permitted);
    expect(view.location).toEqual({ name: 'Kingston', unlocode: 'JMKIN', latitude: null, longitude: null });
    expect(view.concealment).toBeNull();
    expect(view.redactedFields).toEqual(['location.latitude', 'location.longitude', 'concealment']);

    const noLocation = new Set([...permitted].filter((field) => field !== 'location'));
    const hidden = new SeizureView(partialRow(), noLocation);
    expect(hidden.location).toBeNull();
    expect(hidden.redactedFields).toEqual(['location', 'concealment']);
  });

  it('decides the fetched fields: nothing of the distribution, sensitive section or signature without permission', () => {
    const row = { ...partialRow(), releasableTo: ['KY'], releasableToUsers: ['u'], hasSensitive: true, serverBlind: false, signerFingerprint: 'ab' } as SeizureEntity;
    const none = new SeizureView(row, new Set(SEIZURE_IDENTITY_FIELDS));
    expect([none.releasableToCodes, none.releasableToUsers, none.mayOpenSensitive, none.maySealSensitive, none.maySeeSignature, none.maySeeHistory])
      .toEqual([[], [], false, false, false, false]);
    const all = new SeizureView(row, everything);
    expect([all.releasableToCodes, all.releasableToUsers, all.mayOpenSensitive, all.maySealSensitive, all.maySeeSignature, all.maySeeHistory])
      .toEqual([['KY'], ['u'], true, true, true, true]);
    expect(new SeizureView({ ...row, serverBlind: true } as SeizureEntity, everything).mayOpenSensitive).toBe(false);
  });

  it('builds a field from columns that were not read without throwing, and only when read', () => {
    const view = new SeizureView(partialRow(), everything);
    expect(() => [view.route, view.conveyance, view.evaluation, view.handling, view.estimatedValue, view.commodity, view.quantity]).not.toThrow();
  });

  it('shares one frozen redaction list per permitted set', () => {
    const permitted = new Set(SEIZURE_IDENTITY_FIELDS);
    const a = new SeizureView(partialRow(), permitted);
    const b = new SeizureView(partialRow(), permitted);
    expect(a.redactedFields).toBe(b.redactedFields);
    expect(Object.isFrozen(a.redactedFields)).toBe(true);
  });
});
