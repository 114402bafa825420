import { Module, type DynamicModule } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { AlertsModule } from '../alerts/alerts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { OperationMembershipModule } from '../operations/operation-membership.service.js';
import { OperationsModule } from '../operations/operations.module.js';
import { CoreModule } from './core.module.js';
import { FeaturePortsModule } from './feature-ports.module.js';
import type { PlatformRuntime } from './platform-runtime.js';

/**
 * The one list of the features whose job handlers (@JobHandlerFor) a worker runs. A feature that
 * adds a job adds its module here; JobsService fails the start when a declared job has no handler.
 */
export const JOB_FEATURES = [KeysModule, OperationsModule, AlertsModule];

/** What every feature finds without importing it (global modules), for a process of its own. */
export const SHARED_MODULES = [AccessModule, AuditModule, OperationMembershipModule, FeaturePortsModule, JobsModule];

/** The worker-only process (`windward worker`): the job features; its health port is app/worker.ts's. */
@Module({})
export class WorkerModule {
  static forRoot(runtime: PlatformRuntime): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(runtime), ...SHARED_MODULES, ...JOB_FEATURES],
    };
  }
}
