import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '../errors/domain-error.js';
import { requestIdOf } from '../observability/request-scope.js';
import { ALLOW_KEY, AUTHENTICATED, OWN_CREDENTIALS_KEY, PUBLIC, requestOf, type Permission } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { credentialsIssuedByAnother } from '../access/principal.js';
import { RequestContexts } from './request-contexts.js';

/** The one global guard: authenticates the caller and checks the route's declared permission. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly contexts: RequestContexts,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permissions = this.reflector.getAllAndOverride<Permission[] | undefined>(ALLOW_KEY, [context.getHandler(), context.getClass()]);
    if (!permissions || permissions.length === 0) {
      throw new Error(`${context.getClass().name}.${context.getHandler().name} declares no @Allow permission`);
    }
    if (permissions.includes(PUBLIC)) return true;

    const { principal } = await this.authenticateRequest(requestOf(context));
    if (credentialsIssuedByAnother(principal) && this.reflector.getAllAndOverride<boolean | undefined>(OWN_CREDENTIALS_KEY, [context.getHandler(), context.getClass()])) {
      throw new ForbiddenError("This needs the user's own credentials: a key an administrator issued for them does not act as them here");
    }
    if (permissions.includes(AUTHENTICATED)) return true;
    if (principal.roles.some((role) => permissions.includes(role))) return true;
    throw new ForbiddenError(`This operation requires one of the roles ${permissions.join(', ')}`);
  }

  /**
   * Authenticates a request once (the context is kept on it) and returns its RequestContext. Also
   * used where Nest runs no guard, such as federation entity references (`_entities`).
   */
  async authenticateRequest(
    request: ReturnType<typeof requestOf> & { windward?: RequestContext; windwardPending?: Promise<RequestContext> },
  ): Promise<RequestContext> {
    if (request.windward) return request.windward;
    // Sibling fields start their guards together: they share one authentication, so that 300
    // aliased fields cost one credential check and resume together (their reads then batch).
    // A WebSocket operation has no HTTP method: the console's client opens and re-opens those by
    // itself (reconnects, re-subscriptions), so they do not restart a console session's idle clock.
    const method = typeof request.method === 'string' ? request.method : undefined;
    // A failure is kept as well: the operation's rate limit authenticates before any field does
    // (federation/operation-rate-limit.ts), and an unknown key must not cost a statement twice.
    request.windwardPending ??= this.contexts.forRequest(request.headers, { method, requestId: requestIdOf(request), recheck: method === undefined });
    request.windward = await request.windwardPending;
    return request.windward;
  }
}
