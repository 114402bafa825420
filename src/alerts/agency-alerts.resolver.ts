import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, Ctx, OwnCredentials } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { encodeKeysetCursor } from '../database/keyset-cursor.js';
import { clampFirst } from '../seizures/data/seizure-search.service.js';
import { AgencyAlerts } from './agency-alerts.service.js';
import { AgencyAlertConnectionModel, AgencyAlertModel } from './alert.model.js';

/** Administrators' view of alerts (the Alert rules of policies.yaml decide which). */
@Resolver(() => AgencyAlertModel)
export class AgencyAlertsResolver {
  constructor(private readonly alerts: AgencyAlerts) {}

  @Allow('AGENCY_ADMIN', 'PLATFORM_ADMIN')
  @Query(() => AgencyAlertConnectionModel, {
    description: "Alerts made in your agency (a platform administrator: in any agency, or in `agency`), newest first: owner, webhook host and state; never its filter or anything of what it matched",
  })
  async agencyAlerts(
    @Ctx() ctx: RequestContext,
    @Args('agency', { type: () => String, nullable: true }) agency: string | null,
    @Args('includeStopped', { type: () => Boolean, nullable: true, defaultValue: false, description: 'Also the alerts their owner deleted or an administrator stopped' })
    includeStopped: boolean | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<AgencyAlertConnectionModel> {
    const page = await this.alerts.page(ctx, { agency, includeStopped: includeStopped ?? false, first: clampFirst(first), after });
    const edges = page.rows.map((node) => ({ cursor: encodeKeysetCursor({ at: node.createdAt, id: node.id }), node }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  // The administrator's own act, audited under their name: not with a key issued for someone else.
  @Allow('AGENCY_ADMIN', 'PLATFORM_ADMIN')
  @OwnCredentials()
  @Mutation(() => AgencyAlertModel, {
    description: "Stops an alert made in your agency (a platform administrator: any): it matches nothing more and its queued webhook deliveries are dropped; audited as alert.stop",
  })
  stopAgencyAlert(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<AgencyAlertModel> {
    return this.alerts.stop(ctx, id);
  }
}
