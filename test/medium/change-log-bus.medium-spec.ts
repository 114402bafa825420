import { randomUUID } from 'node:crypto';
import { ChangeLogPollingEventBus, SEIZURE_EVENT_BUS, type AccessChange, type SeizureEvent, type SeizureEventBus } from '../../src/alerts/seizure-event-bus.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The embedded database's event bus reads its logs when a NOTIFY wakes it. Here its timer is set to
 * a minute, so whatever arrives within seconds came by a wake-up. (The bus serves the embedded
 * database; its logs and NOTIFY behave the same on PostgreSQL, where the test also runs.)
 */
describe('the change-log event bus', () => {
  let platform: TestApp;
  let bus: ChangeLogPollingEventBus;

  beforeAll(async () => {
    platform = await startTestApp();
    bus = new ChangeLogPollingEventBus(platform.server.runtime.dataSource, platform.server.runtime.logger, { wakeups: platform.server.runtime.connection.pg, pollMs: 60_000 });
  });
  afterAll(async () => {
    await bus.close();
    await platform.stop();
  });

  it('delivers access changes and seizure changes as soon as they are published, in order', async () => {
    const access: AccessChange[] = [];
    const events: SeizureEvent[] = [];
    const stopAccess = await bus.subscribeAccessChanges((change) => access.push(change));
    const stopEvents = await bus.subscribe((event) => events.push(event));

    await bus.publishAccessChange({ users: ['user-1'], reason: 'first' });
    await bus.publishAccessChange({ agencies: ['KY'], reason: 'second' });
    await waitFor('two access changes', () => access.length >= 2, 10_000);
    expect(access.map((change) => change.reason)).toEqual(['first', 'second']);

    const seizureId = randomUUID();
    const dataSource = platform.server.runtime.dataSource;
    for (const [version, change] of [[1, 'SUBMITTED'], [2, 'UPDATED']] as const) {
      await dataSource.query('INSERT INTO seizure_changes (seizure_id, version, change) VALUES ($1, $2, $3)', [seizureId, version, change]);
    }
    await bus.changeLogged();
    await waitFor('two seizure events', () => events.filter((event) => event.seizureId === seizureId).length >= 2, 10_000);
    expect(events.filter((event) => event.seizureId === seizureId).map((event) => [event.version, event.change])).toEqual([[1, 'SUBMITTED'], [2, 'UPDATED']]);

    stopAccess();
    stopEvents();
  });

  it('opens its LISTEN connection again when it drops, and polls meanwhile', async () => {
    const access: AccessChange[] = [];
    const stop = await bus.subscribeAccessChanges((change) => access.push(change));
    expect(bus.listening).toBe(true);
    await (bus as unknown as { wakeups: { end(): Promise<void> } }).wakeups.end(); // the connection drops
    expect(bus.listening).toBe(false);
    await waitFor('the LISTEN connection back', () => bus.listening, 10_000);
    await bus.publishAccessChange({ users: ['user-3'], reason: 'after the drop' });
    await waitFor('the access change', () => access.some((change) => change.reason === 'after the drop'), 10_000);
    stop();
  });

  it("is the server's own bus on the embedded database, and it listens there", async () => {
    const serverBus = platform.server.app.get<SeizureEventBus>(SEIZURE_EVENT_BUS, { strict: false });
    if (platform.server.runtime.connection.kind !== 'embedded') {
      expect(serverBus.kind).not.toBe('polling'); // PostgreSQL's own LISTEN/NOTIFY, or Redis
      return;
    }
    expect(serverBus).toBeInstanceOf(ChangeLogPollingEventBus);
    const stop = await serverBus.subscribeAccessChanges(() => undefined);
    expect((serverBus as ChangeLogPollingEventBus).listening).toBe(true);
    stop();
  });

  it('still reads its logs on its timer when it cannot LISTEN', async () => {
    const deaf = new ChangeLogPollingEventBus(platform.server.runtime.dataSource, platform.server.runtime.logger, {
      wakeups: { host: '127.0.0.1', port: 1, user: 'nobody', database: 'none', connectionTimeoutMillis: 2000 },
      pollMs: 100,
    });
    const access: AccessChange[] = [];
    const stop = await deaf.subscribeAccessChanges((change) => access.push(change));
    await deaf.publishAccessChange({ users: ['user-2'], reason: 'polled' });
    await waitFor('the access change', () => access.some((change) => change.reason === 'polled'), 10_000);
    stop();
    await deaf.close();
  });
});
