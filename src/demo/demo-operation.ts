import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { AuthenticationService } from '../auth/authentication.service.js';
import type { RequestContext } from '../auth/request-context.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/domain-error.js';
import { JobsService } from '../jobs/jobs.service.js';
import { OperationReportEntity, type ReportStatus } from '../operations/operation-report.entity.js';
import { OperationEntity, type OperationStatus } from '../operations/operation.entity.js';
import { OperationsService } from '../operations/operations.service.js';
import { COMPILE_REPORT_JOB, OperationReportsService } from '../operations/report-lifecycle.service.js';
import { SeizureLinkRequestsService } from '../operations/seizure-link-requests.service.js';
import { SeizureEntity } from '../seizures/seizure.entity.js';
import { UsersService } from '../users/users.service.js';
import { CARIBBEAN_SHIELD, type DemoDataset } from './demo-seizures.js';
import { DEMO_USERS } from './demo-users.js';

/**
 * Operation Caribbean Shield in the demo, run the way a JIO analyst runs it: the analyst sets the
 * operation up with its participants and starts it, the administrations' ELOs report under it (the
 * seizure seeding passes its id), then the analyst moves it to follow-up, compiles the operation
 * report and publishes it. Every step goes through the same services (and checks) as the API, and
 * every step is skipped when already done, so seeding again changes nothing.
 */

export const DEMO_OPERATION_ANALYST = 'analyst@jio.demo';
export const CARIBBEAN_SHIELD_CODE_NAME = 'CARIBBEAN SHIELD';
const FINISHED: ReportStatus[] = ['READY', 'PUBLISHED', 'FAILED'];

export interface DemoOperationResult {
  operationId: string;
  status: OperationStatus;
  created: boolean;
  linkedReports: number;
  operationReports: number;
  report: { id: string; version: number; status: ReportStatus; failureReason: string | null } | null;
}

async function analystContext(app: INestApplicationContext): Promise<RequestContext> {
  const demo = DEMO_USERS.find((u) => u.email === DEMO_OPERATION_ANALYST)!;
  const { user } = await app.get(UsersService).createOrGet({ ...demo, roles: [...demo.roles] });
  // Rebuilt per step: the analyst's open operations are part of their abilities.
  const principal = await app.get(AuthenticationService).principalFor(user, 'api-key');
  return { principal, ability: await app.get(AccessService).abilityFor(principal), requestId: 'demo' };
}

/**
 * Creates the operation (PLANNING, with the dataset's participants) and starts it, unless it
 * exists. Returns its id while it still accepts reports, so that the seizure seeding can report
 * under it; null once it is closed.
 */
export async function prepareDemoOperation(app: INestApplicationContext, shield: DemoDataset['caribbeanShield']): Promise<{ id: string; created: boolean } | null> {
  const operations = app.get(OperationsService);
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const ctx = await analystContext(app);
  let operation = await dataSource.getRepository(OperationEntity).findOneBy({ leadAgency: ctx.principal.agencyCode, codeName: CARIBBEAN_SHIELD_CODE_NAME });
  const created = !operation;
  if (!operation) {
    operation = await operations.create(ctx, {
      codeName: CARIBBEAN_SHIELD_CODE_NAME,
      focus: `${CARIBBEAN_SHIELD.description}. Fictional demo operation.`,
      tlp: 'GREEN',
      startsAt: shield.startsAt,
      endsAt: shield.endsAt,
      participants: shield.participants,
    });
  }
  if (operation.status === 'PLANNING') operation = await operations.setStatus(ctx, operation.id, 'ACTIVE');
  return operation.status === 'CLOSED' ? null : { id: operation.id, created };
}

/**
 * After the reports are in: asks the owners to link the operation's reports that were reported
 * without it (demo data of an earlier version) and that the analyst can see (only an owner links
 * its report: the requests wait in seizureLinkRequests), moves the operation to follow-up, and
 * compiles and publishes its report unless a published one exists.
 */
export async function completeDemoOperation(app: INestApplicationContext, shield: DemoDataset['caribbeanShield'], prepared: { id: string; created: boolean }): Promise<DemoOperationResult> {
  const operations = app.get(OperationsService);
  const reports = app.get(OperationReportsService);
  const linkRequests = app.get(SeizureLinkRequestsService);
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const operationId = prepared.id;
  const ctx = await analystContext(app);

  let operation = await operations.visibleOrThrow(ctx, operationId);
  const unlinked = await dataSource
    .getRepository(SeizureEntity)
    .createQueryBuilder('s')
    .select(['s.id'])
    .where("s.reference LIKE 'CS-%' AND s.operation_id IS DISTINCT FROM :operationId AND s.status <> 'RETRACTED'", { operationId })
    .getMany();
  for (const { id } of unlinked) {
    try {
      await linkRequests.request(ctx, operationId, id, 'Reported during Operation Caribbean Shield without the operation: please link it.');
    } catch (error) {
      // Not visible to the analyst (an AMBER report not released to the JIO), its agency takes no part, or retracted: left alone.
      if (!(error instanceof NotFoundError || error instanceof ForbiddenError || error instanceof ConflictError)) throw error;
    }
  }

  // prepareDemoOperation left it ACTIVE (or it has moved on since); FOLLOW_UP keeps it open, so the
  // analyst's abilities stay as they are.
  if (operation.status === 'ACTIVE') operation = await operations.setStatus(ctx, operationId, 'FOLLOW_UP');

  let report = (await reports.forOperation(ctx, operationId))[0] ?? null;
  if (!report || report.status === 'FAILED') report = await reports.requestCompile(ctx, operationId);
  if (report.status === 'QUEUED' || report.status === 'COMPILING') report = await awaitCompilation(app, report.id);
  if (report.status === 'READY') report = await reports.publish(ctx, report.id);

  const linkedReports = await dataSource.getRepository(SeizureEntity).countBy({ operationId });
  return {
    operationId,
    status: operation.status,
    created: prepared.created,
    linkedReports,
    operationReports: shield.seizures.length,
    report: { id: report.id, version: report.version, status: report.status, failureReason: report.failureReason },
  };
}

/** In `serve --demo` the worker compiles the report; one-shot commands have none and compile here. */
async function awaitCompilation(app: INestApplicationContext, reportId: string): Promise<OperationReportEntity> {
  const jobs = app.get(JobsService);
  const repository = app.get<DataSource>(getDataSourceToken()).getRepository(OperationReportEntity);
  if (!jobs.workerRunning) await jobs.runHere(COMPILE_REPORT_JOB, { reportId }, reportId);
  const deadline = Date.now() + 300_000;
  for (;;) {
    const report = await repository.findOneOrFail({ where: { id: reportId }, select: { id: true, version: true, status: true, failureReason: true, operationId: true } });
    if (FINISHED.includes(report.status) || Date.now() > deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function formatDemoOperationSummary(result: DemoOperationResult | null): string {
  if (!result) return `demo operation: ${CARIBBEAN_SHIELD.name} is closed; left as it is`;
  const report = result.report
    ? `report v${result.report.version} ${result.report.status}${result.report.failureReason ? ` (${result.report.failureReason})` : ''}`
    : 'no report';
  return `demo operation: ${CARIBBEAN_SHIELD.name} ${result.created ? 'created' : 'already present'}, ${result.status}; ` +
    `${result.linkedReports} of its ${result.operationReports} reports linked; ${report}`;
}
