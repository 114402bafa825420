import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertDeliveryEntity } from '../../src/alerts/alert.entity.js';
import { AuditEventEntity } from '../../src/audit/audit-event.entity.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { SeizureChangeEntity } from '../../src/seizures/data/seizure-change.entity.js';
import { UsersService } from '../../src/users/users.service.js';
import { startLocalIssuer, type LocalIssuer } from '../support/oidc-issuer.js';
import { statementsDuring } from '../support/statements.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type GraphqlResponse, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Administrators and their agency's alerts, from the outside: an agency administrator lists the
 * alerts made in their agency and stops one (a departing officer's), never another agency's; what
 * they see of an alert tells nothing of its matches; and every way of
 * offboarding an officer (revoking keys, removing the OIDC binding, disabling the account, stopping
 * the alert) stops the officer's alerts and webhooks.
 */
const AGENCY_ALERTS = `query($agency: String, $includeStopped: Boolean, $first: Int, $after: String) {
  agencyAlerts(agency: $agency, includeStopped: $includeStopped, first: $first, after: $after) {
    edges { cursor node { id name agencyCode ownerId ownerEmail createdAt webhookHost active broken running } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const STOP = 'mutation($id: ID!) { stopAgencyAlert(id: $id) { id active running ownerId } }';
const CREATE = 'mutation($input: AlertInput!) { createAlert(input: $input) { id webhookSecret } }';

interface AgencyAlert {
  id: string;
  name: string;
  agencyCode: string;
  ownerId: string;
  ownerEmail: string | null;
  createdAt: string;
  webhookHost: string | null;
  active: boolean;
  broken: boolean;
  running: boolean;
}

interface AgencyAlertConnection {
  edges: { node: AgencyAlert }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Jobs on the embedded database take seconds each; webhook back-off adds a few more. */
const SLOW = 180_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('agency administrators and their agency’s alerts', () => {
  let platform: TestPlatform;
  let issuer: LocalIssuer;
  let jobs: JobsService;
  let receiver: http.Server;
  let base: string;
  let host: string;
  const received: string[] = [];
  /** Status codes to answer per path, in order; 200 once they run out. */
  const plan = new Map<string, number[]>();
  const marker = randomBytes(4).toString('hex');
  let jmElo: string;
  let kyAdmin: { key: string; userId: string };
  let jmAdmin: string;
  let platformAdmin: string;

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const path = request.url ?? '/';
        received.push(path);
        response.statusCode = plan.get(path)?.shift() ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    base = `http://${host}`;
    issuer = await startLocalIssuer();
    platform = await startTestPlatform({ worker: true, env: { OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.audience } });
    jobs = platform.server.app.get(JobsService);
    jmElo = (await platform.userWithKey('JM', ['ELO'])).key;
    kyAdmin = await platform.userWithKey('KY', ['AGENCY_ADMIN']);
    jmAdmin = (await platform.userWithKey('JM', ['AGENCY_ADMIN'])).key;
    platformAdmin = (await platform.userWithKey('WCO', ['PLATFORM_ADMIN'])).key;
  });
  afterAll(async () => {
    await platform?.stop();
    await issuer?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const deliveries = (alertId: string) =>
    platform.server.runtime.dataSource.getRepository(AlertDeliveryEntity).find({ where: { alertId }, order: { createdAt: 'ASC', channel: 'ASC' } });

  /** Waits for the match job of the report's latest change and returns how many alerts it matched. */
  async function matched(seizureId: string): Promise<number> {
    const change = await platform.server.runtime.dataSource.getRepository(SeizureChangeEntity).findOne({ where: { seizureId }, order: { seq: 'DESC' } });
    const state = await waitFor(`match job of change ${change!.seq}`, async () => {
      const job = await jobs.jobState(`alerts-match-${change!.seq}`);
      return (job?.state === 'completed' && job.result != null) || job?.state === 'failed' ? job : null;
    });
    expect(state.state).toBe('completed');
    return (state.result as { matched: number }).matched;
  }

  async function createAlert(token: string, input: Record<string, unknown>): Promise<{ id: string }> {
    const response = await platform.gql<{ createAlert: { id: string } }>(token, CREATE, { input });
    expect(response.errors).toBeUndefined();
    return response.data!.createAlert;
  }

  async function listed(token: string, variables: Record<string, unknown> = {}): Promise<AgencyAlert[]> {
    const nodes: AgencyAlert[] = [];
    let after: string | null = null;
    for (;;) {
      const response: GraphqlResponse<{ agencyAlerts: AgencyAlertConnection }> = await platform.gql(token, AGENCY_ALERTS, { first: 200, ...variables, after });
      expect(response.errors).toBeUndefined();
      nodes.push(...response.data!.agencyAlerts.edges.map((edge) => edge.node));
      if (!response.data!.agencyAlerts.pageInfo.hasNextPage) return nodes;
      after = response.data!.agencyAlerts.pageInfo.endCursor;
    }
  }

  const find = async (token: string, alertId: string, variables: Record<string, unknown> = {}) => (await listed(token, variables)).find((alert) => alert.id === alertId);

  /** A report only the alert with this tag matches. */
  const report = (tag: string, over: Record<string, unknown> = {}) =>
    submitSeizure(platform, jmElo, { tlp: 'CLEAR', commodity: { category: 'FIREARMS', type: `${tag}${marker}` }, ...over });
  const filter = (tag: string) => ({ commodityCategories: ['FIREARMS'], text: `${tag}${marker}` });

  it('lists the alerts made in the administrator’s agency: owner, webhook host and state, never the filter, secret or the rest of the URL', async () => {
    const officer = await platform.userWithKey('KY', ['ELO']);
    const secretPath = `/hooks/${marker}-token?sig=${marker}`;
    const created = await platform.gql<{ createAlert: { id: string; webhookSecret: string } }>(officer.key, CREATE, {
      input: { name: 'Listed', filter: filter('listed'), webhookUrl: `${base}${secretPath}` },
    });
    const alert = created.data!.createAlert;

    const seen = await find(kyAdmin.key, alert.id);
    expect(seen).toEqual({
      id: alert.id, name: 'Listed', agencyCode: 'KY', ownerId: officer.userId, ownerEmail: officer.email, createdAt: expect.any(String),
      webhookHost: host, active: true, broken: false, running: true,
    });
    const raw = JSON.stringify((await platform.gql(kyAdmin.key, AGENCY_ALERTS, { first: 200 })).data);
    for (const hidden of [`listed${marker}`, `${marker}-token`, alert.webhookSecret]) expect(raw).not.toContain(hidden);

    // Another agency's administrator does not see it; a platform administrator does, in KY's list only.
    expect(await find(jmAdmin, alert.id)).toBeUndefined();
    expect(await find(jmAdmin, alert.id, { agency: 'KY' })).toBeUndefined();
    expect(await find(platformAdmin, alert.id)).toMatchObject({ id: alert.id, ownerEmail: officer.email });
    expect(await find(platformAdmin, alert.id, { agency: 'KY' })).toMatchObject({ id: alert.id });
    expect(await find(platformAdmin, alert.id, { agency: 'JM' })).toBeUndefined();
    // The officer themselves is no administrator.
    expect((await platform.gql(officer.key, AGENCY_ALERTS)).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('decides `running` for a whole page of owners in a fixed number of statements, whatever their number', async () => {
    // Owners in an agency of their own, so that the page holds only these.
    const statementsFor = async (owners: number) => {
      const officers = [];
      for (let i = 0; i < owners; i += 1) officers.push(await platform.userWithKey('LC', ['ELO'], `o${owners}-${i}-${marker}@lc.test`));
      for (const officer of officers) await createAlert(officer.key, { name: `Page ${owners}`, filter: filter(`page${owners}`) });
      const listing = await statementsDuring(platform, () => platform.gql(platformAdmin, AGENCY_ALERTS, { first: 200, agency: 'LC' }));
      return listing.length;
    };
    const few = await statementsFor(1);
    const many = await statementsFor(4); // the page now holds five owners' alerts
    expect(many).toBe(few);
  });

  it('lets no administrator of another agency stop an alert, answering NOT_FOUND as for one that does not exist', async () => {
    const officer = await platform.userWithKey('KY', ['ELO']);
    const alert = await createAlert(officer.key, { name: 'Not theirs', filter: filter('nottheirs') });
    for (const id of [alert.id, randomUUID()]) {
      const refused = await platform.gql(jmAdmin, STOP, { id });
      expect(refused.errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect(refused.errors?.[0].message).toBe('Alert not found');
    }
    // An officer may not, and neither may a key an administrator issued for another administrator.
    expect((await platform.gql(officer.key, STOP, { id: alert.id })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    const deputy = await platform.userWithKey('KY', ['AGENCY_ADMIN']);
    const issued = await platform.gql<{ createApiKey: { key: string } }>(kyAdmin.key, 'mutation($u: ID!) { createApiKey(userId: $u) { key } }', { u: deputy.userId });
    expect((await platform.gql(issued.data!.createApiKey.key, STOP, { id: alert.id })).errors?.[0].extensions.code).toBe('FORBIDDEN');

    expect(await find(kyAdmin.key, alert.id)).toMatchObject({ active: true, running: true });
    expect(await matched((await report('nottheirs')).id)).toBe(1);
  }, SLOW);

  it('stops an officer’s alert: it matches nothing more, its queued webhook delivery is dropped, and the stop is audited once', async () => {
    const officer = await platform.userWithKey('KY', ['ELO']);
    const path = `/stopped-${marker}`;
    plan.set(path, Array(20).fill(500)); // the endpoint fails: the delivery waits in the queue for its next attempt
    const alert = await createAlert(officer.key, { name: 'Departing', filter: filter('stopped'), webhookUrl: `${base}${path}` });
    expect(await matched((await report('stopped')).id)).toBe(1);
    await waitFor('a failed first attempt', async () => (await deliveries(alert.id)).some((row) => row.channel === 'WEBHOOK' && row.attempts >= 1 && row.status === 'PENDING'));

    const stopped = await platform.gql<{ stopAgencyAlert: { id: string; active: boolean; running: boolean; ownerId: string } }>(kyAdmin.key, STOP, { id: alert.id });
    expect(stopped.errors).toBeUndefined();
    expect(stopped.data!.stopAgencyAlert).toEqual({ id: alert.id, active: false, running: false, ownerId: officer.userId });

    const dropped = await waitFor('the queued delivery to be dropped', async () =>
      (await deliveries(alert.id)).find((row) => row.channel === 'WEBHOOK' && row.status === 'FAILED'), 30_000);
    expect(dropped.lastError).toBe('The alert was deleted');
    const calls = received.filter((call) => call === path).length;
    expect(await matched((await report('stopped')).id)).toBe(0);
    await sleep(1500);
    expect(received.filter((call) => call === path)).toHaveLength(calls);
    expect((await deliveries(alert.id)).filter((row) => row.channel === 'SUBSCRIPTION')).toHaveLength(1);

    // Gone from the owner's alerts and from the administrator's list of running ones; kept with includeStopped.
    const own = await platform.gql<{ alerts: { id: string }[] }>(officer.key, '{ alerts { id } }');
    expect(own.data!.alerts.map((a) => a.id)).not.toContain(alert.id);
    expect(await find(kyAdmin.key, alert.id)).toBeUndefined();
    expect(await find(kyAdmin.key, alert.id, { includeStopped: true })).toMatchObject({ active: false, running: false });

    // Stopping it again changes nothing and writes nothing.
    expect((await platform.gql(kyAdmin.key, STOP, { id: alert.id })).data).toEqual({ stopAgencyAlert: { id: alert.id, active: false, running: false, ownerId: officer.userId } });
    const events = await platform.server.runtime.dataSource.getRepository(AuditEventEntity).find({ where: { resourceId: alert.id }, order: { seq: 'ASC' } });
    expect(events.map((event) => event.action)).toEqual(['alert.create', 'alert.stop']);
    expect(events[1]).toMatchObject({
      actor: kyAdmin.userId, agency: 'KY', resourceType: 'Alert', resourceAgency: 'KY', fields: ['active'],
      details: { ownerId: officer.userId, name: 'Departing', webhookHost: host },
    });
    // In KY's trail, where its administrators and auditors read it.
    const trail = await platform.gql<{ auditTrail: { edges: { node: { action: string; resourceId: string } }[] } }>(
      kyAdmin.key, 'query($r: ID!) { auditTrail(resourceId: $r) { edges { node { action resourceId } } } }', { r: alert.id },
    );
    expect(trail.errors).toBeUndefined();
    expect(trail.data!.auditTrail.edges.map((edge) => edge.node.action)).toContain('alert.stop');
  }, SLOW);

  describe('what the owner of a stopped alert is told', () => {
    const OWN = `query($all: Boolean) {
      alerts(includeStopped: $all) { id name filter webhookUrl webhookSecret brokenReason brokenAt createdAt active stoppedAt stoppedBy deliveries { seizureId channel status } }
    }`;
    interface OwnAlert { id: string; active: boolean; stoppedAt: string | null; stoppedBy: string | null }
    const own = async (token: string, all: boolean) => {
      const response = await platform.gql<{ alerts: OwnAlert[] }>(token, OWN, { all });
      expect(response.errors).toBeUndefined();
      return response.data!.alerts;
    };

    it('that, and when, an administrator of its agency stopped it, with includeStopped only; never which administrator', async () => {
      const officer = await platform.userWithKey('KY', ['ELO']);
      const admin = await platform.userWithKey('KY', ['AGENCY_ADMIN']);
      const alert = await createAlert(officer.key, { name: 'Told', filter: filter('told'), webhookUrl: `${base}/told-${marker}` });
      const before = Date.now();
      expect((await platform.gql(admin.key, STOP, { id: alert.id })).errors).toBeUndefined();
      const after = Date.now();

      // The default list is as it was: only active alerts.
      expect((await own(officer.key, false)).map((a) => a.id)).not.toContain(alert.id);
      const all = await own(officer.key, true);
      const told = all.find((a) => a.id === alert.id)!;
      expect(told).toMatchObject({ name: 'Told', active: false, stoppedBy: 'AGENCY_ADMINISTRATOR', webhookUrl: `${base}/told-${marker}` });
      expect(Date.parse(told.stoppedAt!)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(told.stoppedAt!)).toBeLessThanOrEqual(after + 1000);
      // Nothing that names the administrator, in this answer or the default one.
      for (const raw of [JSON.stringify(all), JSON.stringify(await own(officer.key, false))]) {
        for (const who of [admin.userId, admin.email, kyAdmin.userId]) expect(raw).not.toContain(who);
      }
      // Nor to a key the administrator issued for the owner: alerts are the owner's own credentials'.
      const issued = await platform.gql<{ createApiKey: { key: string } }>(admin.key, 'mutation($u: ID!) { createApiKey(userId: $u) { key } }', { u: officer.userId });
      expect((await platform.gql(issued.data!.createApiKey.key, OWN, { all: true })).errors?.[0].extensions.code).toBe('FORBIDDEN');
      // Another user of the agency, its administrator included, does not get it in their own list.
      for (const token of [admin.key, kyAdmin.key, jmElo]) expect((await own(token, true)).map((a) => a.id)).not.toContain(alert.id);
    });

    it('after the owner moved agency, the agency each alert was made in (the only one it fires in), and that its administrator stopped one', async () => {
      const officer = await platform.userWithKey('KY', ['ELO']);
      const kept = await createAlert(officer.key, { name: 'Kept', filter: filter('kept') });
      const stopped = await createAlert(officer.key, { name: 'Stopped after the move', filter: filter('aftermove') });
      const listed = (alerts: (OwnAlert & { agencyCode: string })[]) => Object.fromEntries(alerts.map((a) => [a.id, { agencyCode: a.agencyCode, stoppedBy: a.stoppedBy }]));
      const ownWithAgency = async (all: boolean) => {
        const response = await platform.gql<{ alerts: (OwnAlert & { agencyCode: string })[] }>(officer.key, 'query($all: Boolean) { alerts(includeStopped: $all) { id agencyCode active stoppedAt stoppedBy } }', { all });
        expect(response.errors).toBeUndefined();
        return listed(response.data!.alerts);
      };
      expect(await ownWithAgency(false)).toEqual({ [kept.id]: { agencyCode: 'KY', stoppedBy: null }, [stopped.id]: { agencyCode: 'KY', stoppedBy: null } });

      await platform.server.app.get(UsersService).update(officer.email, { agencyCode: 'TT' });
      // KY's administrator may still stop what was made in KY; the owner, now of TT, is told it was an administrator of KY.
      expect((await platform.gql(kyAdmin.key, STOP, { id: stopped.id })).errors).toBeUndefined();
      expect(await ownWithAgency(true)).toEqual({ [kept.id]: { agencyCode: 'KY', stoppedBy: null }, [stopped.id]: { agencyCode: 'KY', stoppedBy: 'AGENCY_ADMINISTRATOR' } });
    });

    it('a platform administrator’s stop as such, and the owner’s own stop as theirs, whichever way they stopped it', async () => {
      const officer = await platform.userWithKey('KY', ['ELO']);
      const byPlatform = await createAlert(officer.key, { name: 'By platform', filter: filter('byplatform') });
      expect((await platform.gql(platformAdmin, STOP, { id: byPlatform.id })).errors).toBeUndefined();
      const deleted = await createAlert(officer.key, { name: 'Deleted', filter: filter('deleted') });
      expect((await platform.gql(officer.key, 'mutation($id: ID!) { deleteAlert(id: $id) }', { id: deleted.id })).errors).toBeUndefined();
      // An administrator stopping their own alert is its owner doing so.
      const admin = await platform.userWithKey('KY', ['AGENCY_ADMIN', 'ELO']);
      const ownStop = await createAlert(admin.key, { name: 'Own stop', filter: filter('ownstop') });
      expect((await platform.gql(admin.key, STOP, { id: ownStop.id })).errors).toBeUndefined();

      const stoppedBy = (alerts: OwnAlert[]) => Object.fromEntries(alerts.filter((a) => a.stoppedBy).map((a) => [a.id, a.stoppedBy]));
      expect(stoppedBy(await own(officer.key, true))).toEqual({ [byPlatform.id]: 'PLATFORM_ADMINISTRATOR', [deleted.id]: 'OWNER' });
      expect(stoppedBy(await own(admin.key, true))).toEqual({ [ownStop.id]: 'OWNER' });
      // A second stop by someone else changes neither when nor by whom.
      const first = (await own(officer.key, true)).find((a) => a.id === byPlatform.id);
      expect((await platform.gql(kyAdmin.key, STOP, { id: byPlatform.id })).errors).toBeUndefined();
      expect((await own(officer.key, true)).find((a) => a.id === byPlatform.id)).toEqual(first);
    });
  });

  it('tells the administrator nothing of what an alert matched: a TLP:RED report naming the owner changes nothing they see', async () => {
    const officer = await platform.userWithKey('KY', ['ELO']);
    const alert = await createAlert(officer.key, { name: 'Red', filter: filter('red') });
    const before = { ky: await find(kyAdmin.key, alert.id), platform: await find(platformAdmin, alert.id) };
    expect(before.ky).toMatchObject({ id: alert.id, running: true });
    const red = await report('red', { tlp: 'RED', releasableToUsers: [officer.userId] });
    expect(await matched(red.id)).toBe(1); // the officer reads it: a named user
    expect(await matched((await report('red')).id)).toBe(1);
    expect({ ky: await find(kyAdmin.key, alert.id), platform: await find(platformAdmin, alert.id) }).toEqual(before);
  }, SLOW);

  describe('offboarding an officer who signs in with OIDC only', () => {
    async function oidcOfficer(tag: string): Promise<{ userId: string; email: string; token: () => Promise<string> }> {
      const email = `${tag}-${marker}@ky.test`;
      const { user } = await platform.server.app.get(UsersService).createOrGet({ agencyCode: 'KY', email, roles: ['ELO'] });
      const subject = `sub-${tag}-${marker}`;
      const token = () => issuer.token({ subject, claims: { email, email_verified: true } });
      const me = await platform.gql<{ me: { userId: string } }>(await token(), '{ me { userId } }');
      expect(me.data!.me.userId).toBe(user.id); // bound on this first sign-in
      return { userId: user.id, email, token };
    }

    /** An alert of the officer's with a failing webhook, and one match of it waiting in the queue for its next attempt. */
    async function alertWithQueuedDelivery(token: string, tag: string): Promise<{ id: string; path: string }> {
      const path = `/${tag}-${marker}`;
      plan.set(path, Array(20).fill(500));
      const alert = await createAlert(token, { name: tag, filter: filter(tag), webhookUrl: `${base}${path}` });
      expect(await matched((await report(tag)).id)).toBe(1);
      await waitFor('a failed first attempt', async () => (await deliveries(alert.id)).some((row) => row.channel === 'WEBHOOK' && row.attempts >= 1 && row.status === 'PENDING'));
      return { ...alert, path };
    }

    const droppedBecauseOwner = (alertId: string) =>
      waitFor('the queued delivery to be dropped', async () => (await deliveries(alertId)).find((row) => row.channel === 'WEBHOOK' && row.status === 'FAILED'), 30_000);

    it('stops their alerts and queued webhooks when the administrator removes the binding; a later sign-in binds afresh, and stopping the alert holds then', async () => {
      const officer = await oidcOfficer('unbound');
      const alert = await alertWithQueuedDelivery(await officer.token(), 'unbound');

      const removed = await platform.gql(kyAdmin.key, 'mutation($u: ID!) { removeOidcBinding(userId: $u) { userId } }', { u: officer.userId });
      expect(removed.errors).toBeUndefined();
      expect((await droppedBecauseOwner(alert.id)).lastError).toBe('The alert owner is disabled or holds no credentials any more');
      expect(await matched((await report('unbound')).id)).toBe(0);
      expect(await find(kyAdmin.key, alert.id)).toMatchObject({ active: true, running: false });

      // The identity provider still signs them in: the next sign-in binds again and the alert goes on…
      expect((await platform.gql(await officer.token(), '{ me { userId } }')).data).toEqual({ me: { userId: officer.userId } });
      expect(await find(kyAdmin.key, alert.id)).toMatchObject({ running: true });
      expect(await matched((await report('unbound')).id)).toBe(1);
      // …until the administrator stops the alert itself.
      expect((await platform.gql(kyAdmin.key, STOP, { id: alert.id })).errors).toBeUndefined();
      expect(await matched((await report('unbound')).id)).toBe(0);
    }, SLOW);

    it('stops their alerts and queued webhooks when their account is disabled, and they cannot bind again', async () => {
      const officer = await oidcOfficer('disabled');
      const alert = await alertWithQueuedDelivery(await officer.token(), 'disabled');

      await platform.server.app.get(UsersService).update(officer.email, { status: 'DISABLED' }); // `windward user update --status DISABLED`
      expect((await droppedBecauseOwner(alert.id)).lastError).toBe('The alert owner is disabled or holds no credentials any more');
      expect(await matched((await report('disabled')).id)).toBe(0);
      expect(await find(kyAdmin.key, alert.id)).toMatchObject({ active: true, running: false });
      expect((await platform.gql(await officer.token(), '{ me { userId } }')).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }, SLOW);

    it('counts no binding made under an issuer that is no longer configured: it signs no one in, so it keeps no alert going', async () => {
      const officer = await platform.userWithKey('KY', ['ELO']);
      const alert = await createAlert(officer.key, { name: 'Retired issuer', filter: filter('retired') });
      const db = platform.server.runtime.dataSource;
      // Their key revoked; what is left is a binding from before OIDC_ISSUER changed.
      await db.query('UPDATE api_keys SET revoked_at = now() WHERE user_id = $1', [officer.userId]);
      await db.query('UPDATE users SET oidc_subject = $2 WHERE id = $1', [officer.userId, `https://retired-idp.example|sub-${marker}`]);
      expect(await find(kyAdmin.key, alert.id)).toMatchObject({ running: false });
      expect(await matched((await report('retired')).id)).toBe(0);
      // Bound under the issuer configured now, the same officer's alert goes on.
      await db.query('UPDATE users SET oidc_subject = $2 WHERE id = $1', [officer.userId, `${issuer.issuer}|sub-${marker}`]);
      expect(await find(kyAdmin.key, alert.id)).toMatchObject({ running: true });
      expect(await matched((await report('retired')).id)).toBe(1);
    }, SLOW);
  });
});
