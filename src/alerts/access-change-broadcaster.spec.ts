import type { JsonLogger } from '../observability/json-logger.js';
import { AccessChangeBroadcaster } from './access-change-broadcaster.js';
import type { SeizureEventBus } from './seizure-event-bus.js';

describe('AccessChangeBroadcaster', () => {
  const lines: { message: string; details: Record<string, unknown> }[] = [];
  const logger = { event: (_level: string, message: string, details: Record<string, unknown>) => void lines.push({ message, details }) } as unknown as JsonLogger;
  const failing = { publishAccessChange: () => Promise.reject(new Error('bus down')) } as unknown as SeizureEventBus;

  it('never fails the committed change when it cannot be published; the log line names the request that made it', async () => {
    await expect(new AccessChangeBroadcaster(failing, logger).publish({ users: ['u-1'], reason: 'api key revoked', requestId: 'req-9' })).resolves.toBeUndefined();
    expect(lines.at(-1)).toEqual({ message: 'access change not published', details: { reason: 'api key revoked', requestId: 'req-9', error: 'bus down' } });
  });

  it('writes no request id for a change no request made (the command line)', async () => {
    await new AccessChangeBroadcaster(failing, logger).publish({ users: ['u-1'], reason: 'user status changed' });
    expect(lines.at(-1)!.details).toEqual({ reason: 'user status changed', error: 'bus down' });
  });
});
