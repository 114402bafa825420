import { Args, Query, Resolver } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import { PrincipalModel } from '../auth/principal.model.js';
import type { RequestContext } from '../access/request-context.js';
import { NotFoundError } from '../errors/domain-error.js';
import type { AgencyKind } from '../access/attributes.js';
import { AgencyKindEnum, AgencyModel } from './agency.model.js';
import { AgenciesService } from './agencies.service.js';

@Resolver(() => AgencyModel)
export class AgenciesResolver {
  constructor(private readonly directory: AgenciesService) {}

  @Allow(AUTHENTICATED)
  @Query(() => [AgencyModel], { description: 'The agency directory, optionally of one kind' })
  agencies(@Ctx() ctx: RequestContext, @Args('kind', { type: () => AgencyKindEnum, nullable: true }) kind?: AgencyKind) {
    return this.directory.list(ctx, kind);
  }

  @Allow(AUTHENTICATED)
  @Query(() => AgencyModel, { nullable: true })
  agency(@Ctx() ctx: RequestContext, @Args('code') code: string) {
    return this.directory.findByCode(ctx, code);
  }

  @Allow(AUTHENTICATED)
  @Query(() => PrincipalModel, { description: 'Who the credentials belong to' })
  async me(@Ctx() ctx: RequestContext): Promise<PrincipalModel> {
    const agency = await this.directory.findByCode(ctx, ctx.principal.agencyCode);
    if (!agency) throw new NotFoundError('Agency');
    const { userId, email, roles, authMethod } = ctx.principal;
    return { userId, email, roles, authMethod, agency };
  }
}
