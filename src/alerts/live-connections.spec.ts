import { jest } from '@jest/globals';
import type { Principal } from '../access/principal.js';
import type { JsonLogger } from '../observability/json-logger.js';
import { ACCESS_WITHDRAWN, LiveConnections } from './live-connections.service.js';
import type { SeizureEventBus } from './seizure-event-bus.js';

describe('LiveConnections', () => {
  const bus = { subscribeAccessChanges: () => Promise.resolve(() => undefined) } as unknown as SeizureEventBus;
  const logger = { event: () => undefined } as unknown as JsonLogger;
  const principal = (credentialsExpireAt: Date): Principal => ({
    userId: 'u', email: 'u@x.test', agencyCode: 'RILO-WE', agencyKind: 'RILO', country: null, region: null, communities: [], roles: ['PARTNER'], authMethod: 'api-key', credentialsExpireAt,
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it.each([['an hour', 3_600_000], ['a year (beyond what one timer holds)', 365 * 86_400_000]])('closes a connection when its credentials expire in %s, not before', async (_what, lifetime) => {
    jest.useFakeTimers({ now: new Date('2026-12-07T12:00:00Z') });
    const closed: [number, string][] = [];
    const socket = { close: (code: number, reason: string) => void closed.push([code, reason]), once: () => undefined };
    const connections = new LiveConnections(bus, logger);
    await connections.track(socket, principal(new Date(Date.now() + lifetime)));
    jest.advanceTimersByTime(lifetime - 1000);
    expect(closed).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(closed).toEqual([[ACCESS_WITHDRAWN, 'Credentials expired']]);
    expect(connections.count).toBe(0);
  });
});
