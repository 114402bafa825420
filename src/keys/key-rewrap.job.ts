import { Injectable } from '@nestjs/common';
import { JobHandlerFor, type JobContext, type JobHandler, type JobPayloads } from '../jobs/job-registry.js';
import { DomainError } from '../errors/domain-error.js';
import { JsonLogger } from '../observability/json-logger.js';
import { KeyRewrapService } from './key-rewrap.service.js';
import type { KeyRewrapProgress } from './key-rewrap.types.js';

/** `keys.rewrap`: moves an agency's wrapped session keys to its current key (see KeyRewrapService). */
@Injectable()
@JobHandlerFor('keys.rewrap')
export class KeyRewrapJobHandler implements JobHandler<'keys.rewrap'> {
  constructor(
    private readonly rewrap: KeyRewrapService,
    private readonly logger: JsonLogger,
  ) {}

  async handle(payload: JobPayloads['keys.rewrap'], context: JobContext): Promise<KeyRewrapProgress> {
    try {
      return await this.rewrap.run(payload, (progress) => context.reportProgress({ ...progress }));
    } catch (error) {
      // The failure reason is shown to the agency administrator: no SQL or library detail in it.
      if (error instanceof DomainError) throw error;
      this.logger.event('error', 'key re-wrap failed', { jobId: context.jobId, attempt: context.attempt, error: error instanceof Error ? error.message : String(error) });
      throw new Error('Re-wrapping failed on an internal error; it is retried automatically (details in the worker log)', { cause: error });
    }
  }
}
