import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertDeliveryEntity } from '../../src/alerts/alert.entity.js';
import { AuditEventEntity } from '../../src/audit/audit-event.entity.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { SeizureChangeEntity } from '../../src/seizures/data/seizure-change.entity.js';
import { UsersService } from '../../src/users/users.service.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor, waitForJobs } from '../support/wait-for.js';

const CREATE = `mutation Create($input: AlertInput!) {
  createAlert(input: $input) { id name filter createdAt webhookUrl webhookSecret }
}`;
const LIST = `{ alerts { id name filter webhookSecret deliveries { seizureId channel status attempts } } }`;
const RELEASE = `mutation Release($id: ID!, $agencies: [String!]!) { releaseSeizure(id: $id, agencies: $agencies) { id } }`;
/** What the fixture's nominal section and nominal fields contain: none of it may leave in a webhook. */
const NOMINAL = ['Consignee known to the unit', 'A. Person', 'Acme Freight', 'passport X123', 'MSCU1234567', '17.97', '-76.79', 'identifiers', 'persons'];

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Jobs on the embedded database take seconds each; back-off adds about 3 s. */
const SLOW = 120_000;

describe('alerts and webhooks', () => {
  let platform: TestPlatform;
  let jobs: JobsService;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];
  /** Status codes to answer per path, in order; 200 once they run out. */
  const plan = new Map<string, number[]>();
  const marker = randomBytes(4).toString('hex');
  let jm: string;
  let ky: { key: string; userId: string };

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = plan.get(path)?.shift() ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    platform = await startTestPlatform({ worker: true });
    jobs = platform.server.app.get(JobsService);
    jm = (await platform.userWithKey('JM', ['ELO'])).key;
    ky = await platform.userWithKey('KY', ['ELO']);
  });
  afterAll(async () => {
    await platform.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const deliveries = (seizureId: string) =>
    platform.server.runtime.dataSource.getRepository(AlertDeliveryEntity).find({ where: { seizureId }, order: { channel: 'ASC' } });

  async function lastChange(seizureId: string): Promise<SeizureChangeEntity> {
    const change = await platform.server.runtime.dataSource.getRepository(SeizureChangeEntity).findOne({ where: { seizureId }, order: { seq: 'DESC' } });
    return change!;
  }

  /** Waits for the match job of the report's latest change and returns its result. */
  async function matchResult(seizureId: string): Promise<Record<string, unknown>> {
    const { seq } = await lastChange(seizureId);
    const state = await waitFor(`match job of change ${seq}`, async () => {
      const job = await jobs.jobState(`alerts-match-${seq}`);
      // The state can read completed a moment before the return value does.
      return (job?.state === 'completed' && job.result != null) || job?.state === 'failed' ? job : null;
    });
    expect(state.state).toBe('completed');
    return state.result as Record<string, unknown>;
  }

  async function createAlert(key: string, input: Record<string, unknown>) {
    const response = await platform.gql<{ createAlert: { id: string; filter: string; webhookSecret: string | null } }>(key, CREATE, { input });
    expect(response.errors).toBeUndefined();
    return response.data!.createAlert;
  }

  it('refuses bad alerts with BAD_USER_INPUT, callers without a reading role and anonymous callers', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ name: 'x', filter: {}, webhookUrl: 'http://hooks.example.org/x' }, 'webhookUrl'],
      [{ name: 'x', filter: {}, webhookUrl: 'https://user:secret@hooks.example.org/x' }, 'webhookUrl'],
      [{ name: 'x', filter: {}, webhookUrl: `https://hooks.example.org/${'a'.repeat(2000)}` }, 'webhookUrl'],
      [{ name: ' ', filter: {} }, 'name'],
      [{ name: 'x', filter: { countries: ['XX'] } }, 'filter.countries'],
      [{ name: 'x', filter: { seizedFrom: '2026-02-01T00:00:00Z', seizedTo: '2026-01-01T00:00:00Z' } }, 'filter.seizedFrom'],
      [{ name: 'x', filter: { includeRetracted: true } }, 'filter.includeRetracted'],
    ];
    for (const [input, field] of bad) {
      const { errors } = await platform.gql(ky.key, CREATE, { input });
      expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [field] });
    }
    const auditor = await platform.userWithKey('KY', ['AUDITOR']);
    expect((await platform.gql(auditor.key, CREATE, { input: { name: 'x', filter: {} } })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await platform.gql(null, CREATE, { input: { name: 'x', filter: {} } })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('shows the webhook secret once, lists only the caller’s own alerts and audits creation', async () => {
    const alert = await createAlert(ky.key, { name: 'Cocaine by sea', filter: { commodityCategories: ['DRUGS'], transportModes: ['SEA'] }, webhookUrl: `${base}/once` });
    expect(alert.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(alert.filter)).toEqual({ commodityCategories: ['DRUGS'], transportModes: ['SEA'] });
    const mine = await platform.gql<{ alerts: { id: string; webhookSecret: string | null }[] }>(ky.key, LIST);
    expect(mine.data!.alerts.find((a) => a.id === alert.id)).toMatchObject({ webhookSecret: null });
    const theirs = await platform.gql<{ alerts: { id: string }[] }>(jm, LIST);
    expect(theirs.data!.alerts.map((a) => a.id)).not.toContain(alert.id);
    const events = await platform.server.runtime.dataSource.getRepository(AuditEventEntity).findBy({ resourceId: alert.id });
    expect(events.map((e) => e.action)).toEqual(['alert.create']);
    expect(JSON.stringify(events)).not.toContain(alert.webhookSecret);
    // Sealed at rest: the database alone does not give the secret away.
    const [stored] = (await platform.server.runtime.dataSource.query('SELECT webhook_secret FROM alerts WHERE id = $1', [alert.id])) as { webhook_secret: string }[];
    expect(stored.webhook_secret).toMatch(/^sb1:/);
    expect(stored.webhook_secret).not.toContain(alert.webhookSecret);

    const deleted = await platform.gql(jm, 'mutation($id: ID!) { deleteAlert(id: $id) }', { id: alert.id });
    expect(deleted.errors?.[0].extensions.code).toBe('NOT_FOUND'); // someone else's alert
    expect((await platform.gql(ky.key, 'mutation($id: ID!) { deleteAlert(id: $id) }', { id: alert.id })).data).toEqual({ deleteAlert: true });
  });

  it('lists a deleted alert only with includeStopped, after the active ones, as stopped by its owner', async () => {
    const owner = await platform.userWithKey('KY', ['ELO']);
    const OWN = 'query($all: Boolean) { alerts(includeStopped: $all) { id active stoppedAt stoppedBy deliveries { id } } }';
    const kept = await createAlert(owner.key, { name: 'Kept', filter: { commodityCategories: ['DRUGS'] } });
    const gone = await createAlert(owner.key, { name: 'Gone', filter: { commodityCategories: ['FIREARMS'] } });
    const before = Date.now();
    expect((await platform.gql(owner.key, 'mutation($id: ID!) { deleteAlert(id: $id) }', { id: gone.id })).data).toEqual({ deleteAlert: true });

    // The default is as it was: active alerts only.
    const plain = await platform.gql<{ alerts: { id: string }[] }>(owner.key, '{ alerts { id active stoppedAt stoppedBy } }');
    expect(plain.data!.alerts).toEqual([{ id: kept.id, active: true, stoppedAt: null, stoppedBy: null }]);
    const all = await platform.gql<{ alerts: { id: string; active: boolean; stoppedAt: string | null; stoppedBy: string | null; deliveries: unknown[] }[] }>(owner.key, OWN, { all: true });
    expect(all.errors).toBeUndefined();
    expect(all.data!.alerts.map((a) => [a.id, a.active, a.stoppedBy])).toEqual([[kept.id, true, null], [gone.id, false, 'OWNER']]);
    const stoppedAt = Date.parse(all.data!.alerts[1].stoppedAt!);
    expect(stoppedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(stoppedAt).toBeLessThanOrEqual(Date.now() + 1000);
    // Nobody else's, stopped or not; and deleting it again is still NOT_FOUND.
    const other = await platform.gql<{ alerts: { id: string }[] }>(jm, OWN, { all: true });
    expect(other.data!.alerts.map((a) => a.id)).not.toContain(gone.id);
    expect((await platform.gql(owner.key, 'mutation($id: ID!) { deleteAlert(id: $id) }', { id: gone.id })).errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('POSTs a signed, non-nominal payload, retries failures with back-off and delivers once', async () => {
    const path = `/retry-${marker}`;
    plan.set(path, [500, 500]);
    const alert = await createAlert(ky.key, { name: 'Ammunition', filter: { commodityCategories: ['AMMUNITION'], text: marker }, webhookUrl: `${base}${path}` });
    const report = await submitSeizure(platform, jm, { tlp: 'AMBER', releasableTo: ['KY'], commodity: { category: 'AMMUNITION', type: marker } });

    const delivered = await waitFor('the webhook delivery', async () => {
      const rows = await deliveries(report.id);
      return rows.find((row) => row.channel === 'WEBHOOK' && row.status === 'DELIVERED');
    }, 45000);
    expect(delivered).toMatchObject({ alertId: alert.id, attempts: 3, lastError: null });
    expect((await deliveries(report.id)).map((row) => [row.channel, row.status])).toEqual([['SUBSCRIPTION', 'DELIVERED'], ['WEBHOOK', 'DELIVERED']]);

    const calls = received.filter((call) => call.path === path);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      const expected = `sha256=${createHmac('sha256', alert.webhookSecret!).update(call.body).digest('hex')}`;
      expect(call.headers['x-windward-signature']).toBe(expected);
      expect(call.headers['x-windward-delivery']).toBe(delivered.id);
      expect(Number(call.headers['x-windward-timestamp'])).toBeGreaterThan(0);
      expect(call.headers['content-type']).toBe('application/json');
      for (const nominal of NOMINAL) expect(call.body).not.toContain(nominal);
    }
    const body = JSON.parse(calls[2].body);
    expect(body).toMatchObject({
      alertId: alert.id, alertName: 'Ammunition', event: 'alert.matched',
      seizure: { id: report.id, reference: report.reference, reportingAgency: 'JM', tlp: 'AMBER', commodity: { category: 'AMMUNITION', type: marker }, route: { origin: 'US' } },
    });
    expect(Object.keys(body.seizure).sort()).toEqual(
      ['commodity', 'concealment', 'country', 'detectionMethod', 'id', 'quantity', 'reference', 'reportingAgency', 'route', 'seizedAt', 'tlp', 'transportMode'],
    );

    // Running the match again, and the delivery again, sends nothing more.
    const change = await lastChange(report.id);
    const rerun = await jobs.enqueue('alerts.match', { seizureId: report.id, changeSeq: change.seq }, { jobId: `rerun-${marker}` });
    const redeliver = await jobs.enqueue('alerts.deliver-webhook', { deliveryId: delivered.id }, { jobId: `redeliver-${marker}` });
    await waitForJobs(jobs, [rerun, redeliver], 'completed', 30_000);
    expect((await jobs.jobState(redeliver))?.result).toEqual({ outcome: 'already-delivered' });
    await sleep(500);
    expect(received.filter((call) => call.path === path)).toHaveLength(3);
    const rows = await deliveries(report.id);
    expect(rows).toHaveLength(2);
    expect(rows.filter((row) => row.status === 'DELIVERED')).toHaveLength(2);

    const listed = await platform.gql<{ alerts: { id: string; deliveries: { seizureId: string; channel: string; status: string; attempts: number }[] }[] }>(ky.key, LIST);
    expect(listed.data!.alerts.find((a) => a.id === alert.id)!.deliveries).toEqual(expect.arrayContaining([
      { seizureId: report.id, channel: 'WEBHOOK', status: 'DELIVERED', attempts: 3 },
    ]));
  }, SLOW);

  it('feeds no alert from a low-grade report (evaluation E5)', async () => {
    const path = `/low-${marker}`;
    await createAlert(ky.key, { name: 'Low', filter: { commodityCategories: ['TOBACCO'], text: `low${marker}` }, webhookUrl: `${base}${path}` });
    const report = await submitSeizure(platform, jm, {
      tlp: 'GREEN', commodity: { category: 'TOBACCO', type: `low${marker}` }, evaluation: { scheme: 'ADMIRALTY_6X6', source: 'E', information: '5' },
    });
    expect(await matchResult(report.id)).toEqual({ matched: 0, skipped: 'low-grade' });
    expect(await deliveries(report.id)).toEqual([]);
    expect(received.filter((call) => call.path === path)).toHaveLength(0);
  }, SLOW);

  it('delivers nothing the alert owner may not see, and delivers once it is released to them', async () => {
    const path = `/hidden-${marker}`;
    const alert = await createAlert(ky.key, { name: 'Hidden', filter: { commodityCategories: ['CURRENCY'], text: `hidden${marker}` }, webhookUrl: `${base}${path}` });
    const report = await submitSeizure(platform, jm, { tlp: 'AMBER', releasableTo: ['TT'], commodity: { category: 'CURRENCY', type: `hidden${marker}` } });
    expect(await matchResult(report.id)).toEqual({ matched: 0 });
    expect(await deliveries(report.id)).toEqual([]);

    const released = await platform.gql(jm, RELEASE, { id: report.id, agencies: ['KY'] });
    expect(released.errors).toBeUndefined();
    expect(await matchResult(report.id)).toEqual({ matched: 1 });
    await waitFor('the webhook delivery', async () => (await deliveries(report.id)).some((row) => row.channel === 'WEBHOOK' && row.status === 'DELIVERED'));
    const calls = received.filter((call) => call.path === path);
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0].body)).toMatchObject({ alertId: alert.id, seizure: { id: report.id } });
  }, SLOW);

  it('stops an alert and its webhook once its owner holds no credential of their own (every key revoked by their administrator)', async () => {
    const path = `/departed-${marker}`;
    const officer = await platform.userWithKey('KY', ['ELO']);
    const admin = await platform.userWithKey('KY', ['AGENCY_ADMIN']);
    // A key the administrator issues for the officer does not keep the officer's alerts going.
    expect((await platform.gql(admin.key, 'mutation($u: ID!) { createApiKey(userId: $u) { key } }', { u: officer.userId })).errors).toBeUndefined();
    await createAlert(officer.key, { name: 'Departed', filter: { commodityCategories: ['FIREARMS'], text: `departed${marker}` }, webhookUrl: `${base}${path}` });
    const before = await submitSeizure(platform, jm, { tlp: 'CLEAR', commodity: { category: 'FIREARMS', type: `departed${marker}` } });
    expect(await matchResult(before.id)).toEqual({ matched: 1 });
    await waitFor('the webhook delivery', async () => (await deliveries(before.id)).some((row) => row.channel === 'WEBHOOK' && row.status === 'DELIVERED'));

    const users = await platform.gql<{ agencyUsers: { id: string; apiKeys: { id: string; issuedBy: string | null }[] }[] }>(admin.key, '{ agencyUsers { id apiKeys { id issuedBy } } }');
    for (const key of users.data!.agencyUsers.find((user) => user.id === officer.userId)!.apiKeys.filter((k) => k.issuedBy === null)) {
      expect((await platform.gql(admin.key, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id })).errors).toBeUndefined();
    }
    const after = await submitSeizure(platform, jm, { tlp: 'CLEAR', commodity: { category: 'FIREARMS', type: `departed${marker}` } });
    expect(await matchResult(after.id)).toEqual({ matched: 0 });
    expect(await deliveries(after.id)).toEqual([]);
    expect(received.filter((call) => call.path === path)).toHaveLength(1);
  }, SLOW);

  it('does not take an alert along when its owner moves to another agency: it is marked broken and delivers nothing', async () => {
    const path = `/moved-${marker}`;
    const officer = await platform.userWithKey('KY', ['ELO']);
    const alert = await createAlert(officer.key, { name: 'Moved', filter: { commodityCategories: ['FIREARMS'], text: `moved${marker}` }, webhookUrl: `${base}${path}` });
    await platform.server.app.get(UsersService).update(officer.email, { agencyCode: 'TT' });
    const report = await submitSeizure(platform, jm, { tlp: 'CLEAR', commodity: { category: 'FIREARMS', type: `moved${marker}` } });
    expect(await matchResult(report.id)).toEqual({ matched: 0 });
    expect(await deliveries(report.id)).toEqual([]);
    expect(received.filter((call) => call.path === path)).toHaveLength(0);
    const listed = await platform.gql<{ alerts: { id: string; brokenReason: string | null }[] }>(officer.key, '{ alerts { id brokenReason } }');
    expect(listed.data!.alerts.find((a) => a.id === alert.id)?.brokenReason).toMatch(/moved to another agency/);
    // Deleting it goes on the trail of the agency it was made in, whose administrators see it stopped.
    expect((await platform.gql(officer.key, 'mutation($id: ID!) { deleteAlert(id: $id) }', { id: alert.id })).errors).toBeUndefined();
    const deleted = await platform.server.runtime.dataSource.getRepository(AuditEventEntity).findOneByOrFail({ resourceId: alert.id, action: 'alert.delete' });
    expect(deleted.resourceAgency).toBe('KY');
  }, SLOW);

  it('does not alert again when a report the owner already had is amended', async () => {
    const path = `/amended-${marker}`;
    await createAlert(ky.key, { name: 'Amended', filter: { commodityCategories: ['MEDICINES'], text: `amend${marker}` }, webhookUrl: `${base}${path}` });
    const report = await submitSeizure(platform, jm, { tlp: 'GREEN', commodity: { category: 'MEDICINES', type: `amend${marker}` } });
    expect(await matchResult(report.id)).toEqual({ matched: 1 });
    const updated = await platform.gql(jm, 'mutation($id: ID!) { updateSeizure(id: $id, input: { concealment: "PARCEL" }) { id } }', { id: report.id });
    expect(updated.errors).toBeUndefined();
    expect(await matchResult(report.id)).toEqual({ matched: 0 });
    await waitFor('the webhook delivery', async () => (await deliveries(report.id)).some((row) => row.channel === 'WEBHOOK' && row.status === 'DELIVERED'));
    expect(received.filter((call) => call.path === path)).toHaveLength(1);
  }, SLOW);

  it('alerts an agency that joined an operation when the owner links a report again for it, at the lead\'s request', async () => {
    const jio = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    const tt = (await platform.userWithKey('TT', ['ELO'])).key;
    const created = await platform.gql<{ createOperation: { id: string } }>(jio, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', {
      i: { codeName: `Joiner ${marker}`, focus: 'Currency', tlp: 'AMBER', startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-20T00:00:00Z', participants: ['JM', 'KY'] },
    });
    const operationId = created.data!.createOperation.id;
    await createAlert(tt, { name: 'Joiner', filter: { commodityCategories: ['CURRENCY'], text: `joiner${marker}` } });
    const report = await submitSeizure(platform, jm, { tlp: 'AMBER', operationId, commodity: { category: 'CURRENCY', type: `joiner${marker}` } });
    expect(await matchResult(report.id)).toEqual({ matched: 0 }); // TT takes no part yet

    const added = await platform.gql(jio, 'mutation($o: ID!) { addOperationParticipants(operationId: $o, agencies: ["TT"]) { id } }', { o: operationId });
    expect(added.errors).toBeUndefined();
    // Linked before TT joined: the lead may ask JM to link it again, for today's participants.
    const asked = await platform.gql<{ requestSeizureLink: { id: string } }>(jio, 'mutation($o: ID!, $s: ID!) { requestSeizureLink(operationId: $o, seizureId: $s, note: "TT joined") { id } }', { o: operationId, s: report.id });
    expect(asked.errors).toBeUndefined();
    const accepted = await platform.gql(jm, 'mutation($id: ID!) { respondToSeizureLinkRequest(id: $id, decision: ACCEPT) { status } }', { id: asked.data!.requestSeizureLink.id });
    expect(accepted.errors).toBeUndefined();
    expect(await matchResult(report.id)).toEqual({ matched: 1 }); // news to TT, which reads it now
    expect((await deliveries(report.id)).map((row) => row.channel)).toEqual(['SUBSCRIPTION']);
    // Linked for every participant now: nothing more to ask.
    const again = await platform.gql(jio, 'mutation($o: ID!, $s: ID!) { requestSeizureLink(operationId: $o, seizureId: $s, note: "again") { id } }', { o: operationId, s: report.id });
    expect(again.errors![0].extensions.code).toBe('CONFLICT');
  }, SLOW);

  it('does not alert again on an amendment after the upgrade that made links keep their participants', async () => {
    const jio = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    const created = await platform.gql<{ createOperation: { id: string } }>(jio, 'mutation($i: OperationInput!) { createOperation(input: $i) { id } }', {
      i: { codeName: `Upgrade ${marker}`, focus: 'Currency', tlp: 'AMBER', startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-20T00:00:00Z', participants: ['JM', 'KY'] },
    });
    await createAlert(ky.key, { name: 'Upgrade', filter: { commodityCategories: ['CURRENCY'], text: `upgrade${marker}` } });
    // AMBER, released to nobody: KY reads it through the operation alone.
    const report = await submitSeizure(platform, jm, { tlp: 'AMBER', operationId: created.data!.createOperation.id, commodity: { category: 'CURRENCY', type: `upgrade${marker}` } });
    expect(await matchResult(report.id)).toEqual({ matched: 1 });
    // Its version as written before the upgrade: no participants in the snapshot.
    await platform.server.runtime.dataSource.query("UPDATE seizure_versions SET snapshot = snapshot - 'operationAudience' WHERE seizure_id = $1", [report.id]);
    const updated = await platform.gql(jm, 'mutation($id: ID!) { updateSeizure(id: $id, input: { concealment: "PARCEL" }) { id } }', { id: report.id });
    expect(updated.errors).toBeUndefined();
    expect(await matchResult(report.id)).toEqual({ matched: 0 });
  }, SLOW);
});
