import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { SeizureModel } from '../seizures/api/seizure.model.js';
import type { SeizureView } from '../seizures/read/seizure-view.js';
import { SeizureViews } from '../seizures/read/seizure-views.js';
import { OperationModel } from './operation.model.js';
import { OperationsService } from './operations.service.js';
import type { LinkRequestStatus, SeizureLinkRequestEntity } from './seizure-link-request.entity.js';
import { SeizureLinkRequestAlerts, type LinkRequestAlert } from './seizure-link-request-alerts.js';
import { LinkRequestDecisionEnum, LinkRequestStatusEnum, SeizureLinkRequestModel } from './seizure-link-request.model.js';
import { SeizureLinkRequestsService, type LinkRequestDecision } from './seizure-link-requests.service.js';

@Resolver(() => SeizureLinkRequestModel)
export class SeizureLinkRequestsResolver {
  constructor(
    private readonly requests: SeizureLinkRequestsService,
    private readonly operations: OperationsService,
    private readonly views: SeizureViews,
    private readonly alerts: SeizureLinkRequestAlerts,
  ) {}

  @Allow('ELO', 'AGENCY_ADMIN')
  @Subscription(() => SeizureLinkRequestModel, {
    description: "The alert a lead's link request raises: new requests for your agency's reports, for its ELOs and administrators",
    resolve(this: void, alert: LinkRequestAlert, _args: unknown, context: { req: { windward?: RequestContext } }): SeizureLinkRequestEntity {
      context.req.windward = alert.ctx; // field resolvers run as the subscriber
      return alert.request;
    },
  })
  seizureLinkRequested(@Ctx() ctx: RequestContext, @Context('req') req: { headers: { authorization?: string; cookie?: string; 'x-csrf-token'?: string } }) {
    // All of the connection's credentials: a console session re-checks with its cookie and CSRF token.
    return this.alerts.subscribe(ctx, { ...req.headers });
  }

  @Allow('ANALYST')
  @Mutation(() => SeizureLinkRequestModel, { description: "Lead analysts: ask the owner agency to link its report to the operation (the owner decides; asking again returns the pending request)" })
  requestSeizureLink(
    @Ctx() ctx: RequestContext,
    @Args('operationId', { type: () => ID }) operationId: string,
    @Args('seizureId', { type: () => ID }) seizureId: string,
    @Args('note') note: string,
  ) {
    return this.requests.request(ctx, operationId, seizureId, note);
  }

  @Allow('ELO', 'AGENCY_ADMIN')
  @Mutation(() => SeizureLinkRequestModel, { description: "The owner agency's ELOs and administrators: ACCEPT links the report (recorded as your agency's consent), DECLINE does not" })
  respondToSeizureLinkRequest(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('decision', { type: () => LinkRequestDecisionEnum }) decision: LinkRequestDecision,
  ) {
    return this.requests.respond(ctx, id, decision);
  }

  @Allow(AUTHENTICATED)
  @Query(() => [SeizureLinkRequestModel], { description: "Link requests for your agency's reports (ELOs, administrators) or made by your agency (analysts), newest first (at most 200)" })
  seizureLinkRequests(@Ctx() ctx: RequestContext, @Args('status', { type: () => LinkRequestStatusEnum, nullable: true }) status: LinkRequestStatus | null) {
    return this.requests.list(ctx, status);
  }

  @ResolveField('operation', () => OperationModel, { nullable: true })
  operation(@Ctx() ctx: RequestContext, @Parent() request: SeizureLinkRequestEntity) {
    return this.operations.findVisible(ctx, request.operationId);
  }

  @ResolveField('seizure', () => SeizureModel, { nullable: true, description: 'The report, as you may see it' })
  async seizure(@Ctx() ctx: RequestContext, @Parent() request: SeizureLinkRequestEntity): Promise<SeizureView | null> {
    const entity = await this.requests.seizureOf(ctx, request);
    return entity ? this.views.view(ctx, entity) : null;
  }
}
