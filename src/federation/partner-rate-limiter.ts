import { Inject, Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { Principal } from '../access/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { RateLimitedError } from '../errors/domain-error.js';
import { toGraphQLError } from '../graphql/graphql-errors.js';

/**
 * Token buckets keyed by name: each holds up to `burst` tokens and refills at `perMinute`; a request
 * takes one. Pure arithmetic over a clock, so it is tested without waiting.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes a token: 0 when admitted, else the whole seconds until a token is available. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }
}

/** Partner clients: machine or human users with the PARTNER role, and anyone acting for a RILO or partner agency. */
export function isPartnerClient(principal: Principal): boolean {
  return principal.roles.includes('PARTNER') || principal.agencyKind === 'RILO' || principal.agencyKind === 'PARTNER';
}

/**
 * Rate limiting of partner clients, one token bucket per agency code (all of an agency's users and
 * keys share it). In memory and per process: with N API replicas an agency gets up to N times the
 * configured rate. That protects each replica and keeps partners fair without a shared store; a hard
 * global limit belongs in front of the replicas (load balancer or the partner's router).
 *
 * Counted once per HTTP request, however many root fields or entity references it resolves; a
 * refused request stays refused for all of them.
 */
@Injectable()
export class PartnerRateLimiter {
  private readonly buckets: TokenBuckets;
  private readonly decided = new WeakMap<object, RateLimitedError | null>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.buckets = new TokenBuckets(config.rateLimit.partnerRequestsPerMinute, config.rateLimit.burst);
  }

  /** Admits the request or throws RateLimitedError; `request` identifies the HTTP request. */
  admitOrThrow(request: object, principal: Principal): void {
    let refusal = this.decided.get(request);
    if (refusal === undefined) {
      const wait = isPartnerClient(principal) ? this.buckets.take(principal.agencyCode) : 0;
      refusal = wait > 0 ? new RateLimitedError(wait) : null;
      this.decided.set(request, refusal);
    }
    if (refusal) throw refusal;
  }
}

/**
 * The GraphQL form of a refusal: code RATE_LIMITED with retryAfterSeconds, plus a Retry-After
 * header on the HTTP response (Apollo moves `extensions.http` to the response and strips it).
 */
export function rateLimitedGraphQLError(error: RateLimitedError): GraphQLError {
  const base = toGraphQLError(error);
  return new GraphQLError(base.message, {
    extensions: { ...base.extensions, http: { headers: new Map([['retry-after', String(error.retryAfterSeconds)]]) } },
  });
}
