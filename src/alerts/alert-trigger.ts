import { Inject, Injectable } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service.js';
import { JsonLogger } from '../observability/json-logger.js';
import type { EntityManager } from 'typeorm';
import type { SeizureChangeEvent, SeizureChangeListener } from '../seizures/write/seizure-submission.service.js';
import { SEIZURE_EVENT_BUS, type SeizureEventBus } from './seizure-event-bus.js';

/**
 * Changes that can make a report new to someone: its submission, a release, an amendment (a lower
 * TLP, a wider distribution, a better grade) or a link to an operation. Retraction never can.
 */
export const ALERTING_CHANGES: ReadonlySet<string> = new Set(['SUBMITTED', 'RELEASED', 'UPDATED', 'LINKED']);

function alertJobId(event: SeizureChangeEvent): string {
  return `alerts-match-${event.changeSeq}`;
}

/** Queues the matching of each committed change; the request that made the change never matches. */
@Injectable()
export class AlertTrigger implements SeizureChangeListener {
  constructor(
    private readonly jobs: JobsService,
    private readonly logger: JsonLogger,
    @Inject(SEIZURE_EVENT_BUS) private readonly bus: SeizureEventBus,
  ) {}

  /**
   * In the change's transaction, when the queue lives in the same database: the job commits with
   * the change (no committed change without its alert job, and no transaction of its own). A
   * failure here fails the change.
   */
  async changing(manager: EntityManager, event: SeizureChangeEvent): Promise<void> {
    if (!ALERTING_CHANGES.has(event.change) || !this.jobs.enqueuesInTransactions) return;
    await this.jobs.enqueueWithin(manager, 'alerts.match', { seizureId: event.seizureId, changeSeq: event.changeSeq }, { jobId: alertJobId(event) });
  }

  /**
   * After commit: the embedded event bus reads the change log now (live subscriptions hear of every
   * change at once there); and the alert job is queued here when the queue is elsewhere (Redis);
   * every change passes `changing` first.
   */
  async changed(event: SeizureChangeEvent): Promise<void> {
    await this.bus.changeLogged().catch((error: unknown) => {
      this.logger.event('warn', 'change log readers not woken', { requestId: event.requestId, changeSeq: event.changeSeq, error: error instanceof Error ? error.message : String(error) });
    });
    if (!ALERTING_CHANGES.has(event.change) || this.jobs.enqueuesInTransactions) return;
    try {
      // One job per change, whatever the number of callers that report it.
      await this.jobs.enqueue('alerts.match', { seizureId: event.seizureId, changeSeq: event.changeSeq }, { jobId: alertJobId(event) });
    } catch (error) {
      // The change is committed and its caller gets it; only its notification is lost, and said so.
      this.logger.event('error', 'alert matching not queued', { requestId: event.requestId, seizureId: event.seizureId, changeSeq: event.changeSeq, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
