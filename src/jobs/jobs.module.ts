import { Module } from '@nestjs/common';
import { AlertMatchJobHandler } from '../alerts/alert-match.job.js';
import { WebhookDeliveryJobHandler } from '../alerts/webhook-delivery.job.js';
import { KeyRewrapJobHandler } from '../keys/key-rewrap.job.js';
import { ReportCompileJobHandler } from '../operations/reports/report-compile.job.js';
import { OperationReportJobsModule } from '../operations/reports/report-jobs.module.js';
import { JOB_HANDLERS } from './job-registry.js';
import { JobsService } from './jobs.service.js';
import { ProbeJobHandler } from './probe-job.handler.js';

/**
 * The queue and the worker. Handlers of other features are listed in JOB_HANDLERS' factory so
 * that the registry check sees all of them at once.
 */
@Module({
  imports: [OperationReportJobsModule],
  providers: [
    ProbeJobHandler,
    KeyRewrapJobHandler,
    AlertMatchJobHandler,
    WebhookDeliveryJobHandler,
    {
      provide: JOB_HANDLERS,
      useFactory: (
        probe: ProbeJobHandler, keyRewrap: KeyRewrapJobHandler, compileReport: ReportCompileJobHandler,
        alertMatch: AlertMatchJobHandler, webhookDelivery: WebhookDeliveryJobHandler,
      ) => [probe, keyRewrap, compileReport, alertMatch, webhookDelivery],
      inject: [ProbeJobHandler, KeyRewrapJobHandler, ReportCompileJobHandler, AlertMatchJobHandler, WebhookDeliveryJobHandler],
    },
    JobsService,
  ],
  exports: [JobsService],
})
export class JobsModule {}
