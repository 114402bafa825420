import { Context, Parent, ResolveReference, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { AgencyModel } from '../agencies/agency.model.js';
import type { AgencyEntity } from '../agencies/agency.entity.js';
import { PerRequest } from '../access/request-context.js';
import type { OperationEntity } from '../operations/operation.entity.js';
import { OperationModel } from '../operations/operation.model.js';
import { OperationsService } from '../operations/operations.service.js';
import { AGENCY_CODE } from '../graphql/input-guard.js';
import { SeizureLoaderFactory } from '../seizures/read/seizure-loaders.js';
import { SeizureReadAudit } from '../seizures/read/seizure-read-audit.js';
import { SeizureSearchService } from '../seizures/data/seizure-search.service.js';
import type { SeizureView } from '../seizures/read/seizure-view.js';
import { SeizureViews } from '../seizures/read/seizure-views.js';
import { SeizureModel } from '../seizures/api/seizure.model.js';
import { FederatedRequests, type GraphqlRequestContext } from './federated-requests.js';
import { isUuid } from '../database/uuid.js';

/**
 * Seizure entities for a partner's gateway: one `_entities` call carries many references, so they
 * are looked up in one query through the same SQL path as every read (visible, retracted included,
 * like `seizure(id)`), redacted for the caller, and each disclosure audited like any other read.
 * A report the caller may not see resolves to null.
 */
@Resolver(() => SeizureModel)
export class SeizureReferenceResolver {
  private readonly loaders = new PerRequest((ctx) => new DataLoader<string, SeizureView | null>(async (ids) => {
    const rows = await this.search.byIds(ctx, ids);
    const views = new Map(rows.map((row) => [row.id, this.views.view(ctx, row)]));
    // One audit batch for the whole page of references (see AuditService.appendForRequest).
    await Promise.all([...views.values()].map((view) => this.readAudit.recordRead(ctx, view)));
    return ids.map((id) => views.get(id) ?? null);
  }));

  constructor(
    private readonly requests: FederatedRequests,
    private readonly search: SeizureSearchService,
    private readonly views: SeizureViews,
    private readonly readAudit: SeizureReadAudit,
  ) {}

  @ResolveReference()
  async resolveReference(@Parent() reference: { id: string }, @Context() graphqlContext: GraphqlRequestContext): Promise<SeizureView | null> {
    return this.requests.resolve(graphqlContext, (ctx) => (isUuid(reference.id) ? this.loaders.for(ctx).load(reference.id.toLowerCase()) : Promise.resolve(null)));
  }
}

/**
 * Operation entities for a partner's gateway: like seizures, all the Operation references of one
 * `_entities` call are read in one query under the Operation read rules (OperationsService.loadVisible,
 * the SQL of `operation(id)`); one the caller may not read resolves to null.
 */
@Resolver(() => OperationModel)
export class OperationReferenceResolver {
  constructor(
    private readonly requests: FederatedRequests,
    private readonly operations: OperationsService,
  ) {}

  @ResolveReference()
  async resolveReference(@Parent() reference: { id: string }, @Context() graphqlContext: GraphqlRequestContext): Promise<OperationEntity | null> {
    return this.requests.resolve(graphqlContext, (ctx) => this.operations.loadVisible(ctx, reference.id));
  }
}

/** Agency entities: the directory every caller reads, all of a request's references in one query. */
@Resolver(() => AgencyModel)
export class AgencyReferenceResolver {
  constructor(
    private readonly requests: FederatedRequests,
    private readonly loaders: SeizureLoaderFactory,
  ) {}

  @ResolveReference()
  async resolveReference(@Parent() reference: { code: unknown }, @Context() graphqlContext: GraphqlRequestContext): Promise<AgencyEntity | null> {
    // A representation is whatever the caller sent: a code that is not one is simply not found.
    return this.requests.resolve(graphqlContext, (ctx) =>
      typeof reference.code === 'string' && AGENCY_CODE.test(reference.code) ? this.loaders.for(ctx).agency.load(reference.code.toUpperCase()) : Promise.resolve(null),
    );
  }
}
