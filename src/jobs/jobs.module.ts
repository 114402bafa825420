import { Module } from '@nestjs/common';
import { JOB_HANDLERS } from './job-registry.js';
import { JobsService } from './jobs.service.js';
import { ProbeJobHandler } from './probe-job.handler.js';

/**
 * The queue and the worker. Handlers of other features are listed in JOB_HANDLERS' factory so
 * that the registry check sees all of them at once.
 */
@Module({
  providers: [
    ProbeJobHandler,
    { provide: JOB_HANDLERS, useFactory: (probe: ProbeJobHandler) => [probe], inject: [ProbeJobHandler] },
    JobsService,
  ],
  exports: [JobsService],
})
export class JobsModule {}
