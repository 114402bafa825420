import { activityAccess } from './activity-access.js';

describe('activityAccess', () => {
  const token = 'a-long-metrics-token-0123456789';

  it('is open in development without a token, and not served in production', () => {
    expect(activityAccess({ nodeEnv: 'development', metrics: {} }, undefined)).toBe('granted');
    expect(activityAccess({ nodeEnv: 'production', metrics: {} }, `Bearer ${token}`)).toBe('not-served');
  });

  it('needs the configured token as a bearer token, wherever it runs', () => {
    for (const nodeEnv of ['development', 'production'] as const) {
      const config = { nodeEnv, metrics: { token } };
      expect(activityAccess(config, `Bearer ${token}`)).toBe('granted');
      expect(activityAccess(config, `bearer ${token}`)).toBe('granted');
      expect(activityAccess(config, undefined)).toBe('no-token');
      expect(activityAccess(config, `Bearer ${token}x`)).toBe('no-token');
      expect(activityAccess(config, token)).toBe('no-token');
    }
  });
});
