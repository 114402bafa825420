import { stopperOf } from './alert-stopper.js';

describe('stopperOf', () => {
  const alert = { userId: 'owner', agencyCode: 'KY' };

  it('names the owner when the owner stops their own alert, whatever their roles or agency now', () => {
    expect(stopperOf({ userId: 'owner', agencyCode: 'KY' }, alert)).toBe('OWNER');
    expect(stopperOf({ userId: 'owner', agencyCode: 'JM' }, alert)).toBe('OWNER');
  });

  it('names an administrator of the agency the alert was made in', () => {
    expect(stopperOf({ userId: 'admin', agencyCode: 'KY' }, alert)).toBe('AGENCY_ADMINISTRATOR');
  });

  it('names a platform administrator when the stop came from outside that agency', () => {
    expect(stopperOf({ userId: 'admin', agencyCode: 'WCO' }, alert)).toBe('PLATFORM_ADMINISTRATOR');
  });
});
