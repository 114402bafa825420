import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { SeizuresModule } from '../seizures/seizures.module.js';
import { OperationReportEntity } from './reports/operation-report.entity.js';
import { OperationEntity } from './operation.entity.js';
import { OperationsResolver, SeizureOperationResolver } from './operations.resolver.js';
import { OperationsService } from './operations.service.js';
import { ReportDownloadController } from './reports/report-download.controller.js';
import { OperationOutcomeFieldResolver, OperationReportsFieldResolver, OperationReportsResolver } from './reports/report-graphql.resolver.js';
import { OperationReportsService } from './reports/report-lifecycle.service.js';
import { ReportAudienceService } from './reports/report-audience.js';
import { ReportCompileJobHandler } from './reports/report-compile.job.js';
import { ReportCompilerService } from './reports/report-compiler.service.js';
import { OperationOutcomesService } from './reports/operation-outcomes.service.js';
import { ReportReviewService } from './reports/report-review.service.js';
import { OperationOutcomeEntity } from './reports/operation-outcome.entity.js';
import { SeizureLinkRequestAlerts } from './seizure-link-request-alerts.js';
import { SeizureLinkRequestEntity } from './seizure-link-request.entity.js';
import { SeizureLinkRequestsResolver } from './seizure-link-requests.resolver.js';
import { SeizureLinkRequestsService } from './seizure-link-requests.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([OperationEntity, OperationReportEntity, OperationOutcomeEntity, SeizureLinkRequestEntity]), AuthModule, KeysModule, SeizuresModule,
    JobsModule.forFeature('operations', ['operations.compile-report'])],
  controllers: [ReportDownloadController],
  providers: [OperationsService, OperationsResolver, SeizureOperationResolver, OperationReportsService, OperationReportsResolver, OperationReportsFieldResolver, OperationOutcomeFieldResolver,
    ReportReviewService, OperationOutcomesService, SeizureLinkRequestsService, SeizureLinkRequestsResolver, SeizureLinkRequestAlerts,
    ReportCompilerService, ReportAudienceService, ReportCompileJobHandler],
  exports: [OperationsService, SeizureLinkRequestsService],
})
export class OperationsModule {}
