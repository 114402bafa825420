import { REQUEST_CONTEXT_FACTORY, type RequestContext, type RequestContextFactory } from '../../src/access/request-context.js';
import { OperationsService } from '../../src/operations/operations.service.js';
import { OperationOutcomeEntity } from '../../src/operations/reports/operation-outcome.entity.js';
import { OperationOutcomesService } from '../../src/operations/reports/operation-outcomes.service.js';
import { OperationReportEntity } from '../../src/operations/reports/operation-report.entity.js';
import { OperationReportsService } from '../../src/operations/reports/report-lifecycle.service.js';
import { ReportReviewService } from '../../src/operations/reports/report-review.service.js';
import { AuditService, auditFromContext } from '../../src/audit/audit.service.js';
import { statementsOn } from '../support/statements.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A list of operations with their reports and outcomes (`operations { edges { node { reports outcomes } } }`). */
describe('operation lists', () => {
  let platform: TestApp;
  let analyst: RequestContext;
  let participant: RequestContext;
  const operationIds: string[] = [];

  beforeAll(async () => {
    platform = await startTestApp();
    const contexts = platform.server.app.get<RequestContextFactory>(REQUEST_CONTEXT_FACTORY);
    analyst = (await contexts.forUser((await platform.userWithKey('JIO', ['ANALYST'])).userId, 'operation-lists'))!;
    participant = (await contexts.forUser((await platform.userWithKey('KY', ['ELO'])).userId, 'operation-lists'))!;
    const operations = platform.server.app.get(OperationsService);
    for (const codeName of ['List One', 'List Two', 'List Three']) {
      const operation = await operations.create(analyst, { codeName, focus: 'Lists', tlp: 'GREEN', startsAt: new Date('2026-05-01T00:00:00Z'), endsAt: new Date('2026-06-01T00:00:00Z'), participants: ['KY'] });
      operationIds.push(operation.id);
    }
    const { dataSource } = platform.server.runtime;
    // Two versions of the first operation (the second published), one of the second, none of the third.
    for (const [operationId, version, status] of [[operationIds[0], 1, 'READY'], [operationIds[0], 2, 'PUBLISHED'], [operationIds[1], 1, 'READY']] as const) {
      await dataSource.getRepository(OperationReportEntity).insert({
        operationId, leadAgency: 'JIO', audience: ['JIO', 'KY'], version, status, requestedBy: analyst.principal.userId, requestedAt: new Date(), language: 'en',
      });
    }
    await dataSource.getRepository(OperationOutcomeEntity).insert({
      operationId: operationIds[1], agencyCode: 'KY', arrests: 2, casesOpened: 1, prosecutions: 0, controlledDeliveries: 0, followUpActions: 0, notes: null,
      recordedBy: participant.principal.userId, recordedAt: new Date(),
    });
  });
  afterAll(() => platform.stop());

  it("reads every listed operation's report versions in one statement, each reader's own", async () => {
    const reports = platform.server.app.get(OperationReportsService);
    const versions = async (ctx: RequestContext) => {
      const { result, statements } = await statementsOn(platform, '"operation_reports"', () => Promise.all(operationIds.map((id) => reports.forOperation(ctx, id))));
      expect(statements).toBe(1);
      return result.map((list) => list.map((report) => [report.version, report.status]));
    };
    expect(await versions(analyst)).toEqual([[[2, 'PUBLISHED'], [1, 'READY']], [[1, 'READY']], []]);
    expect(await versions(participant)).toEqual([[[2, 'PUBLISHED']], [], []]);
  });

  it("reads the history of every listed report version in one statement", async () => {
    const reports = platform.server.app.get(OperationReportsService);
    const review = platform.server.app.get(ReportReviewService);
    const versions = (await Promise.all(operationIds.map((id) => reports.forOperation(analyst, id)))).flat();
    const { dataSource } = platform.server.runtime;
    const audit = platform.server.app.get(AuditService);
    await dataSource.transaction((manager) => audit.append(manager, auditFromContext(analyst, {
      action: 'operation-report.compile', resourceType: 'OperationReport', resourceId: versions[1].id, resourceAgency: 'JIO', fields: ['*'], details: {},
    })));
    const { result, statements } = await statementsOn(platform, '"audit_events"', () => Promise.all(versions.map((report) => review.history(analyst, report))));
    expect(statements).toBe(1);
    expect(result.map((entries) => entries.map((entry) => entry.action))).toEqual([[], ['COMPILE'], []]);
  });

  it("reads every listed operation's outcomes in one statement", async () => {
    const outcomes = platform.server.app.get(OperationOutcomesService);
    const { result, statements } = await statementsOn(platform, '"operation_outcomes"', () => Promise.all(operationIds.map((id) => outcomes.forOperation(participant, id))));
    expect(statements).toBe(1);
    expect(result.map((list) => list.map((outcome) => [outcome.agencyCode, outcome.arrests]))).toEqual([[], [['KY', 2]], []]);
  });
});
