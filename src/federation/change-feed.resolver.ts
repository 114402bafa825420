import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { ChangeFeedModel } from './change-feed.model.js';
import { ChangeFeedService, FEED_DEFAULT_PAGE, type FeedPage } from './change-feed.service.js';

@Resolver(() => ChangeFeedModel)
export class ChangeFeedResolver {
  constructor(private readonly feed: ChangeFeedService) {}

  @Allow(AUTHENTICATED)
  @Query(() => ChangeFeedModel, { description: 'Partner pull feed: reports that changed after the cursor, as you may see them now' })
  changes(
    @Ctx() ctx: RequestContext,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: FEED_DEFAULT_PAGE }) first: number | null,
  ): Promise<FeedPage> {
    return this.feed.page(ctx, after, first ?? FEED_DEFAULT_PAGE); // null, as the contract's Int allows: the default
  }
}
