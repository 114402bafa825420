import type { JobsService } from '../../src/jobs/jobs.service.js';

export interface WaitOptions {
  /** Generous: jobs on the embedded database take seconds each, and back-off adds about 3 s. */
  timeoutMs?: number;
  /** How often to look; short where a test measures a delay. */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns something truthy and returns that, or fails after the timeout
 * naming `what` it waited for. The one waiting loop of the tests (a number is the timeout).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, options: WaitOptions | number = {}): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 50 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the queue reports the job in `wanted` state; fails naming the state it is in. */
export async function waitForJobs(jobs: JobsService, jobIds: string[], wanted = 'completed', options: WaitOptions | number = {}): Promise<NonNullable<Awaited<ReturnType<JobsService['jobState']>>>[]> {
  const states = new Map<string, string>();
  try {
    return await waitFor(`jobs ${jobIds.join(', ')} to be ${wanted}`, async () => {
      const all = await Promise.all(jobIds.map((id) => jobs.jobState(id)));
      all.forEach((state, i) => states.set(jobIds[i], state?.state ?? 'missing'));
      return all.every((state) => state?.state === wanted) ? all.map((state) => state!) : null;
    }, options);
  } catch (error) {
    const now = [...states].map(([id, state]) => `${id} is ${state}`).join(', ');
    throw new Error(`${(error as Error).message} (${now}, not ${wanted})`, { cause: error });
  }
}
