/**
 * Every background job the platform runs, with the shape of its payload. jobs/ knows only its own
 * probe: each feature adds its jobs by declaration merging, next to its payload types, e.g.
 *
 *   declare module '../jobs/job-registry.js' {
 *     interface JobPayloads { 'alerts.match': AlertMatchPayload }
 *   }
 *
 * and at run time declares their names with `JobsModule.forFeature([...])` and provides exactly one
 * handler for each, marked `@JobHandlerFor(name)`. The worker refuses to start otherwise.
 */
export interface JobPayloads {
  /** A no-op round trip through the queue, used by `windward jobs probe` and the tests. */
  'system.probe': { token: string; sleepMs?: number };
}

export type JobName = keyof JobPayloads;

export interface JobContext {
  /** Stable id of the job: a retry of the same job sees the same id. */
  jobId: string;
  attempt: number;
  reportProgress(progress: number | Record<string, unknown>): Promise<void>;
}

export interface JobHandler<N extends JobName = JobName> {
  handle(payload: JobPayloads[N], context: JobContext): Promise<unknown>;
}

/** A handler as the registry sees it: the job name comes from its @JobHandlerFor. */
export interface NamedJobHandler extends JobHandler {
  readonly jobName: JobName;
}

const JOB_HANDLER_FOR = Symbol('windward:job-handler-for');

/**
 * Marks a provider as the handler of one job; JobsService finds it at start-up (Nest's discovery),
 * so jobs/ never imports the feature. The class must handle that job's payload.
 */
export function JobHandlerFor<N extends JobName>(jobName: N) {
  return (target: abstract new (...args: never[]) => JobHandler<N>): void => {
    Reflect.defineMetadata(JOB_HANDLER_FOR, jobName, target);
  };
}

/** The job a provider class handles, when it is marked with @JobHandlerFor. */
export function handledJob(target: unknown): JobName | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getOwnMetadata(JOB_HANDLER_FOR, target) as JobName | undefined;
}

/** The job names one feature declares; provided by JobsModule.forFeature. */
export class DeclaredJobs {
  constructor(readonly feature: string, readonly names: readonly JobName[]) {}
}

/**
 * Checks that every declared job has exactly one handler and every handler a declared job: a
 * missing or doubled handler, or one for a job nobody declared, fails the start.
 */
export function indexHandlers(declared: readonly JobName[], handlers: readonly NamedJobHandler[]): Map<JobName, NamedJobHandler> {
  const doubled = declared.filter((name, index) => declared.indexOf(name) !== index);
  if (doubled.length > 0) throw new Error(`Jobs declared more than once: ${doubled.join(', ')}`);
  const byName = new Map<JobName, NamedJobHandler>();
  for (const handler of handlers) {
    if (!declared.includes(handler.jobName)) throw new Error(`Job handler for unknown job "${handler.jobName}"`);
    if (byName.has(handler.jobName)) throw new Error(`Job "${handler.jobName}" has more than one handler`);
    byName.set(handler.jobName, handler);
  }
  const missing = declared.filter((name) => !byName.has(name));
  if (missing.length > 0) throw new Error(`Jobs without a handler: ${missing.join(', ')}`);
  return byName;
}
