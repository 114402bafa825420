import { Args, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AgencyModel } from '../../agencies/agency.model.js';
import { AUTHENTICATED, Allow, Ctx } from '../../access/allow.decorator.js';
import type { RequestContext } from '../../access/request-context.js';
import { AgencyKeysService } from '../../keys/agency-keys.service.js';
import { userRecipient } from '../../keys/personal-keys.service.js';
import { SealedSectionService } from '../write/sealed-section.service.js';
import { SealedSubmissionService } from '../write/sealed-submission.service.js';
import type { SeizureDimension } from '../seizure.enums.js';
import { SeizureDimensionEnum, SeizureFilter, SeizureInput, SeizureUpdateInput } from './seizure.inputs.js';
import type { SeizureEntity } from '../data/seizure.entity.js';
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
    private readonly sections: SealedSectionService,
    private readonly views: SeizureViews,
    private readonly loaders: SeizureLoaderFactory,
    private readonly agencyKeys: AgencyKeysService,
    private readonly readAudit: SeizureReadAudit,
    private readonly projection: SeizureProjection,
  ) {}

  private view(ctx: RequestContext, entity: SeizureEntity): SeizureView {
    return this.views.view(ctx, entity);
  }

  @Allow(AUTHENTICATED)
  @Query(() => SeizureModel, { nullable: true, description: 'Null when the report does not exist or is not visible to you' })
  async seizure(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<SeizureView | null> {
    const entity = await this.loaders.for(ctx).visible.load(id);
    if (!entity) return null;
    const view = this.view(ctx, entity);
    await this.readAudit.recordRead(ctx, view);
    return view;
  }

  @Allow(AUTHENTICATED)
  @Query(() => SeizureConnectionModel, { description: 'Reports visible to you, newest seizure first' })
  async seizures(
    @Ctx() ctx: RequestContext,
    @Args('filter', { type: () => SeizureFilter, nullable: true }) filter: SeizureFilter | null,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
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
    return this.view(ctx, await this.submissions.submit(ctx, input));
  }

  @Allow('ELO', 'ANALYST')
  @Mutation(() => SeizureModel, { description: 'Armored OpenPGP message: a SeizureInput as canonical JSON, signed with your agency key, encrypted to platformKey' })
  async submitSealedSeizure(@Ctx() ctx: RequestContext, @Args('envelope') envelope: string): Promise<SeizureView> {
    return this.view(ctx, await this.sealedSubmissions.submit(ctx, envelope));
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN')
  @Mutation(() => SeizureModel)
  async updateSeizure(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => SeizureUpdateInput }) input: SeizureUpdateInput,
  ): Promise<SeizureView> {
    return this.view(ctx, await this.submissions.update(ctx, id, input));
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN')
  @Mutation(() => SeizureModel, { description: 'Share with more agencies (their keys get the sensitive section without re-encryption)' })
  async releaseSeizure(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('agencies', { type: () => [String] }) agencies: string[]): Promise<SeizureView> {
    return this.view(ctx, await this.submissions.release(ctx, id, agencies));
  }

  @Allow('ELO', 'ANALYST', 'AGENCY_ADMIN')
  @Mutation(() => SeizureModel, { description: 'Mark a report RETRACTED with a reason; it stays on record' })
  async retractSeizure(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string): Promise<SeizureView> {
    return this.view(ctx, await this.submissions.retract(ctx, id, reason));
  }

  @ResolveField('reportingAgency', () => AgencyModel)
  reportingAgency(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    return this.loaders.for(ctx).agency.load(view.reportingAgencyCode);
  }

  @ResolveField('releasableTo', () => [AgencyModel], { description: 'Empty, and listed in redactedFields, unless you may see the distribution' })
  async releasableTo(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    if (!view.permitted.has('releasableTo')) return [];
    const agencies = await this.loaders.for(ctx).agency.loadMany(view.entity.releasableTo);
    return agencies.filter((a): a is NonNullable<typeof a> => a != null && !(a instanceof Error));
  }

  @ResolveField('sensitive', () => SeizureSensitiveModel, { nullable: true, description: 'Nominal data; null when not disclosed to you (each disclosure is audited)' })
  sensitive(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    if (!view.permitted.has('sensitive') || !view.entity.hasSensitive || view.entity.serverBlind) return null;
    return this.loaders.for(ctx).sensitive.load(view);
  }

  @ResolveField('sealedFor', () => String, { nullable: true, description: "The sensitive section as armored OpenPGP for your agency's key" })
  sealedFor(@Ctx() ctx: RequestContext, @Parent() view: SeizureView, @Args('agency', { type: () => String, nullable: true }) agency: string | null) {
    const code = (agency ?? ctx.principal.agencyCode).toUpperCase();
    if (!view.permitted.has('sealedFor') || code !== ctx.principal.agencyCode || !view.entity.hasSensitive) return null;
    return this.sections.sealedFor(view.id, code);
  }

  @ResolveField('sealedForMe', () => String, {
    nullable: true,
    description: 'The sensitive section as armored OpenPGP for your personal key: RED reports naming you, once you registered one (registerPersonalKey)',
  })
  sealedForMe(@Ctx() ctx: RequestContext, @Parent() view: SeizureView) {
    if (!view.permitted.has('sealedFor') || !view.entity.hasSensitive) return null;
    return this.sections.sealedFor(view.id, userRecipient(ctx.principal.userId));
  }

  @ResolveField('signature', () => SignatureModel, { nullable: true, description: 'For sealed submissions: who signed, and whether that still holds' })
  async signature(@Ctx() ctx: RequestContext, @Parent() view: SeizureView): Promise<SignatureModel | null> {
    const s = view.entity;
    if (!view.permitted.has('signature') || !s.signerFingerprint) return null;
    const key = await this.agencyKeys.findByFingerprint(s.signerFingerprint);
    const readText = () => (view.permitted.has('signature.signedContent') ? this.signedContent(ctx, view) : Promise.resolve(null));
    const signature = {
      signerFingerprint: s.signerFingerprint,
      verified: Boolean(key && key.revocationReason !== 'COMPROMISED'),
      signedAt: s.signedAt,
      // The signed text is the whole report: only a reader shown all of it gets the text and its signature.
      detached: view.permitted.has('signature.detached') ? s.signature : null,
      // Read only when asked for: from the sensitive section it is a decryption and an audited disclosure.
      get signedContent() {
        return readText();
      },
    };
    return signature as unknown as SignatureModel;
  }

  /** From the plain column, or, when the report has a sensitive section, decrypted with it (an audited disclosure). */
  private async signedContent(ctx: RequestContext, view: SeizureView): Promise<string | null> {
    const s = view.entity;
    if (s.signedContent !== null || !s.hasSensitive || s.serverBlind) return s.signedContent;
    return (await this.loaders.for(ctx).sensitive.load(view))?.signedContent ?? null;
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
