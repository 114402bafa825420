import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { AccessService } from '../../src/access/access.service.js';
import { REQUEST_CONTEXT_FACTORY, type RequestContext, type RequestContextFactory } from '../../src/access/request-context.js';
import { OperationEntity, type OperationStatus } from '../../src/operations/operation.entity.js';
import { ReportAudienceService } from '../../src/operations/reports/report-audience.js';
import { ReportCompilerService } from '../../src/operations/reports/report-compiler.service.js';
import type { ReportContent } from '../../src/operations/reports/report-content.js';
import { TLPS, type Tlp } from '../../src/seizures/seizure.enums.js';
import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { NEUTRAL_SEIZURE_COLUMNS } from '../support/seizure-fixtures.js';

/**
 * An operation report is compiled for its audience from what every reader may read: so, for every
 * reader, removing any record that reader may not read must leave the report unchanged. Random
 * operations (lead, participants, status), random linked and unlinked records of every TLP and
 * releasability, readers of every audience agency with different roles.
 */
const RUN_SEED = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};
const RUNS = Number(process.env.FC_RUNS ?? 25);

const READERS: [string, string[]][] = [
  ['JIO', ['ANALYST']], ['JIO', ['AUDITOR']], ['JM', ['ELO']], ['JM', ['AGENCY_ADMIN']], ['KY', ['ELO']], ['TT', ['ELO']], ['BB', ['ELO']], ['RILO-WE', ['PARTNER']],
];
const OWNERS = ['JIO', 'JM', 'KY', 'TT', 'BB'];
const PARTICIPANTS = ['JM', 'KY', 'TT', 'BB', 'RILO-WE'];
const START = Date.UTC(2026, 7, 3);
const DAY = 86_400_000;

interface RecordShape {
  owner: string;
  tlp: Tlp;
  releasableTo: string[];
  namedReaders: number[];
  linked: boolean;
  /** An agency that joined the operation after the report was linked (not in the link's audience), if any. */
  joinedLater: string | null;
  day: number;
  value: number | null;
  category: 'FIREARMS' | 'DRUGS' | 'AMMUNITION';
  place: number;
  retracted: boolean;
}

const recordArbitrary: fc.Arbitrary<RecordShape> = fc.record({
  owner: fc.constantFrom(...OWNERS),
  tlp: fc.constantFrom<Tlp>(...TLPS),
  releasableTo: fc.subarray(['JIO', 'JM', 'KY', 'TT', 'BB', 'RILO-WE']),
  namedReaders: fc.subarray(READERS.map((_r, i) => i), { maxLength: 2 }),
  linked: fc.boolean(),
  joinedLater: fc.option(fc.constantFrom('JIO', 'JM', 'KY', 'TT', 'BB'), { nil: null, freq: 3 }),
  day: fc.integer({ min: -40, max: 45 }),
  value: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
  category: fc.constantFrom('FIREARMS' as const, 'DRUGS' as const, 'AMMUNITION' as const),
  place: fc.integer({ min: 0, max: 3 }),
  retracted: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

describe('operation reports: removing a record a reader may not read never changes the report (property)', () => {
  let platform: TestApp;
  let dataSource: DataSource;
  let access: AccessService;
  let compiler: ReportCompilerService;
  let audiences: ReportAudienceService;
  const readers: { agency: string; ctx: RequestContext }[] = [];
  let leadCtx: RequestContext;

  beforeAll(async () => {
    platform = await startTestApp();
    dataSource = platform.server.runtime.dataSource;
    access = platform.server.app.get(AccessService);
    compiler = platform.server.app.get(ReportCompilerService, { strict: false });
    audiences = platform.server.app.get(ReportAudienceService, { strict: false });
    const contexts = platform.server.app.get<RequestContextFactory>(REQUEST_CONTEXT_FACTORY);
    for (const [agency, roles] of READERS) {
      const { userId } = await platform.userWithKey(agency, roles);
      readers.push({ agency, ctx: (await contexts.forUser(userId, 'prop'))! });
    }
    leadCtx = readers[0].ctx;
  });
  afterAll(() => platform?.stop());

  /** The reader's ability as it stands now (the operations it takes part in are read again). */
  async function abilityOf(ctx: RequestContext) {
    return access.abilityFor({ ...ctx.principal, openOperations: undefined });
  }

  function row(shape: RecordShape, operation: { id: string; participants: string[] }, marker: string, i: number): Partial<SeizureEntity> {
    const operationId = operation.id;
    const named = shape.namedReaders.map((index) => readers[index].ctx.principal.userId);
    const author = readers.find((r) => r.agency === shape.owner)?.ctx.principal.userId ?? readers[0].ctx.principal.userId;
    return {
      ...NEUTRAL_SEIZURE_COLUMNS,
      reference: `P-${marker}-${i}`, reportingAgency: shape.owner, ownerCommunities: ['CCLEC'], createdBy: author,
      status: shape.retracted ? 'RETRACTED' : 'SUBMITTED', tlp: shape.tlp,
      releasableTo: shape.tlp === 'RED' ? [] : shape.releasableTo.filter((code) => code !== shape.owner), releasableToUsers: shape.tlp === 'RED' ? [...new Set([...named, author])] : [],
      seizedAt: new Date(START + shape.day * DAY), country: shape.owner === 'JIO' ? 'JM' : shape.owner, locationName: `Place ${shape.place} ${marker}`,
      transportMode: 'SEA', commodityCategory: shape.category, commodityType: null,
      quantityValue: 1 + i, quantityUnit: 'ITEMS', quantityKg: null, valueAmount: shape.value, valueCurrency: shape.value == null ? null : 'USD', valueUsd: shape.value,
      concealment: `C${shape.place}`, detectionMethod: 'RANDOM', routeOrigin: 'US', routeTransit: [], routeDestination: 'JM', routeCountries: ['US', 'JM'],
      operationId: shape.linked ? operationId : null, operationLinkBasis: shape.linked ? 'SUBMITTED' : null,
      operationAudience: shape.linked ? operation.participants.filter((code) => code !== shape.joinedLater) : null,
      lowGrade: false, retractionReason: shape.retracted ? 'generated' : null, version: 1,
    };
  }

  it('holds for random operations, audiences and records', async () => {
    let nonEmptyReports = 0;
    let removalsChecked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('JIO', 'JM'),
        fc.subarray(PARTICIPANTS, { minLength: 1 }),
        fc.constantFrom<OperationStatus>('ACTIVE', 'FOLLOW_UP', 'CLOSED'),
        fc.array(recordArbitrary, { minLength: 1, maxLength: 7 }),
        async (lead, participants, status, shapes) => {
          const marker = randomBytes(4).toString('hex').toUpperCase();
          const operation = await dataSource.getRepository(OperationEntity).save({
            codeName: `PROP ${marker}`, focus: 'property', tlp: 'AMBER', leadAgency: lead, participants: [...new Set([lead, ...participants])].sort(),
            status, startsAt: new Date(START), endsAt: new Date(START + 28 * DAY), createdBy: leadCtx.principal.userId,
          });
          const seizures = dataSource.getRepository(SeizureEntity);
          const rows = shapes.map((shape, i) => row(shape, operation, marker, i));
          const saved = await seizures.save(rows.map((r) => seizures.create(r)));
          try {
            const audience = await audiences.of(operation);
            const compile = async () => {
              const content = await compiler.compile(leadCtx, { operation, version: 1, compiledAt: new Date(START), audience, language: 'en', requestedTlp: null });
              return JSON.parse(JSON.stringify(content)) as ReportContent;
            };
            const full = await compile();
            if (full.totals.count > 0) nonEmptyReports += 1;
            for (const reader of readers.filter((r) => operation.participants.includes(r.agency))) {
              const ability = await abilityOf(reader.ctx);
              for (const entity of saved) {
                if (access.can(ability, 'read', 'Seizure', entity)) continue;
                await seizures.delete({ id: entity.id });
                try {
                  expect(await compile()).toEqual(full);
                  removalsChecked += 1;
                } finally {
                  await seizures.insert(entity);
                }
              }
            }
          } finally {
            await seizures.delete(saved.map((s) => s.id));
            await dataSource.getRepository(OperationEntity).delete({ id: operation.id });
          }
        },
      ),
      { numRuns: RUNS, ...RUN_SEED },
    );
    // Not vacuous: reports had content, and records were taken away and checked.
    expect(nonEmptyReports).toBeGreaterThan(0);
    expect(removalsChecked).toBeGreaterThan(0);
  }, 600_000);
});
