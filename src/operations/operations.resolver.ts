import { Args, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AgencyModel } from '../agencies/agency.model.js';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { SeizureLoaderFactory } from '../seizures/read/seizure-loaders.js';
import { SeizureProjection } from '../seizures/read/seizure-projection.js';
import { SeizureSearchService, clampFirst } from '../seizures/data/seizure-search.service.js';
import type { SeizureView } from '../seizures/read/seizure-view.js';
import { SeizureViews } from '../seizures/read/seizure-views.js';
import { SeizureConnectionModel, SeizureModel } from '../seizures/api/seizure.model.js';
import type { OperationEntity, OperationStatus } from './operation.entity.js';
import { OperationConnectionModel, OperationInput, OperationModel, OperationStatusEnum } from './operation.model.js';
import { OperationsService, encodeOperationCursor } from './operations.service.js';
import { OperationLinkModel } from './seizure-link-request.model.js';

@Resolver(() => OperationModel)
export class OperationsResolver {
  constructor(
    private readonly service: OperationsService,
    private readonly search: SeizureSearchService,
    private readonly views: SeizureViews,
    private readonly loaders: SeizureLoaderFactory,
    private readonly projection: SeizureProjection,
  ) {}

  @Allow(AUTHENTICATED)
  @Query(() => OperationModel, { nullable: true, description: 'Null when it does not exist or your agency does not take part' })
  operation(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string) {
    return this.service.findVisible(ctx, id);
  }

  @Allow(AUTHENTICATED)
  @Query(() => OperationConnectionModel)
  async operations(
    @Ctx() ctx: RequestContext,
    @Args('status', { type: () => OperationStatusEnum, nullable: true }) status: OperationStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    const page = await this.service.page(ctx, status, first ?? 20, after);
    const edges = page.rows.map((node) => ({ cursor: encodeOperationCursor(node), node }));
    return { edges, totalCount: page.totalCount, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Allow('ANALYST')
  @Mutation(() => OperationModel, { description: 'Set up an operation led by your agency (status PLANNING)' })
  createOperation(@Ctx() ctx: RequestContext, @Args('input', { type: () => OperationInput }) input: OperationInput) {
    return this.service.create(ctx, input);
  }

  @Allow('ANALYST', 'PLATFORM_ADMIN')
  @Mutation(() => OperationModel)
  addOperationParticipants(@Ctx() ctx: RequestContext, @Args('operationId', { type: () => ID }) id: string, @Args('agencies', { type: () => [String] }) agencies: string[]) {
    return this.service.addParticipants(ctx, id, agencies);
  }

  @Allow('ANALYST', 'PLATFORM_ADMIN')
  @Mutation(() => OperationModel, { description: 'PLANNING -> ACTIVE -> FOLLOW_UP -> CLOSED; closing ends participants\' operation access' })
  setOperationStatus(@Ctx() ctx: RequestContext, @Args('operationId', { type: () => ID }) id: string, @Args('status', { type: () => OperationStatusEnum }) status: OperationStatus) {
    return this.service.setStatus(ctx, id, status);
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN')
  @Mutation(() => SeizureModel, { description: "Link your own agency's report to an operation it takes part in (the owner's act; a lead asks for others' reports with requestSeizureLink)" })
  async linkSeizureToOperation(@Ctx() ctx: RequestContext, @Args('operationId', { type: () => ID }) operationId: string, @Args('seizureId', { type: () => ID }) seizureId: string): Promise<SeizureView> {
    return this.views.view(ctx, await this.service.link(ctx, operationId, seizureId));
  }

  @ResolveField('leadAgency', () => AgencyModel)
  leadAgency(@Ctx() ctx: RequestContext, @Parent() operation: OperationEntity) {
    return this.loaders.for(ctx).agency.load(operation.leadAgency);
  }

  @ResolveField('participants', () => [AgencyModel])
  async participants(@Ctx() ctx: RequestContext, @Parent() operation: OperationEntity) {
    const agencies = await this.loaders.for(ctx).agency.loadMany(operation.participants);
    return agencies.filter((a): a is NonNullable<typeof a> => a != null && !(a instanceof Error));
  }

  @ResolveField('seizures', () => SeizureConnectionModel, { description: 'Linked reports visible to you' })
  async seizures(
    @Ctx() ctx: RequestContext,
    @Parent() operation: OperationEntity,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ) {
    const filter = { operationId: operation.id };
    const page = await this.search.page(ctx, filter, clampFirst(first), after, this.projection.columnsFor(info));
    return this.views.connection(ctx, page, () => this.search.count(ctx, filter));
  }
}

/** Seizure.operation: the linked operation, when the reader may see both the link and the operation. */
@Resolver(() => SeizureModel)
export class SeizureOperationResolver {
  constructor(private readonly operations: OperationsService) {}

  @ResolveField('operation', () => OperationModel, { nullable: true })
  operation(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    return view.operationId ? this.operations.loadVisible(ctx, view.operationId) : null;
  }

  @ResolveField('operationLink', () => OperationLinkModel, { nullable: true, description: "How the report joined its operation, with the owner's consent; null when you may not see the link" })
  operationLink(@Parent() view: SeizureView): OperationLinkModel | null {
    const entity = view.entity;
    if (!view.operationId || !entity.operationLinkBasis) return null;
    return { basis: entity.operationLinkBasis, consentedBy: view.reportingAgencyCode, linkedAt: entity.operationLinkedAt ?? null, requestId: entity.operationLinkRequestId ?? null };
  }
}
