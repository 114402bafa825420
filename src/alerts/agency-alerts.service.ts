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
import { SeizureSearchService } from '../seizures/data/seizure-search.service.js';
import { UserEntity } from '../users/user.entity.js';
import { AlertDeliveryEntity, AlertEntity } from './alert.entity.js';
import type { AgencyAlertModel } from './alert.model.js';
import { AlertOwnerContexts, madeInOwnersAgency } from './alert-owner-context.js';

/** How many of an alert's newest matches are looked at in one round for one the caller may read. */
const MATCHES_PER_ROUND = 100;

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

interface MatchRow {
  id: string;
  alertId: string;
  seizureId: string;
  createdAt: Date;
  /** created_at as PostgreSQL writes it, to the microsecond: where the next round starts. */
  at: string;
}

/**
 * Alerts as administrators see them (the Alert rules of policies.yaml): an agency's administrators
 * those made in their agency, platform administrators every one. They see who owns each, where its
 * webhook goes and whether it runs, and they stop one (audited) — a departing officer's webhooks do
 * not wait for every credential of theirs to be found and revoked. What an alert matched is computed
 * from reports its owner reads, so a match time is shown only for a report the caller reads too.
 */
@Injectable()
export class AgencyAlerts {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly search: SeizureSearchService,
    private readonly owners: AlertOwnerContexts,
    private readonly audit: AuditService,
  ) {}

  /** The alerts the caller may see, newest first, after the keyset cursor `after`. */
  async page(ctx: RequestContext, options: AgencyAlertPageOptions): Promise<AgencyAlertPage> {
    const query = whereAllowed(this.dataSource.getRepository(AlertEntity).createQueryBuilder('a'), ctx.ability, 'read', 'Alert');
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
    return { rows: await this.views(ctx, page), hasNextPage: rows.length > options.first };
  }

  /**
   * Stops an alert the caller may stop: it matches and delivers nothing more, and its queued webhook
   * deliveries are dropped. One the caller may not see is NOT_FOUND; stopping a stopped one changes
   * nothing and writes no event.
   */
  async stop(ctx: RequestContext, id: string): Promise<AgencyAlertModel> {
    const alert = isUuid(id)
      ? await whereAllowed(this.dataSource.getRepository(AlertEntity).createQueryBuilder('a'), ctx.ability, 'read', 'Alert').andWhere('a.id = :id', { id }).getOne()
      : null;
    if (!alert) throw new NotFoundError('Alert');
    if (!this.access.can(ctx.ability, 'stop', 'Alert', alert)) throw new ForbiddenError('You may not stop this alert');
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.update(AlertEntity, { id: alert.id, active: true }, { active: false });
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
    const [view] = await this.views(ctx, [{ ...alert, active: false }]);
    return view;
  }

  private async views(ctx: RequestContext, alerts: readonly AlertEntity[]): Promise<AgencyAlertModel[]> {
    if (alerts.length === 0) return [];
    const ownerIds = [...new Set(alerts.map((alert) => alert.userId))];
    const owners = new Map((await this.dataSource.getRepository(UserEntity).findBy({ id: In(ownerIds) })).map((user) => [user.id, user]));
    const running = await this.runningAlerts(ctx, alerts);
    const lastMatched = await this.lastReadableMatches(ctx, alerts.map((alert) => alert.id));
    return alerts.map((alert) => ({
      id: alert.id,
      name: alert.name,
      agencyCode: alert.agencyCode,
      ownerId: alert.userId,
      ownerEmail: owners.get(alert.userId)?.email ?? null,
      createdAt: alert.createdAt,
      webhookHost: webhookHost(alert),
      active: alert.active,
      brokenAt: alert.brokenAt,
      running: running.has(alert.id),
      lastMatchedAt: lastMatched.get(alert.id) ?? null,
    }));
  }

  /** The alerts that would fire now, decided as the matcher decides (AlertMatcher: the owner's context, the agency it was made in). */
  private async runningAlerts(ctx: RequestContext, alerts: readonly AlertEntity[]): Promise<Set<string>> {
    const candidates = alerts.filter((alert) => alert.active && !alert.brokenReason);
    const running = new Set<string>();
    for (const ownerId of new Set(candidates.map((alert) => alert.userId))) {
      const owner = await this.owners.forOwner(ownerId, `${ctx.requestId}:agency-alerts`);
      if (!owner) continue;
      for (const alert of candidates) if (alert.userId === ownerId && madeInOwnersAgency(alert, owner)) running.add(alert.id);
    }
    return running;
  }

  /**
   * Per alert, when it last matched a report the caller may read. Its matches are taken newest
   * first, a round at a time, until one is of a report the caller reads (SeizureSearchService.visibleIds)
   * or none are left: a match of a report hidden from the caller (a TLP:RED one naming the owner, say)
   * moves nothing the caller sees.
   */
  private async lastReadableMatches(ctx: RequestContext, alertIds: readonly string[]): Promise<Map<string, Date>> {
    const found = new Map<string, Date>();
    let pending = new Map<string, { at: string; id: string } | null>(alertIds.map((id) => [id, null]));
    while (pending.size > 0) {
      const rows = await this.newestMatches(pending);
      const visible = await this.search.visibleIds(ctx, rows.map((row) => row.seizureId));
      const seen = new Map<string, number>();
      const next = new Map<string, { at: string; id: string }>();
      for (const row of rows) { // by alert, newest first
        if (found.has(row.alertId)) continue;
        if (visible.has(row.seizureId)) {
          found.set(row.alertId, row.createdAt);
          continue;
        }
        const count = (seen.get(row.alertId) ?? 0) + 1;
        seen.set(row.alertId, count);
        // A full round of hidden matches: the next round starts after its oldest.
        if (count === MATCHES_PER_ROUND) next.set(row.alertId, { at: row.at, id: row.id });
      }
      pending = next;
    }
    return found;
  }

  /** Up to MATCHES_PER_ROUND matches of each alert, newest first, older than its position (none: from the newest). */
  private newestMatches(positions: ReadonlyMap<string, { at: string; id: string } | null>): Promise<MatchRow[]> {
    const deliveries = this.dataSource.getMetadata(AlertDeliveryEntity).tableName;
    const entries = [...positions];
    // One delivery of the SUBSCRIPTION channel is recorded per match (the webhook's comes beside it).
    return this.dataSource.query<MatchRow[]>(
      `SELECT m.id, m.alert_id AS "alertId", m.seizure_id AS "seizureId", m.created_at AS "createdAt", m.created_at::text AS at
         FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS c(alert_id, before_at, before_id)
         CROSS JOIN LATERAL (
           SELECT d.id, d.alert_id, d.seizure_id, d.created_at FROM "${deliveries}" d
            WHERE d.alert_id = c.alert_id AND d.channel = 'SUBSCRIPTION'
              AND (c.before_at IS NULL OR (d.created_at, d.id) < (c.before_at::timestamptz, c.before_id))
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT $4) m
        ORDER BY m.alert_id, m.created_at DESC, m.id DESC`,
      [entries.map(([id]) => id), entries.map(([, at]) => at?.at ?? null), entries.map(([, at]) => at?.id ?? null), MATCHES_PER_ROUND],
    );
  }
}

function webhookHost(alert: Pick<AlertEntity, 'webhookUrl'>): string | null {
  return alert.webhookUrl ? new URL(alert.webhookUrl).host : null;
}
