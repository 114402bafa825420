import type { Principal } from '../access/principal.js';
import type { RequestContext } from '../access/request-context.js';
import { RateLimitedError } from '../errors/domain-error.js';

/**
 * Live subscriptions are checked one after the other for every event, so each set of credentials
 * may hold only so many in a process: counted per user and issuer (a key an administrator issued
 * for the user is a holder apart from the user's own credentials).
 */
export function subscriptionsHeldBy(subscribers: Iterable<{ ctx: RequestContext }>, userId: string, issuedBy?: string): number {
  let count = 0;
  for (const subscriber of subscribers) {
    if (subscriber.ctx.principal.userId === userId && subscriber.ctx.principal.credentialsIssuedBy === issuedBy) count += 1;
  }
  return count;
}

/**
 * RATE_LIMITED when these credentials hold `limit` subscriptions already. Call it and take the
 * slot before the first await, so that simultaneous subscribes cannot all pass.
 */
export function refuseSubscriptionBeyond(subscribers: Iterable<{ ctx: RequestContext }>, principal: Principal, limit: number, retryAfterSeconds: number): void {
  if (subscriptionsHeldBy(subscribers, principal.userId, principal.credentialsIssuedBy) >= limit) {
    throw new RateLimitedError(retryAfterSeconds, `your live subscriptions (at most ${limit} at once: close one)`);
  }
}
