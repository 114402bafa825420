import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Role } from './attributes.js';
import type { RequestContext } from './request-context.js';

export const ALLOW_KEY = 'windward:allow';

/** Any authenticated principal. */
export const AUTHENTICATED = 'AUTHENTICATED' as const;
/** No credentials needed (health, metrics, the GraphiQL page). */
export const PUBLIC = 'PUBLIC' as const;

export type Permission = typeof AUTHENTICATED | typeof PUBLIC | Role;

/**
 * Declares who may call a resolver or route: PUBLIC, AUTHENTICATED, or any of the listed roles.
 * The global guard refuses anything without this declaration, so a forgotten one fails closed.
 */
export const Allow = (...permissions: Permission[]) => SetMetadata(ALLOW_KEY, permissions);

export const OWN_CREDENTIALS_KEY = 'windward:own-credentials';

/**
 * Only with the user's own credentials, not a key someone else issued for them
 * (`Principal.credentialsIssuedBy`): what acts as the person, beyond reading with their
 * agency's rules (issuing keys, their personal OpenPGP keys, alerts run on their behalf).
 */
export const OwnCredentials = () => SetMetadata(OWN_CREDENTIALS_KEY, true);

/** The request's RequestContext, set by the guard. */
export const Ctx = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContext => {
  const request = requestOf(context) as { windward?: RequestContext };
  if (!request.windward) throw new Error('RequestContext requested on a route without authentication');
  return request.windward;
});

export function requestOf(context: ExecutionContext): Record<string, unknown> & { headers: Record<string, string | string[] | undefined> } {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext().req;
  return context.switchToHttp().getRequest();
}
