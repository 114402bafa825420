import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../access/request-context.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/domain-error.js';
import { JobsService } from '../jobs/jobs.service.js';
import { AWAITING_REVIEW, OperationReportEntity, type ReportStatus } from '../operations/reports/operation-report.entity.js';
import { OperationEntity, type OperationStatus } from '../operations/operation.entity.js';
import { OperationsService } from '../operations/operations.service.js';
import { COMPILE_REPORT_JOB, OperationReportsService } from '../operations/reports/report-lifecycle.service.js';
import { SeizureLinkRequestsService } from '../operations/seizure-link-requests.service.js';
import { SeizureEntity } from '../seizures/data/seizure.entity.js';
import { OperationOutcomeEntity } from '../operations/reports/operation-outcome.entity.js';
import { OperationOutcomesService, type OutcomeInput } from '../operations/reports/operation-outcomes.service.js';
import { ReportReviewService, type NarrativeInput } from '../operations/reports/report-review.service.js';
import { UsersService } from '../users/users.service.js';
import { CARIBBEAN_SHIELD, type DemoDataset } from './demo-seizures.js';
import { demoContext } from './demo-context.js';
import { DEMO_USERS } from './demo-users.js';

/**
 * Operation Caribbean Shield in the demo, run the way a JIO analyst runs it: the analyst sets the
 * operation up with its participants and starts it, the administrations' ELOs report under it (the
 * seizure seeding passes its id), then the analyst moves it to follow-up, compiles the operation
 * report and publishes it. Every step goes through the same services (and checks) as the API, and
 * every step is skipped when already done, so seeding again changes nothing.
 */

export const DEMO_OPERATION_ANALYST = 'analyst@jio.demo';
export const DEMO_OPERATION_REVIEWER = 'reviewer@jio.demo';
export const CARIBBEAN_SHIELD_CODE_NAME = 'CARIBBEAN SHIELD';
const FINISHED: ReportStatus[] = ['READY', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'PUBLISHED', 'FAILED'];

/** Fictional follow-up outcomes of a few participating administrations: counts and non-nominal notes. */
const DEMO_OUTCOMES: (OutcomeInput & { agency: string })[] = [
  { agency: 'JM', arrests: 9, casesOpened: 6, prosecutions: 4, controlledDeliveries: 1, followUpActions: 5, notes: 'Fictional demo data. Two firearm-parts importers referred for licensing review; one controlled delivery with the US counterpart.' },
  { agency: 'TT', arrests: 6, casesOpened: 4, prosecutions: 2, controlledDeliveries: 0, followUpActions: 3, notes: 'Fictional demo data. Joint container targeting with the port authority extended for three months.' },
  { agency: 'US', arrests: 4, casesOpened: 5, prosecutions: 3, controlledDeliveries: 2, followUpActions: 6, notes: 'Fictional demo data. Outbound parcel screening at two Florida hubs continues; results shared through the JIO.' },
  { agency: 'BS', arrests: 3, casesOpened: 2, prosecutions: 1, controlledDeliveries: 0, followUpActions: 2, notes: 'Fictional demo data. Small-vessel patrols around Grand Bahama reinforced.' },
  { agency: 'DO', arrests: 5, casesOpened: 3, prosecutions: 2, controlledDeliveries: 1, followUpActions: 2, notes: null },
  { agency: 'KY', arrests: 1, casesOpened: 1, prosecutions: 0, controlledDeliveries: 0, followUpActions: 1, notes: 'Fictional demo data. Courier declarations reviewed with the postal operator.' },
];

/** The analyst's words on the demo report (fictional): the figures next to them are computed. */
const DEMO_NARRATIVE: NarrativeInput = {
  executiveSummary: [
    'Operation Caribbean Shield brought twenty administrations together for six weeks against the trafficking of small arms, their parts and ammunition. **This is fictional demo data.**',
    '',
    '- Most firearms were found in **outbound consignments from Florida**, in mail parcels, express courier packages and barrels of household goods.',
    '- Ammunition moved in larger lots than firearms, mostly by sea, often **misdeclared** as food or household goods.',
    '- Detection rested on risk profiling and non-intrusive inspection; intelligence-led seizures were the most valuable.',
  ].join('\n'),
  assessment: [
    '## Trends',
    'The number of small-arms seizures rose during the operation against the six weeks before it, as expected from the added controls; the rise in ammunition seizures is the larger and deserves follow-up.',
    '',
    '## Modus operandi',
    'Concealment in household goods and in the structure of containers dominates. Parcels and courier packages carry firearm parts split across several consignments.',
    '',
    '## Recommendations to the participating administrations',
    '1. Keep **risk profiles for barrels and household-goods consignments** from Florida in place after the operation.',
    '2. Share X-ray images of firearm parts through the JIO so that officers learn to recognise them.',
    '3. Use **controlled deliveries** where the consignee is unknown, in agreement with the reporting administration.',
    '4. Record the follow-up of every seizure (arrests, cases, prosecutions) in Windward within three months.',
  ].join('\n'),
};

export interface DemoOperationResult {
  operationId: string;
  status: OperationStatus;
  created: boolean;
  linkedReports: number;
  operationReports: number;
  report: { id: string; version: number; status: ReportStatus; failureReason: string | null } | null;
}

async function analystContext(app: INestApplicationContext, email: string = DEMO_OPERATION_ANALYST): Promise<RequestContext> {
  const demo = DEMO_USERS.find((u) => u.email === email);
  const { user } = demo
    ? await app.get(UsersService).createOrGet({ ...demo, roles: [...demo.roles] })
    : await app.get(UsersService).createOrGet({ email, agencyCode: email.split('@')[1].split('.')[0].toUpperCase(), roles: ['ELO'] });
  // Rebuilt per step: the analyst's open operations are part of their abilities.
  return demoContext(app, user);
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

  // Follow-up: some participating administrations record their outcomes (counts and short notes).
  if (operation.status === 'FOLLOW_UP') {
    const recorded = new Set((await dataSource.getRepository(OperationOutcomeEntity).findBy({ operationId })).map((o) => o.agencyCode));
    for (const outcome of DEMO_OUTCOMES) {
      if (recorded.has(outcome.agency) || !operation.participants.includes(outcome.agency)) continue;
      await app.get(OperationOutcomesService).record(await analystContext(app, `elo@${outcome.agency.toLowerCase()}.demo`), operationId, outcome);
    }
  }

  // Compiled, written by the analyst, approved by a second JIO user (four eyes), then published.
  let report = (await reports.forOperation(ctx, operationId))[0] ?? null;
  if (!report || report.status === 'FAILED') report = await reports.requestCompile(ctx, operationId);
  if (report.status === 'QUEUED' || report.status === 'COMPILING') report = await awaitCompilation(app, report.id);
  const review = app.get(ReportReviewService);
  if (report.status === 'READY' && !report.narrativeBy) report = await review.writeNarrative(ctx, report.id, DEMO_NARRATIVE);
  if (AWAITING_REVIEW.includes(report.status)) report = await review.approve(await analystContext(app, DEMO_OPERATION_REVIEWER), report.id);
  if (report.status === 'APPROVED') report = await reports.publish(ctx, report.id);

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
