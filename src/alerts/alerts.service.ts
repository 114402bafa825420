import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { AuditService, auditFromContext } from '../audit/audit.service.js';
import { PerRequest, type RequestContext } from '../access/request-context.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { BadUserInputError, NotFoundError } from '../errors/domain-error.js';
import { SeizureSearchService } from '../seizures/data/seizure-search.service.js';
import { AlertDeliveryEntity, AlertEntity } from './alert.entity.js';
import { filterFromJson, filterToJson } from './alert-filter.js';
import type { AlertInput } from './alert.inputs.js';
import type { AlertDeliveryModel, AlertModel } from './alert.model.js';
import { checkWebhookUrl } from './webhook-url.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { isUuid } from '../database/uuid.js';
import { textProblem } from '../graphql/input-guard.js';

/** Each user's active alerts are matched against every new report: keep the number bounded. */
export const MAX_ALERTS_PER_USER = 50;
/** Stopped alerts are kept for ever (their deliveries are on record): the owner's list shows the latest. */
export const MAX_STOPPED_LISTED = 50;
const MAX_DELIVERIES_PAGE = 200;
export function toAlertModel(alert: AlertEntity, webhookSecret: string | null = null): AlertModel {
  return {
    id: alert.id, name: alert.name, filter: JSON.stringify(alert.filter), createdAt: alert.createdAt, agencyCode: alert.agencyCode, webhookUrl: alert.webhookUrl, webhookSecret,
    brokenReason: alert.brokenReason, brokenAt: alert.brokenAt, active: alert.active, stoppedAt: alert.stoppedAt, stoppedBy: alert.stoppedBy,
  };
}

/** A user's own alerts: creation (audited, with the webhook secret shown once), listing, deletion. */
@Injectable()
export class AlertsService {
  /** Per request, a loader per page size asked for. */
  private readonly deliveryLoaders = new PerRequest(() => new Map<number, DataLoader<string, AlertDeliveryModel[]>>());

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly search: SeizureSearchService,
    private readonly audit: AuditService,
    private readonly secrets: WebhookSecrets,
  ) {}

  async create(ctx: RequestContext, input: AlertInput): Promise<AlertModel> {
    const name = input.name.trim();
    const nameIssue = textProblem(name);
    if (nameIssue) throw new BadUserInputError(`name: ${nameIssue}`, ['name']);
    if (name.length < 1 || name.length > 200) throw new BadUserInputError('name: give a name of 1 to 200 characters', ['name']);
    const filter = filterToJson(input.filter);
    // The same checks as a search with this filter (building the query validates it), on the form
    // it is stored and matched in: a filter that cannot be evaluated is refused now, not at match time.
    this.search.checkFilter(filterFromJson(filter));
    const webhookUrl = input.webhookUrl == null ? null : checkWebhookUrl(input.webhookUrl, this.config.webhooks);
    // The id is chosen here: the secret is sealed to its alert before the alert is stored.
    const id = randomUUID();
    const webhook = webhookUrl ? await this.secrets.create(id) : null;

    const alert = await this.dataSource.transaction(async (manager) => {
      // Serialises one user's creations, so the limit holds under concurrent requests.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`alerts:${ctx.principal.userId}`]);
      const count = await manager.countBy(AlertEntity, { userId: ctx.principal.userId, active: true });
      if (count >= MAX_ALERTS_PER_USER) throw new BadUserInputError(`You already have ${MAX_ALERTS_PER_USER} alerts; delete one first`);
      const saved = await manager.save(manager.create(AlertEntity, {
        id, userId: ctx.principal.userId, agencyCode: ctx.principal.agencyCode, name, filter, webhookUrl, webhookSecret: webhook?.stored ?? null, active: true,
      }));
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'alert.create',
        resourceType: 'Alert',
        resourceId: saved.id,
        resourceAgency: ctx.principal.agencyCode,
        fields: Object.keys(filter),
        details: { name, webhookHost: webhookUrl ? new URL(webhookUrl).host : null },
      }));
      return saved;
    });
    return toAlertModel(alert, webhook?.secret ?? null);
  }

  /**
   * The caller's active alerts, newest first; with `includeStopped`, then the ones stopped (by
   * them or an administrator), the most recently stopped first and MAX_STOPPED_LISTED at most.
   */
  async list(ctx: RequestContext, options: { includeStopped: boolean }): Promise<AlertModel[]> {
    const alerts = this.dataSource.getRepository(AlertEntity);
    const active = await alerts.find({ where: { userId: ctx.principal.userId, active: true }, order: { createdAt: 'DESC' } });
    const stopped = options.includeStopped
      ? await alerts.find({ where: { userId: ctx.principal.userId, active: false }, order: { stoppedAt: { direction: 'DESC', nulls: 'LAST' }, createdAt: 'DESC' }, take: MAX_STOPPED_LISTED })
      : [];
    return [...active, ...stopped].map((alert) => toAlertModel(alert));
  }

  /** Stops the alert; its deliveries stay on record. Someone else's alert is NOT_FOUND. */
  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    if (!isUuid(id)) throw new NotFoundError('Alert');
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.createQueryBuilder().update(AlertEntity)
        .set({ active: false, stoppedAt: new Date(), stoppedBy: 'OWNER' })
        .where({ id, userId: ctx.principal.userId, active: true })
        .returning(['agencyCode'])
        .execute();
      const stopped = (result.raw as { agency_code: string }[])[0];
      if (!stopped) throw new NotFoundError('Alert');
      // On the trail of the agency the alert was made in (its owner may have moved since): its
      // administrators see the alert stopped, and read why there.
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'alert.delete', resourceType: 'Alert', resourceId: id, resourceAgency: stopped.agency_code,
      }));
      return true;
    });
  }

  /**
   * The deliveries of one of the caller's alerts, newest first. Batched per request and page size:
   * a list of alerts (the console's Alerts screen: up to 100) reads all their deliveries at once.
   */
  deliveries(ctx: RequestContext, alertId: string, first: number): Promise<AlertDeliveryModel[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_DELIVERIES_PAGE) {
      return Promise.reject(new BadUserInputError(`first: must be between 1 and ${MAX_DELIVERIES_PAGE}`, ['first']));
    }
    const bySize = this.deliveryLoaders.for(ctx);
    let loader = bySize.get(first);
    if (!loader) bySize.set(first, (loader = new DataLoader((ids) => this.deliveriesOf(ctx, ids, first), { cache: false })));
    return loader.load(alertId);
  }

  /** The newest `first` deliveries of each of these alerts that is the caller's, in one statement. */
  private async deliveriesOf(ctx: RequestContext, alertIds: readonly string[], first: number): Promise<AlertDeliveryModel[][]> {
    const wanted = [...new Set(alertIds.filter(isUuid))];
    const rows = wanted.length === 0 ? [] : await this.dataSource
      .getRepository(AlertDeliveryEntity)
      .createQueryBuilder('d')
      .where(
        'd.id IN (SELECT ranked.id FROM (SELECT x.id, row_number() OVER (PARTITION BY x.alert_id ORDER BY x.created_at DESC, x.id DESC) AS n ' +
          'FROM alert_deliveries x JOIN alerts a ON a.id = x.alert_id WHERE x.alert_id IN (:...alertIds) AND a.user_id = :userId) ranked WHERE ranked.n <= :first)',
        { alertIds: wanted, userId: ctx.principal.userId, first },
      )
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .getMany();
    const byAlert = new Map<string, AlertDeliveryModel[]>();
    for (const d of rows) {
      const list = byAlert.get(d.alertId) ?? [];
      list.push({ id: d.id, seizureId: d.seizureId, channel: d.channel, status: d.status, attempts: d.attempts, lastError: d.lastError, createdAt: d.createdAt, deliveredAt: d.deliveredAt });
      byAlert.set(d.alertId, list);
    }
    return alertIds.map((alertId) => byAlert.get(alertId) ?? []);
  }
}
