import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { GraphQLError } from 'graphql';
import type { Principal } from '../access/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { RateLimitedError } from '../errors/domain-error.js';
import { toGraphQLError } from '../graphql/graphql-errors.js';

/** Where a test puts buckets of its own; the server uses SharedTokenBuckets. */
export const TOKEN_BUCKETS = Symbol('TOKEN_BUCKETS');

/** Takes a token of a bucket: 0 when admitted, else the whole seconds until one is available. */
export interface TokenBucketStore {
  take(key: string): Promise<number>;
}

/**
 * Token buckets shared by every API replica, one row per key in the database: each holds up to
 * `burst` tokens and refills at `perMinute`; a request takes one. The refill, the decision and the
 * decrement are one statement on the locked row, so concurrent requests on any replicas never
 * spend a token twice, and time is the database's clock, the same for every replica. The table is
 * UNLOGGED: after a crash, a failover to a standby or a restore the buckets start full again, which
 * loses nothing anyone submitted.
 */
export class SharedTokenBuckets implements TokenBucketStore {
  private readonly perSecond: number;
  /**
   * Per bucket, when this process last heard that it was empty: the earliest moment it can hold a
   * token again. Until then a refusal is answered here, without the database: other replicas can
   * only take tokens, never add them, so the answer is the same, and a flood of refused requests
   * does not queue on the bucket's row.
   */
  private readonly emptyUntil = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perSecond = perMinute / 60;
  }

  async take(key: string): Promise<number> {
    const until = this.emptyUntil.get(key);
    if (until !== undefined && this.now() < until) return Math.max(1, Math.ceil((until - this.now()) / 1000));
    this.emptyUntil.delete(key);
    const [row] = (await this.dataSource.query(TAKE_TOKEN, [key, this.burst, this.perSecond])) as { admitted: boolean; tokens: number }[];
    if (row.admitted) return 0;
    const seconds = (1 - Number(row.tokens)) / this.perSecond;
    if (this.emptyUntil.size >= EMPTY_BUCKETS_KEPT) this.emptyUntil.clear();
    this.emptyUntil.set(key, this.now() + seconds * 1000);
    return Math.max(1, Math.ceil(seconds));
  }
}

/** A bound on the refusals remembered (buckets are per agency: a handful in practice). */
const EMPTY_BUCKETS_KEPT = 10_000;

/*
 * $1 key, $2 burst, $3 tokens per second. A new bucket starts full and gives its first token; an
 * existing one is refilled for the time since it was last touched (never beyond the burst), and
 * gives a token if it then holds one.
 * statement_timestamp() is one instant for every expression of the statement (clock_timestamp()
 * would move between them). A statement that waited for the row lock may be older than the row's
 * touch: it refills nothing, and the touch does not move back. A touch more than a minute ahead of
 * the clock (the database's clock was set back) is moved to now, so that a clock step stops the
 * refill for one request, not for as long as the step.
 */
const REFILLED = 'LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - b.touched_at))::float8 * $3::float8)';
const TAKE_TOKEN = `
  INSERT INTO partner_rate_buckets AS b (bucket, tokens, admitted, touched_at) VALUES ($1, $2::float8 - 1, TRUE, statement_timestamp())
  ON CONFLICT (bucket) DO UPDATE SET
    admitted = ${REFILLED} >= 1,
    tokens = ${REFILLED} - CASE WHEN ${REFILLED} >= 1 THEN 1 ELSE 0 END,
    touched_at = CASE WHEN b.touched_at > statement_timestamp() + interval '1 minute' THEN statement_timestamp() ELSE GREATEST(b.touched_at, statement_timestamp()) END
  RETURNING admitted, tokens`;

/** Partner clients: machine or human users with the PARTNER role, and anyone acting for a RILO or partner agency. */
export function isPartnerClient(principal: Principal): boolean {
  return principal.roles.includes('PARTNER') || principal.agencyKind === 'RILO' || principal.agencyKind === 'PARTNER';
}

/**
 * Rate limiting of partner clients, one token bucket per agency code (all of an agency's users and
 * keys share it), held in the database so that every API replica spends from the same bucket.
 *
 * Counted once per HTTP request, however many root fields or entity references it resolves; a
 * refused request stays refused for all of them.
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
 * header on the HTTP response (Apollo moves `extensions.http` to the response and strips it).
 */
export function rateLimitedGraphQLError(error: RateLimitedError): GraphQLError {
  const base = toGraphQLError(error);
  return new GraphQLError(base.message, {
    extensions: { ...base.extensions, http: { headers: new Map([['retry-after', String(error.retryAfterSeconds)]]) } },
  });
}
