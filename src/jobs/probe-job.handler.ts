import { Injectable } from '@nestjs/common';
import { JobHandlerFor, type JobContext, type JobHandler, type JobPayloads } from './job-registry.js';

/** Answers a probe: proves that a job goes through the queue and back. */
@Injectable()
@JobHandlerFor('system.probe')
export class ProbeJobHandler implements JobHandler<'system.probe'> {
  async handle(payload: JobPayloads['system.probe'], context: JobContext): Promise<{ token: string; attempt: number }> {
    if (payload.sleepMs) await new Promise((resolve) => setTimeout(resolve, payload.sleepMs));
    return { token: payload.token, attempt: context.attempt };
  }
}
