import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, Ctx, OwnCredentials } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { AlertInput } from './alert.inputs.js';
import { AlertDeliveryModel, AlertModel } from './alert.model.js';
import { AlertsService } from './alerts.service.js';

/**
 * Alerts over GraphQL: every user who reads reports may want to hear about new ones. An alert is
 * matched and delivered as its owner (by every rule that names them), so only the owner's own
 * credentials manage alerts and read their deliveries.
 */
@OwnCredentials()
@Resolver(() => AlertModel)
export class AlertsResolver {
  constructor(private readonly service: AlertsService) {}

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN', 'PARTNER')
  @Mutation(() => AlertModel, { description: 'Save a filter; matching new or newly released reports you may see are delivered to you' })
  createAlert(@Ctx() ctx: RequestContext, @Args('input', { type: () => AlertInput }) input: AlertInput): Promise<AlertModel> {
    return this.service.create(ctx, input);
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN', 'PARTNER')
  @Query(() => [AlertModel], {
    description: 'Your active alerts, newest first; with includeStopped, then your 50 most recently stopped ones (stoppedAt, stoppedBy say when and by whom)',
  })
  alerts(
    @Ctx() ctx: RequestContext,
    @Args('includeStopped', { type: () => Boolean, nullable: true, defaultValue: false, description: 'Also the alerts you deleted or an administrator stopped' })
    includeStopped: boolean | null,
  ): Promise<AlertModel[]> {
    return this.service.list(ctx, { includeStopped: includeStopped ?? false });
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN', 'PARTNER')
  @Mutation(() => Boolean, { description: 'Stop one of your alerts (its deliveries stay on record)' })
  deleteAlert(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.delete(ctx, id);
  }

  @ResolveField('deliveries', () => [AlertDeliveryModel], { description: 'Deliveries of this alert, newest first' })
  deliveries(@Ctx() ctx: RequestContext, @Parent() alert: AlertModel, @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null) {
    return this.service.deliveries(ctx, alert.id, first ?? 20);
  }
}
