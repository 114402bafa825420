import { randomUUID } from 'node:crypto';
import { REQUEST_CONTEXT_FACTORY, type RequestContext, type RequestContextFactory } from '../../src/access/request-context.js';
import { AlertDeliveryEntity, AlertEntity } from '../../src/alerts/alert.entity.js';
import { AlertsService } from '../../src/alerts/alerts.service.js';
import { statementsOn } from '../support/statements.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('alert deliveries', () => {
  let platform: TestApp;
  let service: AlertsService;
  let owner: RequestContext;
  let other: RequestContext;

  beforeAll(async () => {
    platform = await startTestApp();
    service = platform.server.app.get(AlertsService);
    const contexts = platform.server.app.get<RequestContextFactory>(REQUEST_CONTEXT_FACTORY);
    owner = (await contexts.forUser((await platform.userWithKey('KY', ['ELO'])).userId, 'alert-deliveries'))!;
    other = (await contexts.forUser((await platform.userWithKey('KY', ['ELO'])).userId, 'alert-deliveries'))!;
  });
  afterAll(() => platform.stop());

  it('reads the deliveries of every alert a response lists in one statement, the newest `first` of each, only the caller’s own', async () => {
    const { dataSource } = platform.server.runtime;
    const alert = async (ctx: RequestContext) =>
      (await dataSource.getRepository(AlertEntity).save({ userId: ctx.principal.userId, agencyCode: 'KY', name: 'a', filter: {}, webhookUrl: null, webhookSecret: null })).id;
    const [busy, quiet, silent, theirs] = [await alert(owner), await alert(owner), await alert(owner), await alert(other)];
    const at = (day: number) => new Date(Date.UTC(2026, 11, day));
    const rows = [[busy, 1], [busy, 3], [busy, 2], [quiet, 1], [theirs, 1]] as const;
    const ids = new Map<string, string>();
    for (const [alertId, day] of rows) {
      const id = randomUUID();
      ids.set(`${alertId}:${day}`, id);
      await dataSource.createQueryBuilder().insert().into(AlertDeliveryEntity)
        .values({ id, alertId, seizureId: randomUUID(), channel: 'SUBSCRIPTION', status: 'DELIVERED', createdAt: at(day), deliveredAt: at(day) }).execute();
    }

    // As GraphQL resolves `alerts { deliveries(first: 2) }`: every alert's field at once.
    const { result, statements } = await statementsOn(platform, 'alert_deliveries', () => Promise.all([busy, quiet, silent, theirs].map((id) => service.deliveries(owner, id, 2))));
    expect(statements).toBe(1);
    expect(result.map((list) => list.map((d) => d.id))).toEqual([[ids.get(`${busy}:3`), ids.get(`${busy}:2`)], [ids.get(`${quiet}:1`)], [], []]);
    await expect(service.deliveries(owner, busy, 0)).rejects.toThrow('first');
  });
});
