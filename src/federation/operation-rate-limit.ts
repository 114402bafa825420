import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import { AuthGuard } from '../auth/auth.guard.js';
import { DatabaseOutage } from '../database/database-outage.js';
import { RateLimitedError } from '../errors/domain-error.js';
import { graphqlErrorFor } from '../graphql/graphql-errors.js';
import { JsonLogger } from '../observability/json-logger.js';
import { requestIdOf } from '../observability/request-scope.js';
import { PartnerRateLimiter, rateLimitedGraphQLError } from './partner-rate-limiter.js';

type GraphqlRequest = Parameters<AuthGuard['authenticateRequest']>[0];

/**
 * The partner rate limit of a whole GraphQL operation, charged once before it runs (the
 * OperationAdmission port of graphql/query-limits.plugin.ts, over HTTP and WebSocket).
 * RateLimitGuard alone charges only when a Nest resolver runs, so introspection, `_service` and
 * `{ __typename }` would cost nothing however often they were sent; the guards of an operation's
 * resolvers then meet the decision made here, kept per request by PartnerRateLimiter, and spend
 * nothing more.
 */
@Injectable()
export class OperationRateLimit {
  constructor(
    private readonly auth: AuthGuard,
    private readonly limiter: PartnerRateLimiter,
    private readonly logger: JsonLogger,
    private readonly outage: DatabaseOutage,
  ) {}

  /** Spends the caller's token for the operation whose `req` this is, or throws a GraphQLError (RATE_LIMITED with Retry-After). */
  async admitOrThrow(request: object): Promise<void> {
    let principal: Principal;
    try {
      principal = (await this.auth.authenticateRequest(request as GraphqlRequest)).principal;
    } catch {
      // Nobody to limit: the guard refuses each field with the same failure (kept on the request),
      // and the schema is for anonymous callers only outside production.
      return;
    }
    try {
      await this.limiter.admitOrThrow(request, principal);
    } catch (error) {
      if (error instanceof RateLimitedError) throw rateLimitedGraphQLError(error);
      throw graphqlErrorFor(error, requestIdOf(request), this.logger, this.outage);
    }
  }
}
