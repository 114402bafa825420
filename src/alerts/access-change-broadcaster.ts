import { Inject, Injectable } from '@nestjs/common';
import type { AccessChange, AccessChangePublisher } from '../auth/access-changes.js';
import { JsonLogger } from '../observability/json-logger.js';
import { SEIZURE_EVENT_BUS, type SeizureEventBus } from './seizure-event-bus.js';

/** Carries access changes to every process on the event bus; bound to ACCESS_CHANGE_PUBLISHER by the app. */
@Injectable()
export class AccessChangeBroadcaster implements AccessChangePublisher {
  constructor(
    @Inject(SEIZURE_EVENT_BUS) private readonly bus: SeizureEventBus,
    private readonly logger: JsonLogger,
  ) {}

  publish(change: AccessChange): Promise<void> {
    return this.bus.publishAccessChange(change).catch((error: unknown) => {
      this.logger.event('error', 'access change not published', {
        reason: change.reason,
        ...(change.requestId ? { requestId: change.requestId } : {}),
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }
}
