import { Args, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AgencyModel } from '../../agencies/agency.model.js';
import { AUTHENTICATED, Allow, Ctx } from '../../access/allow.decorator.js';
import type { RequestContext } from '../../access/request-context.js';
import { SealedSubmissionService } from '../write/sealed-submission.service.js';
import type { SeizureDimension } from '../seizure.enums.js';
import { SeizureDimensionEnum, SeizureFilter, SeizureInput, SeizureUpdateInput } from './seizure.inputs.js';
import { SeizureLoaderFactory } from '../read/seizure-loaders.js';
import { SeizureProjection } from '../read/seizure-projection.js';
import { SeizureReadAudit } from '../read/seizure-read-audit.js';
import { SeizureConnectionModel, SeizureModel, SeizureSensitiveModel, SeizureStatBucketModel, SignatureModel } from './seizure.model.js';
import { SeizureSearchService, clampFirst } from '../data/seizure-search.service.js';
import { SeizureSubmissionService } from '../write/seizure-submission.service.js';
import type { SeizureView } from '../read/seizure-view.js';
import { SeizureViews } from '../read/seizure-views.js';

/** Seizure reports over GraphQL; access and disclosure are decided in the services below. */
@Resolver(() => SeizureModel)
export class SeizuresResolver {
  constructor(
    private readonly search: SeizureSearchService,
    private readonly submissions: SeizureSubmissionService,
    private readonly sealedSubmissions: SealedSubmissionService,
    private readonly views: SeizureViews,
    private readonly loaders: SeizureLoaderFactory,
    private readonly readAudit: SeizureReadAudit,
    private readonly projection: SeizureProjection,
  ) {}

  @Allow(AUTHENTICATED)
  @Query(() => SeizureModel, { nullable: true, description: 'Null when the report does not exist or is not visible to you' })
  async seizure(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<SeizureView | null> {
    const entity = await this.loaders.for(ctx).visible.load(id);
    if (!entity) return null;
    const view = this.views.view(ctx, entity);
    await this.readAudit.recordRead(ctx, view);
    return view;
  }

  @Allow(AUTHENTICATED)
  @Query(() => SeizureConnectionModel, { description: 'Reports visible to you, newest seizure first' })
  async seizures(
    @Ctx() ctx: RequestContext,
    @Args('filter', { type: () => SeizureFilter, nullable: true }) filter: SeizureFilter | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ) {
    const page = await this.search.page(ctx, filter, clampFirst(first), after, this.projection.columnsFor(info));
    return this.views.connection(ctx, page, () => this.search.count(ctx, filter));
  }

  @Allow(AUTHENTICATED)
  @Query(() => [SeizureStatBucketModel], { description: 'Counts and totals over the reports visible to you, grouped' })
  seizureStats(
    @Ctx() ctx: RequestContext,
    @Args('filter', { type: () => SeizureFilter, nullable: true }) filter: SeizureFilter | null,
    @Args('groupBy', { type: () => [SeizureDimensionEnum] }) groupBy: SeizureDimension[],
  ) {
    return this.search.stats(ctx, filter, groupBy);
  }

  @Allow('ELO', 'ANALYST')
  @Mutation(() => SeizureModel, { description: 'Report a seizure; the same reference and content again returns the same report' })
  async submitSeizure(@Ctx() ctx: RequestContext, @Args('input', { type: () => SeizureInput }) input: SeizureInput): Promise<SeizureView> {
    return this.views.view(ctx, await this.submissions.submit(ctx, input));
  }

  @Allow('ELO', 'ANALYST')
  @Mutation(() => SeizureModel, { description: 'Armored OpenPGP message: a SeizureInput as canonical JSON, signed with your agency key, encrypted to platformKey' })
  async submitSealedSeizure(@Ctx() ctx: RequestContext, @Args('envelope') envelope: string): Promise<SeizureView> {
    return this.views.view(ctx, await this.sealedSubmissions.submit(ctx, envelope));
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN')
  @Mutation(() => SeizureModel)
  async updateSeizure(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => SeizureUpdateInput }) input: SeizureUpdateInput,
  ): Promise<SeizureView> {
    return this.views.view(ctx, await this.submissions.update(ctx, id, input));
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN')
  @Mutation(() => SeizureModel, { description: 'Share with more agencies (their keys get the sensitive section without re-encryption)' })
  async releaseSeizure(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('agencies', { type: () => [String] }) agencies: string[]): Promise<SeizureView> {
    return this.views.view(ctx, await this.submissions.release(ctx, id, agencies));
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN')
  @Mutation(() => SeizureModel, { description: 'Mark a report RETRACTED with a reason; it stays on record' })
  async retractSeizure(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string): Promise<SeizureView> {
    return this.views.view(ctx, await this.submissions.retract(ctx, id, reason));
  }

  @ResolveField('reportingAgency', () => AgencyModel)
  reportingAgency(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    return this.views.reportingAgency(ctx, view);
  }

  @ResolveField('releasableTo', () => [AgencyModel], { description: 'Empty, and listed in redactedFields, unless you may see the distribution' })
  releasableTo(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    return this.views.releasableTo(ctx, view);
  }

  @ResolveField('sensitive', () => SeizureSensitiveModel, { nullable: true, description: 'Nominal data; null when not disclosed to you (each disclosure is audited)' })
  sensitive(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    return this.views.sensitive(ctx, view);
  }

  @ResolveField('sealedFor', () => String, { nullable: true, description: "The sensitive section as armored OpenPGP for your agency's key" })
  sealedFor(@Ctx() ctx: RequestContext, @Parent() view: SeizureView, @Args('agency', { type: () => String, nullable: true }) agency: string | null) {
    return this.views.sealedFor(ctx, view, agency);
  }

  @ResolveField('sealedForMe', () => String, {
    nullable: true,
    description: 'The sensitive section as armored OpenPGP for your personal key: RED reports naming you, once you registered one (registerPersonalKey)',
  })
  sealedForMe(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    return this.views.sealedForMe(ctx, view);
  }

  @ResolveField('signature', () => SignatureModel, { nullable: true, description: 'For sealed submissions: who signed, and whether that still holds' })
  signature(@Ctx() ctx: RequestContext, @Parent() view: SeizureView): Promise<SignatureModel | null> {
    return this.views.signature(ctx, view);
  }
}

/** Counts only when a client asks for totalCount: the count is the costliest part of a page. */
@Resolver(() => SeizureConnectionModel)
export class SeizureConnectionResolver {
  @ResolveField('totalCount', () => Int)
  totalCount(@Parent() connection: { countVisible: () => Promise<number> }) {
    return connection.countVisible();
  }
}
