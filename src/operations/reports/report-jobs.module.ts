import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { SeizuresModule } from '../../seizures/seizures.module.js';
import { ReportAudienceService } from './report-audience.js';
import { ReportCompileJobHandler } from './report-compile.job.js';
import { ReportCompilerService } from './report-compiler.service.js';

/**
 * What JobsModule needs to run `operations.compile-report`. Kept apart from OperationsModule,
 * which itself needs JobsModule to queue compilations, so the two do not import each other.
 */
@Module({
  imports: [SeizuresModule, AuthModule],
  providers: [ReportCompilerService, ReportAudienceService, ReportCompileJobHandler],
  exports: [ReportCompileJobHandler, ReportCompilerService, ReportAudienceService],
})
export class OperationReportJobsModule {}
