import type { AppAbility } from './ability.factory.js';
import type { Principal } from './principal.js';

/**
 * What every service method receives first: who is asking, what they may do, and on which
 * request. Access decisions are made from it, never from a global.
 */
export interface RequestContext {
  principal: Principal;
  ability: AppAbility;
  /** The HTTP request's id; for work without a request, its purpose (e.g. `job:operations.compile-report:42`). */
  requestId: string;
}

/**
 * One value per request, made on its first use and gone with the request: a request's batch
 * loaders (DataLoader), so that a list's fields are read together and never across requests.
 */
export class PerRequest<T> {
  private readonly values = new WeakMap<RequestContext, T>();

  constructor(private readonly make: (ctx: RequestContext) => T) {}

  for(ctx: RequestContext): T {
    let value = this.values.get(ctx);
    if (value === undefined) this.values.set(ctx, (value = this.make(ctx)));
    return value;
  }
}

/** A request's headers, as far as they carry credentials (Authorization, or the console's cookie and CSRF token). */
export type CredentialHeaders = Record<string, string | string[] | undefined>;

/**
 * The one way a RequestContext is made. Nothing else assembles principal + ability by hand, so a
 * context built for a job is the context the same user's own request would get now.
 */
export interface RequestContextFactory {
  /**
   * The caller of an HTTP request or WebSocket operation, from the credentials it carries; refuses
   * with UNAUTHENTICATED. `method` is the HTTP method (a cookie alone authorizes only safe ones);
   * `requestId` defaults to the current request's. `recheck`: not the user's own activity (a live
   * subscription checking its credentials again, a WebSocket operation the client re-opens by
   * itself): a console session's idle clock does not restart, so an unattended tab signs out on time.
   */
  forRequest(credentials: CredentialHeaders, options?: { method?: string; requestId?: string; recheck?: boolean }): Promise<RequestContext>;
  /**
   * Work done for a user without a request of theirs (a job, an alert owner, demo seeding), with
   * the access their account and agency have now. `purpose` becomes the requestId (e.g.
   * `job:operations.compile-report:42`) and the principal's authMethod is 'system'. Null when
   * the user is gone or disabled; refuses with UNAUTHENTICATED when their agency is not active.
   */
  forUser(userId: string, purpose: string): Promise<RequestContext | null>;
  /**
   * forUser for work that goes on only while the user could still sign in themselves (alerts and
   * their webhooks): null also when no credential of their own is left, i.e. every API key of
   * theirs is revoked or expired (keys someone else issued for them do not count) and no OIDC
   * identity from the issuer configured now is bound to them.
   */
  forCredentialHolder(userId: string, purpose: string): Promise<RequestContext | null>;
  /**
   * For many users at once (a page of alerts): the current agency of each user of `userIds` for
   * whom forCredentialHolder would give a context now, in a fixed number of statements.
   */
  credentialHolderAgencies(userIds: readonly string[]): Promise<Map<string, string>>;
}

/** The injection token of the RequestContextFactory (implemented by the auth feature). */
export const REQUEST_CONTEXT_FACTORY = Symbol('REQUEST_CONTEXT_FACTORY');
