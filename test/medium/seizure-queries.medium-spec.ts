import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger, ObjectLiteral } from 'typeorm';
import { buildAbility } from '../../src/access/ability.factory.js';
import { loadConfigFiles } from '../../src/config/config-files.js';
import type { Principal } from '../../src/access/principal.js';
import type { RequestContext } from '../../src/access/request-context.js';
import { configDir } from '../../src/config/app-config.js';
import { ReadStatements } from '../../src/database/read-statements.js';
import type { SeizureFilter } from '../../src/seizures/api/seizure.inputs.js';
import { SeizureReportAggregates, type ReportReaders, type ReportScope } from '../../src/seizures/data/seizure-report-aggregates.js';
import { SeizureStatsAggregates } from '../../src/seizures/data/seizure-stats-aggregates.js';
import { SeizureSearchService, encodeCursor } from '../../src/seizures/data/seizure-search.service.js';
import { formatSql } from './support/sql-format.js';
import { openMediumDatabase, type MediumDatabase } from './support/medium-database.js';

/**
 * The SQL each named method of the seizures data owner sends, checked in under
 * src/seizures/data/queries/ so that a reviewer sees it change in a diff (the idea of Immich's
 * server/src/queries). The methods run for real, with a fixed sample reader and filter, on the
 * database CI gives (PostgreSQL, or embedded PGlite); every statement they send is recorded.
 * The test fails when a checked-in file differs: regenerate with `npm run sql:generate`.
 */
const QUERIES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/seizures/data/queries');
const UPDATE = process.env.SQL_UPDATE === '1';

const OPERATION = '7d3c1f0e-5a6b-4c8d-9e0f-1a2b3c4d5e6f';
const SEIZURE_A = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const SEIZURE_B = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const SAMPLE_FILTER: SeizureFilter = {
  countries: ['JM', 'KY'],
  commodityCategories: ['DRUGS'],
  seizedFrom: new Date('2026-01-01T00:00:00Z'),
  text: 'cocaine',
};

/** What a dashboard asks: no text, a start in the middle of a month, so both the aggregates and a scan of the edge month show. */
const DASHBOARD_FILTER: SeizureFilter = { countries: ['JM', 'KY'], seizedFrom: new Date('2026-01-15T00:00:00Z') };

/**
 * Methods that send no SQL of their own (private helpers, the statement builder under `page`, the
 * filter check): every other method of these classes must have a section, so a new query method
 * cannot skip the checked-in SQL.
 */
const SENDS_NO_SQL: Record<string, readonly string[]> = {
  SeizureSearchService: ['constructor', 'visible', 'accessSqlOf', 'accessWhereOf', 'selectList', 'pageStatement', 'checkFilter'],
  SeizureReportAggregates: ['constructor', 'source', 'target'],
};

function expectEveryMethodCovered(type: { name: string; prototype: object }, sections: { name: string }[]): void {
  const covered = new Set(sections.map((section) => section.name.split('.')[1]));
  const methods = Object.getOwnPropertyNames(type.prototype).filter((name) => !SENDS_NO_SQL[type.name].includes(name));
  expect(methods.filter((name) => !covered.has(name))).toEqual([]);
}

function principal(agencyCode: string, roles: Principal['roles'], userId: string): Principal {
  return {
    userId, email: `sample@${agencyCode.toLowerCase()}.invalid`, agencyCode, agencyKind: 'MEMBER_ADMINISTRATION', country: agencyCode, region: 'CARIBBEAN',
    communities: ['CCLEC'], roles, authMethod: 'api-key', openOperations: [OPERATION],
  };
}

interface Recorded {
  sql: string;
  params: unknown[] | ObjectLiteral;
}

/** Every statement sent, whether through TypeORM (its logger sees each) or the statement adapter. */
class Recorder {
  statements: Recorded[] = [];
  readonly logger: Logger = {
    logQuery: (query: string, parameters?: unknown[] | ObjectLiteral) => {
      this.statements.push({ sql: query, params: parameters ?? [] });
    },
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };

  async during(run: () => Promise<unknown>): Promise<Recorded[]> {
    this.statements = [];
    await run();
    return this.statements;
  }
}

class RecordingReads extends ReadStatements {
  constructor(
    private readonly recorder: Recorder,
    ...args: ConstructorParameters<typeof ReadStatements>
  ) {
    super(...args);
  }

  override rows(text: string, values: unknown[]): Promise<unknown[][]> {
    this.recorder.statements.push({ sql: text, params: values });
    return super.rows(text, values);
  }

  override records<T>(text: string, values: unknown[]): Promise<T[]> {
    this.recorder.statements.push({ sql: text, params: values });
    return super.records<T>(text, values);
  }
}

const showValue = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/** One file per class: each method's statements with their parameters, in the order sent. */
function render(source: string, sections: { name: string; call: string; statements: Recorded[] }[]): string {
  let text = `-- The SQL that ${source} sends, one section per method,\n-- with a fixed sample reader and filter. Generated by test/medium/seizure-queries.medium-spec.ts:\n-- run \`npm run sql:generate\` after changing a query; CI fails while this file is stale.\n`;
  for (const section of sections) {
    text += `\n-- ${section.name}: ${section.call}\n`;
    for (const statement of section.statements) {
      const params = Array.isArray(statement.params) ? statement.params : Object.values(statement.params as Record<string, unknown>);
      text += `${formatSql(statement.sql)};\n`;
      if (params.length) text += `-- parameters: ${JSON.stringify(params.map(showValue))}\n`;
    }
  }
  return text;
}

describe('the checked-in SQL of the seizures data owner', () => {
  let db: MediumDatabase;
  const recorder = new Recorder();
  let search: SeizureSearchService;
  let aggregates: SeizureReportAggregates;
  let ctx: RequestContext;
  let readers: ReportReaders[];

  beforeAll(async () => {
    db = await openMediumDatabase({ migrate: true });
    db.dataSource.logger = recorder.logger;
    const reads = new RecordingReads(recorder, db.dataSource, false);
    search = new SeizureSearchService(db.dataSource, reads, new SeizureStatsAggregates(db.dataSource, reads));
    aggregates = new SeizureReportAggregates(db.dataSource);
    const policy = loadConfigFiles(configDir()).policies;
    const reader = principal('JM', ['ELO'], '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b');
    ctx = { principal: reader, ability: buildAbility(policy, reader, [OPERATION]), requestId: 'sample' };
    // A report's readers as ReportAudienceService makes them: the agency's user with no role.
    const audienceMember = (code: string) => buildAbility(policy, principal(code, [], '00000000-0000-4000-8000-000000000000'), [OPERATION]);
    readers = [
      { agency: 'JM', abilities: [audienceMember('JM')] },
      { agency: 'KY', abilities: [audienceMember('KY')] },
    ];
  });
  afterAll(() => db?.close());

  const check = (file: string, text: string) => {
    const target = path.join(QUERIES, file);
    if (UPDATE) writeFileSync(target, text);
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: reported as stale below
    }
    if (current === text) return;
    const [was, now] = [current.split('\n'), text.split('\n')];
    const line = now.findIndex((row, i) => row !== was[i]);
    throw new Error(
      `${path.relative(process.cwd(), target)} is stale: run \`npm run sql:generate\` and commit the file.\n` +
        `First difference, line ${line + 1}:\n- ${was[line] ?? '(end of file)'}\n+ ${now[line] ?? '(end of file)'}`,
    );
  };

  it('SeizureSearchService', async () => {
    const cursor = encodeCursor({ seizedAt: new Date('2026-06-30T12:00:00Z'), id: SEIZURE_A });
    const calls: [string, string, () => Promise<unknown>][] = [
      ['page', 'first page, every column', () => search.page(ctx, SAMPLE_FILTER, 20)],
      ['page', 'after a cursor, the columns of a list view', () => search.page(ctx, SAMPLE_FILTER, 20, cursor, ['id', 'reference', 'seizedAt', 'country', 'tlp', 'reportingAgency'])],
      ['count', 'the sample filter', () => search.count(ctx, SAMPLE_FILTER)],
      ['stats', 'by COUNTRY and MONTH, a text filter: the scan', () => search.stats(ctx, SAMPLE_FILTER, ['COUNTRY', 'MONTH'])],
      ['stats', 'by COUNTRY and COMMODITY_CATEGORY from mid-January: the monthly aggregates and the partial month', () => search.stats(ctx, DASHBOARD_FILTER, ['COUNTRY', 'COMMODITY_CATEGORY'])],
      ['findVisible', 'one id', () => search.findVisible(ctx, SEIZURE_A)],
      ['byIds', 'two ids', () => search.byIds(ctx, [SEIZURE_A, SEIZURE_B])],
      ['findMatching', 'the sample filter, one id', () => search.findMatching(ctx, SAMPLE_FILTER, SEIZURE_A)],
      ['matches', 'the sample filter, one id', () => search.matches(ctx, SAMPLE_FILTER, SEIZURE_A)],
      ['unrestrictedById', 'one id', () => search.unrestrictedById(SEIZURE_A)],
      ['changeLogHead', 'the last seq', () => search.changeLogHead()],
      ['feedChanges', 'the change feed: after seq 100 up to 200, a page of 100', () => search.feedChanges(ctx, ctx.principal.userId, '100', '200', 101)],
    ];
    const sections = [];
    for (const [name, call, run] of calls) sections.push({ name: `SeizureSearchService.${name}`, call, statements: await recorder.during(run) });
    expect(sections.every((section) => section.statements.length > 0)).toBe(true);
    expectEveryMethodCovered(SeizureSearchService, sections);
    check('seizure-search.service.sql', render('SeizureSearchService (seizure-search.service.ts)', sections));
  });

  it('SeizureReportAggregates', async () => {
    const linked: ReportScope = { operationId: OPERATION };
    const weekStart = new Date('2026-03-02T00:00:00Z');
    const earlier: ReportScope = { reportingAgencies: ['JM', 'KY'], commodityCategories: ['DRUGS', 'FIREARMS'], seizedFrom: new Date('2026-02-01T00:00:00Z'), seizedTo: new Date('2026-03-01T23:59:59.999Z') };
    const calls: [string, string, () => Promise<unknown>][] = [
      ['grouped', 'COUNTRY, reports linked to an operation, read by JM and KY', () => aggregates.grouped(readers, linked, 'COUNTRY', weekStart)],
      ['grouped', 'WEEK', () => aggregates.grouped(readers, linked, 'WEEK', weekStart)],
      ['grouped', 'LOCATION', () => aggregates.grouped(readers, linked, 'LOCATION', weekStart)],
      ['spread', 'linked', () => aggregates.spread(readers, linked)],
      ['tlps', 'linked', () => aggregates.tlps(readers, linked)],
      ['topCases', 'by value', () => aggregates.topCases(readers, linked, 'VALUE', ['CLEAR', 'GREEN', 'AMBER'], 5)],
      ['topCases', 'firearms', () => aggregates.topCases(readers, linked, 'FIREARMS', ['CLEAR', 'GREEN', 'AMBER'], 5)],
      ['countByCategory', 'the agencies\' reports in the period before', () => aggregates.countByCategory(readers, earlier)],
      ['concealmentPatterns', 'linked, top 10', () => aggregates.concealmentPatterns(readers, linked, 10)],
      ['routes', 'linked, top 10', () => aggregates.routes(readers, linked, 10)],
      ['places', 'linked', () => aggregates.places(readers, linked)],
      ['withheld', 'for the sample reader as the compiling analyst', () => aggregates.withheld(ctx, OPERATION, readers)],
      ['sources', 'linked, at compilation', () => aggregates.sources(readers, linked)],
      ['sources', 'linked, at publication: the compiled rows only', () => aggregates.sources(readers, linked, ['00000000-0000-4000-8000-000000000001'])],
    ];
    const sections = [];
    for (const [name, call, run] of calls) sections.push({ name: `SeizureReportAggregates.${name}`, call, statements: await recorder.during(run) });
    expect(sections.every((section) => section.statements.length > 0)).toBe(true);
    expectEveryMethodCovered(SeizureReportAggregates, sections);
    check('seizure-report-aggregates.sql', render('SeizureReportAggregates (seizure-report-aggregates.ts)', sections));
  });
});
