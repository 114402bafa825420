import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeclaredJobs, type JobName } from './job-registry.js';
import { JobsService } from './jobs.service.js';
import { ProbeJobHandler } from './probe-job.handler.js';

/** Makes each forFeature's provider token distinct, so that no declaration hides another. */
let declarations = 0;

/**
 * The queue and the worker. It imports no feature: JobsService finds the handlers (@JobHandlerFor)
 * and the declared job names (forFeature) among the providers of whatever modules the process runs.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobsService,
    ProbeJobHandler,
    { provide: DeclaredJobs, useValue: new DeclaredJobs('jobs', ['system.probe']) },
  ],
  exports: [JobsService],
})
export class JobsModule {
  /**
   * For a feature that runs or queues jobs: gives it JobsService and declares the jobs whose
   * handlers it provides. A declared job with no handler, or with two, fails the start.
   */
  static forFeature(feature: string, jobNames: readonly JobName[]): DynamicModule {
    declarations += 1;
    return {
      module: JobDeclarationsModule,
      imports: [JobsModule],
      providers: [{ provide: `DeclaredJobs:${feature}:${declarations}`, useValue: new DeclaredJobs(feature, jobNames) }],
      exports: [JobsModule],
    };
  }
}

/** Holds one feature's DeclaredJobs (see JobsModule.forFeature). */
@Module({})
export class JobDeclarationsModule {}
