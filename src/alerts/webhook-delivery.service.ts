import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { AuditService, auditFromContext } from '../audit/audit.service.js';
import { SecretBoxError } from '../crypto/secret-box.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { SEIZURE_FIELDS } from '../seizures/read/seizure-fields.js';
import { SeizureSearchService } from '../seizures/data/seizure-search.service.js';
import { AlertDeliveryEntity, AlertEntity } from './alert.entity.js';
import type { WebhookDeliveryPayload } from './alert-jobs.types.js';
import { AlertOwnerContexts, madeInOwnersAgency } from './alert-owner-context.js';
import { webhookSeizure, type WebhookBody } from './webhook-payload.js';
import { bareHost, isPublicAddress, publicOnlyLookup } from './webhook-url.js';
import { WebhookSecrets } from './webhook-secrets.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_ERROR = 500;

export type WebhookOutcome = 'delivered' | 'already-delivered' | 'dropped';

/** The signature header's value: HMAC-SHA256 of the exact body bytes with the alert's secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A failed attempt; thrown so that the queue retries it with exponential back-off. */
export class WebhookAttemptError extends Error {}

/**
 * The `alerts.deliver-webhook` job: POSTs one delivery, signed, to its alert's webhook. The report
 * is read again through the owner's current access rules, so a report retracted or withdrawn from
 * them in the meantime is not sent. A delivery already DELIVERED is left alone, but delivery is at
 * least once: a crash between the receiver's 2xx and the commit that marks it (kept to one short
 * transaction) sends it again with the same `x-windward-delivery` id, on which receivers de-duplicate.
 */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly search: SeizureSearchService,
    private readonly owners: AlertOwnerContexts,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly secrets: WebhookSecrets,
  ) {}

  async deliver(payload: WebhookDeliveryPayload, attempt: number, jobId: string): Promise<WebhookOutcome> {
    const deliveries = this.dataSource.getRepository(AlertDeliveryEntity);
    const delivery = await deliveries.findOneBy({ id: payload.deliveryId, channel: 'WEBHOOK' });
    if (!delivery || delivery.status === 'DELIVERED') return 'already-delivered';
    if (delivery.status === 'FAILED') return 'dropped';
    const alert = await this.dataSource.getRepository(AlertEntity).findOneBy({ id: delivery.alertId });
    if (!alert || !alert.active || !alert.webhookUrl || !alert.webhookSecret) return this.drop(delivery.id, 'The alert was deleted');
    const ctx = await this.owners.forOwner(alert.userId, `job:alerts.deliver-webhook:${jobId}`);
    if (!ctx) return this.drop(delivery.id, 'The alert owner is disabled or holds no credentials any more');
    if (!madeInOwnersAgency(alert, ctx)) return this.drop(delivery.id, 'The alert owner has moved to another agency');
    const entity = await this.search.findMatching(ctx, null, delivery.seizureId);
    if (!entity) return this.drop(delivery.id, 'The report is no longer visible to the alert owner');

    let secret: string;
    try {
      secret = await this.secrets.open(alert.id, alert.webhookSecret);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      return this.drop(delivery.id, 'The webhook secret does not open (altered, or PLATFORM_KEY_PASSPHRASE changed); create the alert again');
    }

    const deliveredAt = new Date();
    const message: WebhookBody = {
      alertId: alert.id,
      alertName: alert.name,
      event: 'alert.matched',
      seizure: webhookSeizure(entity, this.access.permittedFields(ctx.ability, 'Seizure', entity, SEIZURE_FIELDS)),
      deliveredAt: deliveredAt.toISOString(),
    };
    const body = JSON.stringify(message);
    await deliveries.increment({ id: delivery.id }, 'attempts', 1);
    try {
      await this.post(alert.webhookUrl, body, {
        'content-type': 'application/json',
        'user-agent': 'Windward-Webhook/1',
        'x-windward-signature': webhookSignature(secret, body),
        'x-windward-delivery': delivery.id,
        'x-windward-timestamp': String(Math.floor(deliveredAt.getTime() / 1000)),
      });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR);
      const final = attempt >= this.config.jobs.attempts;
      await deliveries.update({ id: delivery.id, status: 'PENDING' }, { lastError: reason, status: final ? 'FAILED' : 'PENDING' });
      throw new WebhookAttemptError(`Webhook delivery ${delivery.id} failed (attempt ${attempt}): ${reason}`);
    }
    await this.dataSource.transaction(async (manager) => {
      const marked = await manager.update(AlertDeliveryEntity, { id: delivery.id, status: 'PENDING' }, { status: 'DELIVERED', deliveredAt, lastError: null });
      if (marked.affected !== 1) return;
      // The report's facts left the platform: its owner agency sees to whom, in its audit trail.
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'alert.webhook.delivered',
        resourceType: 'Seizure',
        resourceId: entity.id,
        resourceAgency: entity.reportingAgency,
        fields: Object.entries(message.seizure).filter(([, value]) => value != null).map(([field]) => field),
        details: { alertId: alert.id, deliveryId: delivery.id, host: new URL(alert.webhookUrl!).host },
      }));
    });
    return 'delivered';
  }

  private async drop(deliveryId: string, reason: string): Promise<WebhookOutcome> {
    await this.dataSource.getRepository(AlertDeliveryEntity).update({ id: deliveryId, status: 'PENDING' }, { status: 'FAILED', lastError: reason });
    return 'dropped';
  }

  /**
   * Resolves on a 2xx answer; redirects are not followed. Unless private destinations are allowed,
   * only public addresses are reached, in every mode: an address in the URL is checked here (no
   * lookup happens for it), a name on each address it resolves to when connecting.
   */
  private post(target: string, body: string, headers: Record<string, string>): Promise<void> {
    const url = new URL(target);
    const publicOnly = !this.config.webhooks.allowPrivateDestinations;
    const host = bareHost(url.hostname);
    if (publicOnly && isIP(host) && !isPublicAddress(host)) return Promise.reject(new Error('destination is not a public address'));
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: WEBHOOK_TIMEOUT_MS,
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          ...(publicOnly ? { lookup: publicOnlyLookup } : {}),
        },
        (response) => {
          response.resume(); // the answer's body is not used
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`HTTP ${status}`));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`)));
      request.on('error', reject);
      request.end(body);
    });
  }
}
