import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RequestContext } from '../access/request-context.js';
import { DomainError } from '../errors/domain-error.js';
import { JobsService } from '../jobs/jobs.service.js';
import { JsonLogger } from '../observability/json-logger.js';
import { SeizureChangeEntity } from '../seizures/data/seizure-change.entity.js';
import { SeizureSearchService } from '../seizures/data/seizure-search.service.js';
import { AlertDeliveryEntity, AlertEntity } from './alert.entity.js';
import { filterFromJson } from './alert-filter.js';
import type { AlertMatchPayload } from './alert-jobs.types.js';
import { AlertOwnerContexts, madeInOwnersAgency } from './alert-owner-context.js';
import { SEIZURE_EVENT_BUS, type SeizureEventBus } from './seizure-event-bus.js';
import { SeizureNovelty } from './seizure-novelty.js';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** PostgreSQL's "data exception" class: the values, not the database, are at fault. */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('22');
}

export interface AlertMatchResult {
  matched: number;
  skipped?: 'missing' | 'retracted' | 'low-grade';
}

/**
 * The `alerts.match` job: tests one change of a report against every active alert, each through
 * the alert owner's own access rules and the same SQL as their searches, and records a delivery
 * per match. Re-running it is harmless: a delivery is unique per alert, report and channel.
 */
@Injectable()
export class AlertMatcher {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly search: SeizureSearchService,
    private readonly owners: AlertOwnerContexts,
    private readonly novelty: SeizureNovelty,
    private readonly jobs: JobsService,
    private readonly logger: JsonLogger,
    @Inject(SEIZURE_EVENT_BUS) private readonly bus: SeizureEventBus,
  ) {}

  async match(payload: AlertMatchPayload, jobId: string): Promise<AlertMatchResult> {
    const change = await this.dataSource.getRepository(SeizureChangeEntity).findOneBy({ seq: payload.changeSeq });
    const entity = await this.search.unrestrictedById(payload.seizureId);
    if (!change || !entity) return { matched: 0, skipped: 'missing' };
    if (entity.status === 'RETRACTED') return { matched: 0, skipped: 'retracted' };
    // domain.md §4 rule 5: a low grade gates use, so it feeds no alert until it is re-graded.
    if (entity.lowGrade) return { matched: 0, skipped: 'low-grade' };

    const before = await this.novelty.before(entity, change.version);
    const alerts = await this.dataSource.getRepository(AlertEntity).find({ where: { active: true }, order: { createdAt: 'ASC' } });
    const byOwner = new Map<string, AlertEntity[]>();
    for (const alert of alerts) byOwner.set(alert.userId, [...(byOwner.get(alert.userId) ?? []), alert]);
    let matched = 0;
    let retryable: unknown = null;
    // Each owner and each alert fails alone: one broken filter or one owner's error must not stop
    // the other users' alerts from firing on this report.
    for (const [userId, owned] of byOwner) {
      try {
        const ctx = await this.owners.forOwner(userId, `job:alerts.match:${jobId}`);
        if (!ctx || !this.novelty.isNewTo(ctx, before)) continue;
        for (const alert of owned) {
          try {
            if (!madeInOwnersAgency(alert, ctx)) {
              if (!alert.brokenReason) await this.markBroken(alert, 'You have moved to another agency since this alert was made: make it again');
              continue;
            }
            if (!(await this.matches(ctx, alert, entity.id))) continue;
            await this.recordDelivery(alert, entity.id);
            matched += 1;
          } catch (error) {
            retryable ??= error;
            this.logger.event('error', 'alert match failed', { alertId: alert.id, seizureId: entity.id, error: errorMessage(error) });
          }
        }
      } catch (error) {
        retryable ??= error;
        this.logger.event('error', 'alert owner context failed', { userId, seizureId: entity.id, error: errorMessage(error) });
      }
    }
    // A failure that may pass (the database, the queue) is retried by the queue; the alerts that
    // matched keep their single delivery (unique per alert, report and channel).
    if (retryable) throw retryable;
    // Last, so that a retry after a failure above does not announce the report twice.
    await this.bus.publish({ seizureId: entity.id, changeSeq: change.seq, version: change.version, change: change.change });
    return { matched };
  }

  private async matches(ctx: RequestContext, alert: AlertEntity, seizureId: string): Promise<boolean> {
    if (alert.brokenReason) return false;
    try {
      return await this.search.matches(ctx, filterFromJson(alert.filter), seizureId);
    } catch (error) {
      // A filter that no longer validates (saved before a check existed, a code list changed), or
      // whose values the database refuses (SQLSTATE class 22, data exception), will fail on every
      // report: the alert is marked broken with the reason, which its owner sees in `alerts`.
      const reason = error instanceof DomainError ? error.message : isDataException(error) ? 'The filter holds a value the database cannot compare' : null;
      if (!reason) throw error;
      await this.markBroken(alert, reason);
      return false;
    }
  }

  private async markBroken(alert: AlertEntity, reason: string): Promise<void> {
    this.logger.event('warn', 'alert marked broken', { alertId: alert.id, reason });
    await this.dataSource.getRepository(AlertEntity).update({ id: alert.id }, { brokenReason: reason.slice(0, 500), brokenAt: new Date() });
  }

  private async recordDelivery(alert: AlertEntity, seizureId: string): Promise<void> {
    const rows: Partial<AlertDeliveryEntity>[] = [{ alertId: alert.id, seizureId, channel: 'SUBSCRIPTION', status: 'DELIVERED', deliveredAt: new Date() }];
    if (alert.webhookUrl) rows.push({ alertId: alert.id, seizureId, channel: 'WEBHOOK', status: 'PENDING' });
    await this.dataSource.createQueryBuilder().insert().into(AlertDeliveryEntity).values(rows).orIgnore().execute();
    if (!alert.webhookUrl) return;
    const webhook = await this.dataSource.getRepository(AlertDeliveryEntity).findOneByOrFail({ alertId: alert.id, seizureId, channel: 'WEBHOOK' });
    // Enqueued again on a retry: the job id is the delivery id, so the queue keeps one job.
    if (webhook.status === 'PENDING') await this.jobs.enqueue('alerts.deliver-webhook', { deliveryId: webhook.id }, { jobId: webhook.id });
  }
}
