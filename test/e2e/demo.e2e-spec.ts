import { seedDemo, type DemoSeedResult } from '../../src/demo/demo.js';
import { CARIBBEAN_SHIELD_CODE_NAME } from '../../src/demo/demo-operation.js';
import {
  CARIBBEAN_SHIELD, DEMO_ANCHOR, caribbeanShieldWindow, generateDemoDataset, seedDemoSeizures, type DemoSeizureSeedResult,
} from '../../src/demo/demo-seizures.js';
import { seedDemoUsers, type DemoCredential } from '../../src/demo/demo-users.js';
import { OperationReportEntity } from '../../src/operations/reports/operation-report.entity.js';
import { SeizureLinkRequestEntity } from '../../src/operations/seizure-link-request.entity.js';
import { AuditEventEntity } from '../../src/audit/audit-event.entity.js';
import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import { validateSeizureInput } from '../../src/seizures/write/seizure-validation.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { In, Like } from 'typeorm';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ReportContent } from '../../src/operations/reports/report-content.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const GOLDEN = join(HERE, 'golden', 'caribbean-shield-report.json');
const DOCS = join(HERE, '..', '..', 'docs', 'report');
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

type Bucket = { keys: string[]; count: number };
const STATS = `query Stats($groupBy: [SeizureDimension!]!, $filter: SeizureFilter) {
  seizureStats(groupBy: $groupBy, filter: $filter) { keys count }
}`;
const LIST = `query List($filter: SeizureFilter, $first: Int) {
  seizures(filter: $filter, first: $first) { totalCount edges { node { reference tlp commodity { category description } } } }
}`;

describe('demo dataset', () => {
  const dataset = generateDemoDataset(DEMO_ANCHOR);

  it('is deterministic for an anchor, and about 300 reports of many administrations', () => {
    expect(JSON.stringify(generateDemoDataset(new Date(DEMO_ANCHOR)))).toBe(JSON.stringify(dataset));
    expect(dataset.seizures.length).toBeGreaterThanOrEqual(280);
    expect(dataset.seizures.length).toBeLessThanOrEqual(320);
    expect(new Set(dataset.seizures.map((s) => s.agency)).size).toBeGreaterThanOrEqual(24);
    expect(new Set(dataset.seizures.map((s) => `${s.agency}/${s.input.reference}`)).size).toBe(dataset.seizures.length);
  });

  it('passes validation, within the twelve months before the anchor', () => {
    const yearBefore = DEMO_ANCHOR.getTime() - 366 * 86_400_000;
    for (const { input } of dataset.seizures) {
      expect(() => validateSeizureInput(input, DEMO_ANCHOR)).not.toThrow();
      expect(input.seizedAt.getTime()).toBeLessThanOrEqual(DEMO_ANCHOR.getTime());
      expect(input.seizedAt.getTime()).toBeGreaterThan(yearBefore);
    }
  });

  it('mixes TLPs, grades and handling codes, with fictional nominal data only', () => {
    const tlps = new Set(dataset.seizures.map((s) => s.input.tlp));
    expect([...tlps].sort()).toEqual(['AMBER', 'AMBER_STRICT', 'CLEAR', 'GREEN', 'RED']);
    const green = dataset.seizures.filter((s) => s.input.tlp === 'GREEN').length;
    expect(green / dataset.seizures.length).toBeGreaterThan(0.5);
    for (const s of dataset.seizures.filter((x) => x.input.tlp === 'AMBER')) expect(s.input.releasableTo?.length).toBeGreaterThanOrEqual(1);
    const red = dataset.seizures.filter((s) => s.input.tlp === 'RED');
    expect(red.length).toBeGreaterThanOrEqual(1);
    expect(red.every((s) => s.namedUsers?.length)).toBe(true);
    expect(dataset.seizures.some((s) => s.input.evaluation?.source === 'E' && s.input.evaluation.information === '5')).toBe(true);
    expect(dataset.seizures.some((s) => s.input.handling?.code === 'H3' && s.input.handling.conditions)).toBe(true);
    const sensitive = dataset.seizures.filter((s) => s.input.sensitive);
    expect(sensitive.length / dataset.seizures.length).toBeGreaterThan(0.35);
    for (const { input } of sensitive) {
      expect(input.sensitive!.narrative).toMatch(/^FICTIONAL DEMO DATA/);
      for (const person of input.sensitive!.persons ?? []) expect(person.name).toMatch(/^Demo Person \d+ \(fictional\)$/);
      for (const company of input.sensitive!.companies ?? []) expect(company).toMatch(/^Demo .*\(fictional\)$/);
    }
  });

  it('holds about 60 reports of Operation Caribbean Shield: six weeks, small arms, many administrations', () => {
    const { startsAt, endsAt, seizures, participants } = dataset.caribbeanShield;
    expect({ startsAt, endsAt }).toEqual(caribbeanShieldWindow(DEMO_ANCHOR));
    expect(endsAt.getTime() - startsAt.getTime()).toBe(42 * 86_400_000);
    expect(seizures.length).toBeGreaterThanOrEqual(55);
    expect(new Set(seizures.map((s) => s.agency)).size).toBeGreaterThanOrEqual(15);
    expect(participants).toEqual(expect.arrayContaining([...new Set(seizures.map((s) => s.agency))]));
    const arms = seizures.filter((s) => ['FIREARMS', 'FIREARM_PARTS', 'AMMUNITION'].includes(s.input.commodity.category));
    expect(arms.length / seizures.length).toBeGreaterThan(0.85);
    for (const s of seizures) {
      expect(s.input.reference).toMatch(CARIBBEAN_SHIELD.referencePattern);
      expect(s.input.reference.slice(3, 5)).toBe(s.agency);
      expect(s.input.commodity.description).toMatch(/^Operation Caribbean Shield: /);
      expect(s.input.seizedAt >= startsAt && s.input.seizedAt <= endsAt).toBe(true);
      expect(s.operation).toBe(CARIBBEAN_SHIELD.code);
    }
    // Every operation report is in the full list too, and only those carry CS- references.
    expect(dataset.seizures.filter((s) => s.operation)).toEqual(seizures);
    expect(dataset.seizures.filter((s) => s.input.reference.startsWith('CS-')).length).toBe(seizures.length);
  });
});

describe('seeding the demo data', () => {
  let platform: TestPlatform;
  let credentials: DemoCredential[];
  let first: DemoSeizureSeedResult;
  let seeded: DemoSeedResult;
  const key = (email: string) => credentials.find((c) => c.email === email)!.apiKey;
  const seizures = () => platform.server.runtime.dataSource.getRepository(SeizureEntity).count();

  beforeAll(async () => {
    platform = await startTestPlatform();
    seeded = await seedDemo(platform.server.app);
    ({ credentials, seizures: first } = seeded);
    if (process.env.DEMO_TIMING) process.stdout.write(`demo seeding (${platform.database.kind}): ${first.total} reports in ${first.elapsedMs} ms\n`);
  }, 180_000);
  afterAll(() => platform.stop());

  it('submits every demo report once, as demo ELOs without API keys, and a second run adds nothing', async () => {
    const dataset = generateDemoDataset(DEMO_ANCHOR);
    expect(first).toMatchObject({ total: dataset.seizures.length, submitted: dataset.seizures.length, existing: 0, conflicting: [] });
    expect(await seizures()).toBe(dataset.seizures.length);
    const eloCount = await platform.server.runtime.dataSource.getRepository(UserEntity).countBy({ email: Like('elo@%.demo') });
    expect(eloCount).toBeGreaterThanOrEqual(24);
    const audit = await platform.server.runtime.dataSource.getRepository(AuditEventEntity).count();

    const again = await seedDemo(platform.server.app);
    if (process.env.DEMO_TIMING) process.stdout.write(`demo re-seeding (${platform.database.kind}): ${again.seizures.elapsedMs} ms\n`);
    expect(again.seizures).toMatchObject({ submitted: 0, existing: dataset.seizures.length, conflicting: [] });
    expect(await seizures()).toBe(dataset.seizures.length);
    expect(await platform.server.runtime.dataSource.getRepository(AuditEventEntity).count()).toBe(audit);
    expect(again.credentials).toEqual([]);
    // The operation, its links and its one published report are all left as they were.
    expect(again.operation).toEqual({ ...seeded.operation, created: false });
    expect(await platform.server.runtime.dataSource.getRepository(OperationReportEntity).count()).toBe(1);
    // Demo ELOs of other agencies have no API key: only the original demo users got one.
    expect(credentials.map((c) => c.email)).not.toContain('elo@bs.demo');
  }, 180_000);

  it.each(['elo@jm.demo', 'analyst@jio.demo'])('shows %s many countries and commodities', async (email) => {
    const countries = await platform.gql<{ seizureStats: Bucket[] }>(key(email), STATS, { groupBy: ['COUNTRY'] });
    expect(countries.errors).toBeUndefined();
    expect(countries.data!.seizureStats.length).toBeGreaterThanOrEqual(20);
    const commodities = await platform.gql<{ seizureStats: Bucket[] }>(key(email), STATS, { groupBy: ['COMMODITY_CATEGORY'] });
    const categories = commodities.data!.seizureStats.map((b) => b.keys[0]);
    expect(categories).toEqual(expect.arrayContaining(['DRUGS', 'FIREARMS', 'FIREARM_PARTS', 'AMMUNITION', 'TOBACCO', 'CURRENCY']));
    expect(categories.length).toBeGreaterThanOrEqual(8);
    const months = await platform.gql<{ seizureStats: Bucket[] }>(key(email), STATS, { groupBy: ['MONTH'] });
    expect(months.data!.seizureStats.length).toBeGreaterThanOrEqual(11);
  });

  it.each([['elo@jm.demo', 'JM'], ['analyst@jio.demo', 'JIO']])('finds the Caribbean Shield reports %s may see by text and by reference', async (email, agency) => {
    // Both agencies take part in the operation, so they see its linked reports up to TLP:AMBER.
    const visible = generateDemoDataset(DEMO_ANCHOR).caribbeanShield.seizures
      .filter((s) => ['CLEAR', 'GREEN', 'AMBER'].includes(s.input.tlp) || s.agency === agency || s.input.releasableTo?.includes(agency))
      .map((s) => s.input.reference);
    expect(visible.length).toBeGreaterThanOrEqual(30);
    const byName = await platform.gql<{ seizures: { totalCount: number; edges: { node: { reference: string } }[] } }>(
      key(email), LIST, { filter: { text: 'Caribbean Shield' }, first: 100 },
    );
    expect(byName.errors).toBeUndefined();
    expect(byName.data!.seizures.edges.map((e) => e.node.reference).sort()).toEqual(visible.sort());
    expect(byName.data!.seizures.edges.every((e) => CARIBBEAN_SHIELD.referencePattern.test(e.node.reference))).toBe(true);
    const byPrefix = await platform.gql<{ seizures: { totalCount: number } }>(key(email), LIST, { filter: { text: 'CS' } });
    expect(byPrefix.data!.seizures.totalCount).toBe(byName.data!.seizures.totalCount);
    const one = await platform.gql<{ seizures: { edges: { node: { reference: string } }[] } }>(key(email), LIST, { filter: { text: 'CS-JM-001' } });
    expect(one.data!.seizures.edges.map((e) => e.node.reference)).toContain('CS-JM-001');
  });

  it('shows RED reports to their named users only', async () => {
    const red = { filter: { tlps: ['RED'] } };
    const analyst = await platform.gql<{ seizures: { totalCount: number } }>(key('analyst@jio.demo'), LIST, red);
    expect(analyst.data!.seizures.totalCount).toBe(2);
    const ky = await platform.gql<{ seizures: { totalCount: number } }>(key('elo@ky.demo'), LIST, red);
    expect(ky.data!.seizures.totalCount).toBe(0);
    const jm = await platform.gql<{ seizures: { totalCount: number } }>(key('elo@jm.demo'), LIST, red);
    expect(jm.data!.seizures.totalCount).toBe(1); // its own
  });

  const OPERATIONS = `query Operations($status: OperationStatus) {
    operations(status: $status) { totalCount edges { node {
      id codeName status startsAt endsAt leadAgency { code } participants { code } seizures(first: 1) { totalCount }
      reports { id status version totals { count } withheldDetail { linkedVisibleToAnalyst withheld } breakdowns { dimension buckets { keys count } } summary signature { verified } }
    } } }
  }`;
  type DemoOperation = {
    id: string; codeName: string; status: string; startsAt: string; endsAt: string; leadAgency: { code: string }; participants: { code: string }[];
    seizures: { totalCount: number };
    reports: { id: string; status: string; version: number; totals: { count: number }; withheldDetail: { linkedVisibleToAnalyst: number; withheld: number } | null; breakdowns: { dimension: string; buckets: { keys: string[]; count: number }[] }[]; summary: string; signature: { verified: boolean } | null }[];
  };
  const operationsFor = async (email: string) => {
    const response = await platform.gql<{ operations: { totalCount: number; edges: { node: DemoOperation }[] } }>(key(email), OPERATIONS, {});
    expect(response.errors).toBeUndefined();
    return response.data!.operations.edges.map((e) => e.node);
  };

  it('runs Operation Caribbean Shield as the JIO analyst would: every report linked, follow-up, one published report', async () => {
    const { caribbeanShield } = generateDemoDataset(DEMO_ANCHOR);
    expect(seeded.operation).toMatchObject({
      created: true, status: 'FOLLOW_UP', linkedReports: caribbeanShield.seizures.length, operationReports: caribbeanShield.seizures.length,
      report: { version: 1, status: 'PUBLISHED', failureReason: null },
    });
    const [operation] = await operationsFor('analyst@jio.demo');
    expect(operation).toMatchObject({
      id: seeded.operation!.operationId, codeName: CARIBBEAN_SHIELD_CODE_NAME, status: 'FOLLOW_UP', leadAgency: { code: 'JIO' },
      startsAt: caribbeanShield.startsAt.toISOString(), endsAt: caribbeanShield.endsAt.toISOString(),
    });
    expect(operation.participants.map((a) => a.code).sort()).toEqual([...caribbeanShield.participants, 'JIO'].sort());

    // The report covers exactly the linked reports the analyst sees (never RED), and says so in its numbers.
    const seenByJio = caribbeanShield.seizures.filter((s) => s.input.tlp !== 'RED' &&
      (['CLEAR', 'GREEN', 'AMBER'].includes(s.input.tlp) || s.input.releasableTo?.includes('JIO')));
    expect(operation.seizures.totalCount).toBe(seenByJio.length);
    const [report] = operation.reports;
    // The report is for every participant: it holds the linked reports all of them may read, and the
    // analyst alone is told how many of those it sees were withheld.
    expect(report.withheldDetail!.linkedVisibleToAnalyst).toBe(seenByJio.length);
    const included = seenByJio.length - report.withheldDetail!.withheld;
    expect(report).toMatchObject({ id: seeded.operation!.report!.id, status: 'PUBLISHED', version: 1, totals: { count: included }, signature: { verified: true } });
    expect(included).toBeGreaterThan(0);
    const byCountry = report.breakdowns.find((b) => b.dimension === 'COUNTRY')!.buckets;
    expect(byCountry.reduce((sum, b) => sum + b.count, 0)).toBe(included);
    const byWeek = report.breakdowns.find((b) => b.dimension === 'WEEK')!.buckets;
    expect(byWeek).toHaveLength(6);
    expect(report.summary).toContain(CARIBBEAN_SHIELD_CODE_NAME);
    expect(report.summary).not.toMatch(/Demo Person|fictional\)|FICTIONAL DEMO DATA/);

    const pdf = await platform.http().get(`/reports/${report.id}.pdf`).set('Authorization', `Bearer ${key('elo@jm.demo')}`).buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('publishes the report that the golden file describes: totals, sections, marking, four-eyes history', async () => {
    const stored = await platform.server.runtime.dataSource.getRepository(OperationReportEntity).findOneByOrFail({ id: seeded.operation!.report!.id });
    const content = stored.content as unknown as ReportContent;
    const history = await platform.gql<{ operationReport: { history: { action: string; agency: string }[] } }>(key('elo@jm.demo'), `query($id: ID!) { operationReport(id: $id) { history { action agency } } }`, { id: stored.id });
    const actual = {
      marking: content.marking,
      totals: { count: content.totals.count, totalValue: content.totals.totalValue, countries: content.totals.countries, reportingAgencies: content.totals.reportingAgencies, quantities: content.totals.quantities },
      period: { startsAt: content.operation.startsAt, lastDay: content.operation.lastDay, weeks: content.timeline.map((w) => [w.week, w.from, w.to, w.count]) },
      trends: { before: content.trends.before.count, during: content.trends.during.count },
      sections: stored.summary!.split('\n').filter((line) => /^##? /.test(line)),
      outcomesRecorded: content.outcomes.filter((o) => o.recorded).map((o) => o.agency),
      history: history.data!.operationReport.history.map((h) => h.action),
    };
    if (process.env.UPDATE_GOLDEN) {
      // UPDATE_GOLDEN=1 rewrites the golden file and the README's pictures of the demo report.
      await writeFile(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
      await mkdir(DOCS, { recursive: true });
      await writeFile(join(DOCS, 'caribbean-shield-report.pdf'), stored.pdf!);
      await promisify(execFile)('pdftoppm', ['-r', '80', '-png', join(DOCS, 'caribbean-shield-report.pdf'), join(DOCS, 'caribbean-shield-page')]);
    }
    expect(actual).toEqual(JSON.parse(await readFile(GOLDEN, 'utf8')));
    // The bug of the first report: one row per unit, not per country and unit.
    expect(new Set(content.totals.quantities.map((q) => q.unit)).size).toBe(content.totals.quantities.length);
    expect(content.trends.during.count).toBe(content.totals.count);
  });

  it('shows the operation and its published report to participants only', async () => {
    for (const email of ['elo@jm.demo', 'elo@ky.demo', 'elo@tt.demo']) {
      const [operation] = await operationsFor(email);
      expect(operation.codeName).toBe(CARIBBEAN_SHIELD_CODE_NAME);
      expect(operation.reports.map((r) => r.status)).toEqual(['PUBLISHED']);
    }
    expect(await operationsFor('partner@rilo-we.demo')).toEqual([]);
  });
});

describe('seeding the demo over demo data of an earlier version (reports without the operation)', () => {
  let platform: TestPlatform;
  afterAll(() => platform.stop());

  it('asks the owners to link the operation reports the JIO analyst can see, and links none itself', async () => {
    platform = await startTestPlatform();
    await seedDemoUsers(platform.server.app);
    await seedDemoSeizures(platform.server.app);
    const { caribbeanShield } = generateDemoDataset(DEMO_ANCHOR);

    const result = await seedDemo(platform.server.app);
    // Resubmitted under the operation, the old reports differ in content: left alone, then linked.
    expect(result.seizures.conflicting.sort()).toEqual(caribbeanShield.seizures.map((s) => `${s.agency}/${s.input.reference}`).sort());
    const linkable = caribbeanShield.seizures.filter((s) => ['CLEAR', 'GREEN'].includes(s.input.tlp) || s.input.releasableTo?.includes('JIO'));
    // Only an owner links its report: the analyst's requests wait for the owners' answers.
    expect(result.operation).toMatchObject({ status: 'FOLLOW_UP', linkedReports: 0, report: { status: 'PUBLISHED' } });
    const requests = await platform.server.runtime.dataSource.getRepository(SeizureLinkRequestEntity).findBy({ operationId: result.operation!.operationId, status: 'PENDING' });
    const requested = await platform.server.runtime.dataSource.getRepository(SeizureEntity).findBy({ id: In(requests.map((r) => r.seizureId)) });
    expect(requested.map((s) => s.reference).sort()).toEqual(linkable.map((s) => s.input.reference).sort());
  }, 180_000);
});
