import { Injectable } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard.js';
import type { requestOf } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { DomainError, RateLimitedError } from '../errors/domain-error.js';
import { toGraphQLError } from '../graphql/graphql-errors.js';
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
 * operation, and turn domain errors into their GraphQL form themselves.
 */
@Injectable()
export class FederatedRequests {
  constructor(
    private readonly auth: AuthGuard,
    private readonly limiter: PartnerRateLimiter,
  ) {}

  async contextOrThrow(graphqlContext: GraphqlRequestContext): Promise<RequestContext> {
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
