import type { AlertMatchPayload, WebhookDeliveryPayload } from '../alerts/alert-jobs.types.js';
import type { KeyRewrapPayload } from '../keys/key-rewrap.types.js';

/**
 * Every background job the platform runs, with the shape of its payload. Adding a job means adding
 * it here and providing exactly one JobHandler for it; the worker refuses to start otherwise.
 */
export interface JobPayloads {
  /** A no-op round trip through the queue, used by `windward jobs probe` and the tests. */
  'system.probe': { token: string; sleepMs?: number };
  /** Moves an agency's wrapped session keys to its current key after a rotation or a compromise. */
  'keys.rewrap': KeyRewrapPayload;
  /** Tests one committed change of a report against the active alerts (src/alerts). */
  'alerts.match': AlertMatchPayload;
  /** POSTs one alert delivery to its webhook; retried with back-off. */
  'alerts.deliver-webhook': WebhookDeliveryPayload;
  /** Compiles one operation report version (job id = report id) with the requesting analyst's access. */
  'operations.compile-report': { reportId: string };
}

export type JobName = keyof JobPayloads;

export const JOB_NAMES: readonly JobName[] = ['system.probe', 'keys.rewrap', 'operations.compile-report', 'alerts.match', 'alerts.deliver-webhook'];

export interface JobContext {
  /** Stable id of the job: a retry of the same job sees the same id. */
  jobId: string;
  attempt: number;
  reportProgress(progress: number | Record<string, unknown>): Promise<void>;
}

export interface JobHandler<N extends JobName = JobName> {
  readonly jobName: N;
  handle(payload: JobPayloads[N], context: JobContext): Promise<unknown>;
}

/** Nest multi-provider token: each feature module registers its handlers under it. */
export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/** Checks that every job has exactly one handler and every handler a known job. */
export function indexHandlers(handlers: readonly JobHandler[]): Map<JobName, JobHandler> {
  const byName = new Map<JobName, JobHandler>();
  for (const handler of handlers) {
    if (!JOB_NAMES.includes(handler.jobName)) throw new Error(`Job handler for unknown job "${handler.jobName}"`);
    if (byName.has(handler.jobName)) throw new Error(`Job "${handler.jobName}" has more than one handler`);
    byName.set(handler.jobName, handler);
  }
  const missing = JOB_NAMES.filter((name) => !byName.has(name));
  if (missing.length > 0) throw new Error(`Jobs without a handler: ${missing.join(', ')}`);
  return byName;
}
