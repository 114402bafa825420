import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module.js';
import { SeizuresModule } from '../seizures/seizures.module.js';
import { OperationReportEntity } from './operation-report.entity.js';
import { OperationEntity } from './operation.entity.js';
import { OperationsResolver, SeizureOperationResolver } from './operations.resolver.js';
import { OperationsService } from './operations.service.js';
import { ReportDownloadController } from './report-download.controller.js';
import { OperationReportsFieldResolver, OperationReportsResolver } from './report-graphql.resolver.js';
import { OperationReportsService } from './report-lifecycle.service.js';
import { OperationOutcomesService } from './operation-outcomes.service.js';
import { ReportReviewService } from './report-review.service.js';
import { OperationOutcomeEntity } from './operation-outcome.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([OperationEntity, OperationReportEntity, OperationOutcomeEntity]), SeizuresModule, JobsModule],
  controllers: [ReportDownloadController],
  providers: [OperationsService, OperationsResolver, SeizureOperationResolver, OperationReportsService, OperationReportsResolver, OperationReportsFieldResolver, ReportReviewService, OperationOutcomesService],
  exports: [OperationsService],
})
export class OperationsModule {}
