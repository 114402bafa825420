import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { whereAllowed } from '../access/casl-sql.js';
import type { RequestContext } from '../access/request-context.js';
import { AuditService, auditFromContext } from '../audit/audit.service.js';
import { decodeKeysetCursor } from '../database/keyset-cursor.js';
import { isUuid } from '../database/uuid.js';
import { ForbiddenError, NotFoundError } from '../errors/domain-error.js';
import { UserEntity } from '../users/user.entity.js';
import { AlertEntity } from './alert.entity.js';
import type { AgencyAlertModel } from './alert.model.js';
import { AlertOwnerContexts } from './alert-owner-context.js';
import { stopperOf } from './alert-stopper.js';

export interface AgencyAlertPageOptions {
  /** Only this agency's alerts (a platform administrator's choice; anyone else sees only their own agency's anyway). */
  agency?: string | null;
  /** Stopped (deleted) alerts too. */
  includeStopped: boolean;
  first: number;
  after?: string | null;
}

export interface AgencyAlertPage {
  rows: AgencyAlertModel[];
  hasNextPage: boolean;
}

/**
 * Alerts as administrators see them (the Alert rules of policies.yaml): an agency's administrators
 * those made in their agency, platform administrators every one. They see who owns each, where its
 * webhook goes and whether it runs, and they stop one (audited) — a departing officer's webhooks do
 * not wait for every credential of theirs to be found and revoked. Nothing of what an alert matched
 * is shown: it is computed from reports its owner reads (a TLP:RED one naming them, say), and even a
 * match time limited to reports the administrator reads would take longer the more hidden matches
 * it passed over.
 */
@Injectable()
export class AgencyAlerts {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly owners: AlertOwnerContexts,
    private readonly audit: AuditService,
  ) {}

  /** The alerts the caller may see, newest first, after the keyset cursor `after`. */
  async page(ctx: RequestContext, options: AgencyAlertPageOptions): Promise<AgencyAlertPage> {
    const query = this.readable(ctx);
    const agency = options.agency?.trim().toUpperCase();
    if (agency) query.andWhere('a.agency_code = :agency', { agency });
    if (!options.includeStopped) query.andWhere('a.active = TRUE');
    // Whole milliseconds, as the cursor holds them: a row is never skipped nor repeated between pages.
    const at = "date_trunc('milliseconds', a.created_at)";
    if (options.after) {
      const cursor = decodeKeysetCursor(options.after);
      query.andWhere(`(${at}, a.id) < (:cursorAt, :cursorId)`, { cursorAt: cursor.at, cursorId: cursor.id });
    }
    const rows = await query.orderBy(at, 'DESC').addOrderBy('a.id', 'DESC').limit(options.first + 1).getMany();
    const page = rows.slice(0, options.first);
    return { rows: await this.views(page), hasNextPage: rows.length > options.first };
  }

  /**
   * Stops an alert the caller may stop: it matches and delivers nothing more, and its queued webhook
   * deliveries are dropped. One the caller may not see is NOT_FOUND; stopping a stopped one changes
   * nothing and writes no event.
   */
  async stop(ctx: RequestContext, id: string): Promise<AgencyAlertModel> {
    const alert = isUuid(id) ? await this.readable(ctx).andWhere('a.id = :id', { id }).getOne() : null;
    if (!alert) throw new NotFoundError('Alert');
    if (!this.access.can(ctx.ability, 'stop', 'Alert', alert)) throw new ForbiddenError('You may not stop this alert');
    // The owner sees that it stopped, when, and what kind of actor stopped it (never who).
    const stoppedBy = stopperOf(ctx.principal, alert);
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.update(AlertEntity, { id: alert.id, active: true }, { active: false, stoppedAt: new Date(), stoppedBy });
      if (result.affected !== 1) return; // stopped already, by its owner or another administrator
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'alert.stop',
        resourceType: 'Alert',
        resourceId: alert.id,
        resourceAgency: alert.agencyCode,
        fields: ['active'],
        details: { ownerId: alert.userId, name: alert.name, webhookHost: webhookHost(alert) },
      }));
    });
    const [view] = await this.views([{ ...alert, active: false }]);
    return view;
  }

  /** The alerts the caller may read, as the SQL of the Alert read rules. */
  private readable(ctx: RequestContext) {
    return whereAllowed(this.dataSource.getRepository(AlertEntity).createQueryBuilder('a'), ctx.ability, 'read', 'Alert');
  }

  private async views(alerts: readonly AlertEntity[]): Promise<AgencyAlertModel[]> {
    if (alerts.length === 0) return [];
    const ownerIds = [...new Set(alerts.map((alert) => alert.userId))];
    const owners = new Map((await this.dataSource.getRepository(UserEntity).findBy({ id: In(ownerIds) })).map((user) => [user.id, user]));
    const running = await this.runningAlerts(alerts);
    return alerts.map((alert) => ({
      id: alert.id,
      name: alert.name,
      agencyCode: alert.agencyCode,
      ownerId: alert.userId,
      ownerEmail: owners.get(alert.userId)?.email ?? null,
      createdAt: alert.createdAt,
      webhookHost: webhookHost(alert),
      active: alert.active,
      broken: alert.brokenAt !== null,
      running: running.has(alert.id),
    }));
  }

  /** The alerts that would fire now, decided as the matcher decides (AlertMatcher: the owner's context, the agency it was made in). */
  private async runningAlerts(alerts: readonly AlertEntity[]): Promise<Set<string>> {
    const candidates = alerts.filter((alert) => alert.active && !alert.brokenReason);
    // All the page's owners at once, not a context per owner (whose abilities the answer never needs).
    const agencies = await this.owners.agenciesOfOwners(candidates.map((alert) => alert.userId));
    return new Set(candidates.filter((alert) => agencies.get(alert.userId) === alert.agencyCode).map((alert) => alert.id));
  }
}

function webhookHost(alert: Pick<AlertEntity, 'webhookUrl'>): string | null {
  return alert.webhookUrl ? new URL(alert.webhookUrl).host : null;
}
