import { randomBytes } from 'node:crypto';
import { AlertDeliveryEntity } from '../../src/alerts/alert.entity.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { SeizureChangeEntity } from '../../src/seizures/data/seizure-change.entity.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

const CREATE_OP = `mutation($i: OperationInput!) { createOperation(input: $i) { id } }`;
const LINK = `mutation($o: ID!, $s: ID!) { linkSeizureToOperation(operationId: $o, seizureId: $s) { version } }`;
const ALERT = `mutation($input: AlertInput!) { createAlert(input: $input) { id } }`;
const READ = `query($id: ID!) { seizure(id: $id) { id } }`;

describe('review: relink for a late joiner and alerts', () => {
  let platform: TestPlatform;
  let jobs: JobsService;
  const marker = randomBytes(4).toString('hex');
  beforeAll(async () => { platform = await startTestPlatform({ worker: true }); jobs = platform.server.app.get(JobsService); });
  afterAll(() => platform.stop());

  async function matchResult(seizureId: string) {
    const change = await platform.server.runtime.dataSource.getRepository(SeizureChangeEntity).findOne({ where: { seizureId }, order: { seq: 'DESC' } });
    const state = await waitFor(`match ${change!.seq}`, async () => {
      const job = await jobs.jobState(`alerts-match-${change!.seq}`);
      return (job?.state === 'completed' && job.result != null) || job?.state === 'failed' ? job : null;
    });
    return { change: change!.change, result: state.result };
  }

  it('alerts a late joiner when the owner relinks a report for it', async () => {
    const jio = (await platform.userWithKey('JIO', ['ANALYST'])).key;
    const jm = (await platform.userWithKey('JM', ['ELO'])).key;
    const tt = (await platform.userWithKey('TT', ['ELO'])).key;
    const op = await platform.gql<{ createOperation: { id: string } }>(jio, CREATE_OP, {
      i: { codeName: `Rev ${marker}`, focus: 'x', tlp: 'AMBER', startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-20T00:00:00Z', participants: ['JM', 'KY'] },
    });
    const id = op.data!.createOperation.id;
    const a = await platform.gql(tt, ALERT, { input: { name: 'tt', filter: { commodityCategories: ['CURRENCY'], text: `rv${marker}` } } });
    expect(a.errors).toBeUndefined();
    const report = await submitSeizure(platform, jm, { tlp: 'AMBER', operationId: id, commodity: { category: 'CURRENCY', type: `rv${marker}` } });
    console.log('submitted', await matchResult(report.id));
    expect((await platform.gql(jio, 'mutation($o: ID!) { addOperationParticipants(operationId: $o, agencies: ["TT"]) { id } }', { o: id })).errors).toBeUndefined();
    expect((await platform.gql<{ seizure: unknown }>(tt, READ, { id: report.id })).data!.seizure).toBeNull();
    // Owner relinks for the new participant list: TT now reads the report ...
    const relinked = await platform.gql<{ linkSeizureToOperation: { version: number } }>(jm, LINK, { o: id, s: report.id });
    expect(relinked.errors).toBeUndefined();
    expect((await platform.gql<{ seizure: unknown }>(tt, READ, { id: report.id })).data!.seizure).not.toBeNull();
    // ... and its alert (which matches it) should fire, as it does on a release.
    const relinkMatch = await matchResult(report.id);
    console.log('relinked', relinkMatch);
    const deliveries = await platform.server.runtime.dataSource.getRepository(AlertDeliveryEntity).findBy({ seizureId: report.id });
    console.log('deliveries', deliveries.length);
    // Control: a report linked for the first time now (TT already a participant) does alert TT.
    const fresh = await submitSeizure(platform, jm, { tlp: 'AMBER', commodity: { category: 'CURRENCY', type: `rv${marker}` } });
    await matchResult(fresh.id);
    expect((await platform.gql(jm, LINK, { o: id, s: fresh.id })).errors).toBeUndefined();
    const freshMatch = await matchResult(fresh.id);
    console.log('fresh link', freshMatch);
    expect(freshMatch.result).toEqual({ matched: 1 });
    expect(relinkMatch.result).toEqual({ matched: 1 });
  }, 180_000);
});
