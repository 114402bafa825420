import type { JobsService } from '../jobs/jobs.service.js';
import type { JsonLogger } from '../observability/json-logger.js';
import { AlertTrigger } from './alert-trigger.js';
import type { SeizureEventBus } from './seizure-event-bus.js';

describe('AlertTrigger after a commit', () => {
  const event = { seizureId: 's-1', changeSeq: '42', version: 2, change: 'RETRACTED', requestId: 'req-7' };
  const logged: string[] = [];
  const fields: Record<string, unknown>[] = [];
  const logger = { event: (_level: string, message: string, details: Record<string, unknown>) => (logged.push(message), fields.push(details)) } as unknown as JsonLogger;
  const jobs = { enqueuesInTransactions: true, enqueue: () => Promise.reject(new Error('not expected')) } as unknown as JobsService;

  it("wakes the change log's readers for every change, alerting or not", async () => {
    let woken = 0;
    const bus = { changeLogged: async () => void (woken += 1) } as unknown as SeizureEventBus;
    await new AlertTrigger(jobs, logger, bus).changed(event);
    await new AlertTrigger(jobs, logger, bus).changed({ ...event, change: 'SUBMITTED' });
    expect(woken).toBe(2);
  });

  it('never fails the committed change when the wake-up fails; it says so', async () => {
    const bus = { changeLogged: () => Promise.reject(new Error('connection lost')) } as unknown as SeizureEventBus;
    await expect(new AlertTrigger(jobs, logger, bus).changed(event)).resolves.toBeUndefined();
    expect(logged).toContain('change log readers not woken');
    expect(fields[logged.indexOf('change log readers not woken')]).toMatchObject({ requestId: 'req-7', changeSeq: '42' }); // findable by its request
  });

  it('names the request when the alert job cannot be queued (queue elsewhere, after commit)', async () => {
    const bus = { changeLogged: async () => undefined } as unknown as SeizureEventBus;
    const redisJobs = { enqueuesInTransactions: false, enqueue: () => Promise.reject(new Error('queue down')) } as unknown as JobsService;
    await expect(new AlertTrigger(redisJobs, logger, bus).changed({ ...event, change: 'SUBMITTED' })).resolves.toBeUndefined();
    expect(fields[logged.lastIndexOf('alert matching not queued')]).toMatchObject({ requestId: 'req-7', seizureId: 's-1', error: 'queue down' });
  });
});
