import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { GraphQLError } from 'graphql';
import type { Principal } from '../access/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { RateLimitedError } from '../errors/domain-error.js';
import { SharedTokenBuckets, type TokenBucketStore } from '../database/token-buckets.js';
import { toGraphQLError } from '../graphql/graphql-errors.js';

export type { TokenBucketStore };

/** Where a test puts buckets of its own; the server uses SharedTokenBuckets. */
export const TOKEN_BUCKETS = Symbol('TOKEN_BUCKETS');

/** Partner clients: machine or human users with the PARTNER role, and anyone acting for a RILO or partner agency. */
export function isPartnerClient(principal: Principal): boolean {
  return principal.roles.includes('PARTNER') || principal.agencyKind === 'RILO' || principal.agencyKind === 'PARTNER';
}

/**
 * Rate limiting of partner clients, one token bucket per agency code (all of an agency's users and
 * keys share it), held in the database so that every API replica spends from the same bucket.
 *
 * Counted once per request (an HTTP request, or one operation over a WebSocket), however many root
 * fields or entity references it resolves and whoever asks first (OperationRateLimit before the
 * operation runs, then RateLimitGuard and FederatedRequests); a refused request stays refused for
 * all of them.
 */
@Injectable()
export class PartnerRateLimiter {
  private readonly buckets: TokenBucketStore;
  private readonly decided = new WeakMap<object, Promise<RateLimitedError | null>>();

  constructor(@Inject(APP_CONFIG) config: AppConfig, @InjectDataSource() dataSource: DataSource, @Optional() @Inject(TOKEN_BUCKETS) buckets?: TokenBucketStore) {
    this.buckets = buckets ?? new SharedTokenBuckets(dataSource, config.rateLimit.partnerRequestsPerMinute, config.rateLimit.burst);
  }

  /** Admits the request or throws RateLimitedError; `request` identifies the HTTP request. */
  async admitOrThrow(request: object, principal: Principal): Promise<void> {
    let decision = this.decided.get(request);
    if (!decision) {
      decision = isPartnerClient(principal)
        ? this.buckets.take(`agency:${principal.agencyCode}`).then((wait) => (wait > 0 ? new RateLimitedError(wait) : null))
        : Promise.resolve(null);
      this.decided.set(request, decision);
    }
    const refusal = await decision;
    if (refusal) throw refusal;
  }
}

/**
 * The GraphQL form of a refusal: code RATE_LIMITED with retryAfterSeconds, plus a Retry-After
 * header on the HTTP response (Apollo moves `extensions.http` to the response and strips it). The
 * status stays 200 when the whole operation is refused before it runs, where Apollo's default is 500.
 */
export function rateLimitedGraphQLError(error: RateLimitedError): GraphQLError {
  const base = toGraphQLError(error);
  return new GraphQLError(base.message, {
    extensions: { ...base.extensions, http: { status: 200, headers: new Map([['retry-after', String(error.retryAfterSeconds)]]) } },
  });
}
