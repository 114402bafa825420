import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const HISTORY = `query($id: ID!) { seizure(id: $id) { id redactedFields history { version change changedFields changedAt } } }`;

interface Answer {
  seizure: { redactedFields: string[]; history: { version: number; change: string; changedFields: string[] }[] } | null;
}

describe('a report version history', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform?.stop());

  it('is read by those who may see the distribution; the others get it withheld, in redactedFields', async () => {
    const jm = await platform.userWithKey('JM', ['ELO']);
    const ky = await platform.userWithKey('KY', ['ELO']);
    const tt = await platform.userWithKey('TT', ['ELO']);
    const report = await submitSeizure(platform, jm.key, { tlp: 'GREEN' });
    expect((await platform.gql(jm.key, 'mutation($id: ID!) { releaseSeizure(id: $id, agencies: ["KY"]) { id } }', { id: report.id })).errors).toBeUndefined();
    expect((await platform.gql(jm.key, 'mutation($id: ID!) { updateSeizure(id: $id, input: { concealment: "false floor" }) { id } }', { id: report.id })).errors).toBeUndefined();

    const owner = await platform.gql<Answer>(jm.key, HISTORY, { id: report.id });
    expect(owner.data!.seizure!.redactedFields).not.toContain('history');
    expect(owner.data!.seizure!.history.map((h) => [h.version, h.change])).toEqual([[1, 'SUBMITTED'], [2, 'RELEASED'], [3, 'UPDATED']]);
    expect(owner.data!.seizure!.history[2].changedFields).toContain('concealment');

    // KY had it released: the whole report, history included.
    const released = await platform.gql<Answer>(ky.key, HISTORY, { id: report.id });
    expect(released.data!.seizure!.history).toHaveLength(3);

    // TT sees the GREEN facts only: no history, and says so.
    const member = await platform.gql<Answer>(tt.key, HISTORY, { id: report.id });
    expect(member.data!.seizure).not.toBeNull();
    expect(member.data!.seizure!.history).toEqual([]);
    expect(member.data!.seizure!.redactedFields).toContain('history');
  });
});
