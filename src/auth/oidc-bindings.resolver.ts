import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Allow, Ctx } from '../access/allow.decorator.js';
import { OidcBindingsService, type OidcBinding } from './oidc-bindings.service.js';
import type { RequestContext } from '../access/request-context.js';

@ObjectType('OidcBinding', { description: "A user's bound OIDC identity: made on their first sign-in with a verified email" })
export class OidcBindingModel {
  @Field(() => ID) userId: string;
  @Field() email: string;
  @Field({ description: 'Agency code of the user' }) agencyCode: string;
  @Field({ description: 'The identity: `issuer|subject`' }) subject: string;
  @Field(() => Date, { nullable: true, description: 'When it was bound (null for bindings older than this field)' }) boundAt: Date | null;
}

@Resolver(() => OidcBindingModel)
export class OidcBindingsResolver {
  constructor(private readonly bindings: OidcBindingsService) {}

  @Allow('AGENCY_ADMIN', 'PLATFORM_ADMIN')
  @Query(() => [OidcBindingModel], { description: "OIDC identities bound to users of your agency (a platform administrator: of any agency, or of `agency`)" })
  oidcBindings(@Ctx() ctx: RequestContext, @Args('agency', { type: () => String, nullable: true }) agency?: string | null): Promise<OidcBinding[]> {
    return this.bindings.list(ctx, agency);
  }

  @Allow('AGENCY_ADMIN', 'PLATFORM_ADMIN')
  @Mutation(() => OidcBindingModel, { description: "Removes a user's OIDC binding (audited) and closes their live connections; their next OIDC sign-in binds afresh" })
  removeOidcBinding(@Ctx() ctx: RequestContext, @Args('userId', { type: () => ID }) userId: string): Promise<OidcBinding> {
    return this.bindings.remove(ctx, userId);
  }
}
