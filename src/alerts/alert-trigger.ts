import { Injectable } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service.js';
import { JsonLogger } from '../observability/json-logger.js';
import type { SeizureChangeEvent, SeizureChangeListener } from '../seizures/write/seizure-submission.service.js';

/**
 * Changes that can make a report new to someone: its submission, a release, an amendment (a lower
 * TLP, a wider distribution, a better grade) or a link to an operation. Retraction never can.
 */
export const ALERTING_CHANGES: ReadonlySet<string> = new Set(['SUBMITTED', 'RELEASED', 'UPDATED', 'LINKED']);

/** Queues the matching of each committed change; the request that made the change never matches. */
@Injectable()
export class AlertTrigger implements SeizureChangeListener {
  constructor(
    private readonly jobs: JobsService,
    private readonly logger: JsonLogger,
  ) {}

  async changed(event: SeizureChangeEvent): Promise<void> {
    if (!ALERTING_CHANGES.has(event.change)) return;
    try {
      // One job per change, whatever the number of callers that report it.
      await this.jobs.enqueue('alerts.match', { seizureId: event.seizureId, changeSeq: event.changeSeq }, { jobId: `alerts-match-${event.changeSeq}` });
    } catch (error) {
      // The change is committed and its caller gets it; only its notification is lost, and said so.
      this.logger.event('error', 'alert matching not queued', { seizureId: event.seizureId, changeSeq: event.changeSeq, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
