import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { SeizureFilter } from '../seizures/api/seizure.inputs.js';
import { SeizureModel } from '../seizures/api/seizure.model.js';
import type { SeizureView } from '../seizures/read/seizure-view.js';
import { SeizureSubscriptions, type SeizureReported } from './seizure-subscriptions.service.js';

/** What the WebSocket context carries: the connection's credentials and, once checked, the caller. */
interface SubscriptionRequest {
  headers: { authorization?: string; cookie?: string; 'x-csrf-token'?: string };
  windward?: RequestContext;
}

/** Live reports over graphql-ws: new and newly released reports you may see, redacted for you. */
@Resolver()
export class SeizureSubscriptionsResolver {
  constructor(private readonly subscriptions: SeizureSubscriptions) {}

  @Allow(AUTHENTICATED)
  @Subscription(() => SeizureModel, {
    description: 'New and newly released reports that you may see and that match the filter (low grades excepted)',
    // Field resolvers of each delivered report run with the context it was checked with.
    resolve(this: void, event: SeizureReported, _args: unknown, context: { req: SubscriptionRequest }): SeizureView {
      context.req.windward = { ...event.ctx }; // a context per push: no loader serves one push what an earlier one read
      return event.view;
    },
  })
  seizureReported(
    @Ctx() ctx: RequestContext,
    @Context('req') req: SubscriptionRequest,
    @Args('filter', { type: () => SeizureFilter, nullable: true }) filter: SeizureFilter | null,
  ): Promise<AsyncIterableIterator<SeizureReported>> {
    return this.subscriptions.subscribe(ctx, { ...req.headers }, filter);
  }
}
