import { Injectable } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard.js';
import type { requestOf } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { DatabaseOutage } from '../database/database-outage.js';
import { DomainError, RateLimitedError } from '../errors/domain-error.js';
import { graphqlErrorFor, toGraphQLError } from '../graphql/graphql-errors.js';
import { JsonLogger } from '../observability/json-logger.js';
import { requestIdOf } from '../observability/request-scope.js';
import { PartnerRateLimiter, rateLimitedGraphQLError } from './partner-rate-limiter.js';

/**
 * Root fields that @apollo/subgraph adds and no Nest resolver declares, so no @Allow covers them:
 * the deliberate exceptions to "every operation declares its permission".
 */
export const FEDERATION_ROOT_FIELDS: Readonly<Record<string, string>> = {
  'Query._entities': 'authenticated and rate-limited per reference by FederatedRequests; ABAC in each @ResolveReference',
  'Query._service': 'the public subgraph SDL, like introspection (gateways compose from it)',
};

export interface GraphqlRequestContext {
  req: ReturnType<typeof requestOf>;
}

/**
 * Entity references (`_entities`) are resolved outside Nest's guards and exception filters, so they
 * authenticate and spend the rate limit here, through the same AuthGuard and limiter as every other
 * operation, and have their errors answered here as the exception filter answers every other
 * operation's (`resolve`).
 */
@Injectable()
export class FederatedRequests {
  constructor(
    private readonly auth: AuthGuard,
    private readonly limiter: PartnerRateLimiter,
    private readonly logger: JsonLogger,
    private readonly outage: DatabaseOutage,
  ) {}

  /**
   * Runs one reference's resolution for the authenticated, rate-limited caller. Whatever it throws
   * is answered as the exception filter would: a database outage is SERVICE_UNAVAILABLE, anything
   * unexpected is logged with the request id and reaches the caller as an internal error only.
   */
  async resolve<T>(graphqlContext: GraphqlRequestContext, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
    try {
      return await work(await this.contextOrThrow(graphqlContext));
    } catch (error) {
      throw graphqlErrorFor(error, requestIdOf(graphqlContext.req), this.logger, this.outage);
    }
  }

  private async contextOrThrow(graphqlContext: GraphqlRequestContext): Promise<RequestContext> {
    try {
      const ctx = await this.auth.authenticateRequest(graphqlContext.req);
      await this.limiter.admitOrThrow(graphqlContext.req, ctx.principal);
      return ctx;
    } catch (error) {
      if (error instanceof RateLimitedError) throw rateLimitedGraphQLError(error);
      throw error instanceof DomainError ? toGraphQLError(error) : error;
    }
  }
}
