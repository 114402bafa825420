import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { requestOf } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { RateLimitedError } from '../errors/domain-error.js';
import { PartnerRateLimiter, rateLimitedGraphQLError } from './partner-rate-limiter.js';

/**
 * Global guard registered right after AuthGuard: once the caller is authenticated, partner clients
 * spend a token of their agency's bucket. Public routes (no principal) are not limited. A GraphQL
 * operation has been charged before it runs (OperationRateLimit): its guards meet that decision.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: PartnerRateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestOf(context) as (ReturnType<typeof requestOf> & { windward?: RequestContext }) | undefined;
    if (!request?.windward) return true;
    try {
      await this.limiter.admitOrThrow(request, request.windward.principal);
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      if (context.getType<string>() === 'graphql') throw rateLimitedGraphQLError(error);
      // Plain HTTP: the exception filter answers 429; the header goes on the same reply.
      void context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
    return true;
  }
}
