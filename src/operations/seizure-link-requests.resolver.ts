import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { SeizureModel } from '../seizures/api/seizure.model.js';
import type { SeizureView } from '../seizures/read/seizure-view.js';
import { SeizureLoaderFactory } from '../seizures/read/seizure-loaders.js';
import { SeizureViews } from '../seizures/read/seizure-views.js';
import { OperationModel } from './operation.model.js';
import { OperationsService } from './operations.service.js';
import type { LinkRequestStatus, SeizureLinkRequestEntity } from './seizure-link-request.entity.js';
import { SeizureLinkRequestAlerts, type LinkRequestAlert } from './seizure-link-request-alerts.js';
import { LinkRequestDecisionEnum, LinkRequestStatusEnum, SeizureLinkRequestConnectionModel, SeizureLinkRequestModel } from './seizure-link-request.model.js';
import { BadUserInputError } from '../errors/domain-error.js';
import { encodeKeysetCursor } from '../database/keyset-cursor.js';
import { clampFirst } from '../seizures/data/seizure-search.service.js';
import { SeizureLinkRequestsService, type LinkRequestDecision } from './seizure-link-requests.service.js';

@Resolver(() => SeizureLinkRequestModel)
export class SeizureLinkRequestsResolver {
  constructor(
    private readonly requests: SeizureLinkRequestsService,
    private readonly operations: OperationsService,
    private readonly views: SeizureViews,
    private readonly loaders: SeizureLoaderFactory,
    private readonly alerts: SeizureLinkRequestAlerts,
  ) {}

  @Allow('ELO', 'AGENCY_ADMIN')
  @Subscription(() => SeizureLinkRequestModel, {
    description: "The alert a lead's link request raises: new requests for your agency's reports, for its ELOs and administrators",
    resolve(this: void, alert: LinkRequestAlert, _args: unknown, context: { req: { windward?: RequestContext } }): SeizureLinkRequestEntity {
      // Field resolvers run as the subscriber; a context of its own per push, so no per-request
      // loader serves one push what it read for an earlier one.
      context.req.windward = { ...alert.ctx };
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
    @Args('note', { type: () => String, nullable: true, description: 'Why the report is wanted (optional, at most 1000 characters)' }) note: string | null,
  ) {
    return this.requests.request(ctx, operationId, seizureId, note);
  }

  @Allow('ELO', 'AGENCY_ADMIN')
  @Mutation(() => SeizureLinkRequestModel, {
    description: "The owner agency's ELOs and administrators: accept: true (or decision: ACCEPT) links the report, recorded as your agency's consent; false (DECLINE) does not. An optional note goes with the answer",
  })
  respondToSeizureLinkRequest(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('accept', { type: () => Boolean, nullable: true, description: 'The contract\'s form of the answer; give this or decision' }) accept: boolean | null,
    @Args('decision', { type: () => LinkRequestDecisionEnum, nullable: true }) decision: LinkRequestDecision | null,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
  ) {
    const fromAccept: LinkRequestDecision | null = accept == null ? null : accept ? 'ACCEPT' : 'DECLINE';
    const chosen = fromAccept ?? decision ?? null; // an argument left out arrives as undefined
    if (chosen === null || (fromAccept && decision && fromAccept !== decision)) {
      throw new BadUserInputError('Answer with accept: true or false (or decision: ACCEPT or DECLINE), not both ways differently', ['accept']);
    }
    return this.requests.respond(ctx, id, chosen, note ?? null);
  }

  @Allow(AUTHENTICATED)
  @Query(() => SeizureLinkRequestConnectionModel, {
    description: "Link requests for your agency's reports (ELOs, administrators) or made by your agency (analysts), newest first",
  })
  async seizureLinkRequests(
    @Ctx() ctx: RequestContext,
    @Args('status', { type: () => LinkRequestStatusEnum, nullable: true }) status: LinkRequestStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<SeizureLinkRequestConnectionModel> {
    const page = await this.requests.page(ctx, status, clampFirst(first), after);
    const edges = page.rows.map((node) => ({ cursor: encodeKeysetCursor({ at: node.createdAt, id: node.id }), node }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @ResolveField('requestedAt', () => Date)
  requestedAt(@Parent() request: SeizureLinkRequestEntity): Date {
    return request.createdAt;
  }

  @ResolveField('operation', () => OperationModel, { nullable: true })
  operation(@Ctx() ctx: RequestContext, @Parent() request: SeizureLinkRequestEntity) {
    return this.operations.loadVisible(ctx, request.operationId);
  }

  @ResolveField('seizure', () => SeizureModel, { nullable: true, description: 'The report, as you may see it' })
  async seizure(@Ctx() ctx: RequestContext, @Parent() request: SeizureLinkRequestEntity): Promise<SeizureView | null> {
    // A page of requests reads its reports in one query, under the reader's rules.
    const entity = await this.loaders.for(ctx).visible.load(request.seizureId);
    return entity ? this.views.view(ctx, entity) : null;
  }
}
