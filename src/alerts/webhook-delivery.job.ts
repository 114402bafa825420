import { Injectable } from '@nestjs/common';
import { JobHandlerFor, type JobContext, type JobHandler, type JobPayloads } from '../jobs/job-registry.js';
import { WebhookDeliveryService, type WebhookOutcome } from './webhook-delivery.service.js';

/** `alerts.deliver-webhook`: see WebhookDeliveryService; a thrown error makes the queue retry with back-off. */
@Injectable()
@JobHandlerFor('alerts.deliver-webhook')
export class WebhookDeliveryJobHandler implements JobHandler<'alerts.deliver-webhook'> {
  constructor(private readonly webhooks: WebhookDeliveryService) {}

  async handle(payload: JobPayloads['alerts.deliver-webhook'], context: JobContext): Promise<{ outcome: WebhookOutcome }> {
    return { outcome: await this.webhooks.deliver(payload, context.attempt, context.jobId) };
  }
}
