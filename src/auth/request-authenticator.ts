import { Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '../errors/domain-error.js';
import { AuthenticationService } from './authentication.service.js';
import { ConsoleSessions, CSRF_HEADER, csrfMatches, sessionIdOf } from './console-sessions.js';
import type { Principal } from '../access/principal.js';
import type { CredentialHeaders } from '../access/request-context.js';

export type { CredentialHeaders };

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Reads a request's credentials: the `Authorization` header (API key or OIDC token) or else the
 * console's session cookie. A cookie alone never authorizes a state-changing request: those must
 * also carry the session's CSRF token, which a page on another origin cannot read. WebSocket
 * connections count as state-changing (their mutations and subscriptions).
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly authentication: AuthenticationService,
    private readonly sessions: ConsoleSessions,
  ) {}

  /**
   * `activity`: whether this is the user's own activity (false for a re-check of an open
   * connection), which restarts a console session's idle clock. `requestId` goes to log lines.
   */
  async authenticate(headers: CredentialHeaders, method: string | undefined, options: { requestId?: string; activity?: boolean } = {}): Promise<Principal> {
    const { requestId, activity = true } = options;
    const authorization = headers.authorization;
    if (authorization) return this.authentication.authenticate(Array.isArray(authorization) ? authorization[0] : authorization, requestId);
    const sessionId = sessionIdOf(headers);
    if (!sessionId) return this.authentication.authenticate(undefined);
    const session = await this.sessions.lookup(sessionId, { activity });
    if (!session) throw new UnauthenticatedError('The console session has ended: sign in again');
    if (!(method && SAFE_METHODS.has(method.toUpperCase())) && !csrfMatches(headers[CSRF_HEADER], session.csrfToken)) {
      throw new UnauthenticatedError(`A request with the session cookie must carry the session's ${CSRF_HEADER} header`);
    }
    return this.authentication.authenticateSession(session.credential, session.userId, requestId);
  }
}
