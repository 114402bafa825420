import { Body, Controller, Delete, Get, Inject, Optional, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_CHANGE_PUBLISHER, type AccessChangePublisher } from '../auth/access-changes.js';
import { Allow, PUBLIC } from '../access/allow.decorator.js';
import { hashApiKey } from '../auth/api-keys.service.js';
import { AuthenticationService } from '../auth/authentication.service.js';
import { ConsoleSessions, CSRF_HEADER, csrfMatches, sessionIdOf } from '../auth/console-sessions.js';
import { OidcService } from '../auth/oidc.service.js';
import type { Principal } from '../access/principal.js';
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from '../errors/domain-error.js';
import { requestIdOf } from '../observability/request-scope.js';
import { OidcLoginService } from './oidc-login.service.js';
import { SignInStartLimit } from './sign-in-start-limit.js';
import { clearedSessionCookie, oidcStateCookie, oidcStateOf, sessionCookie } from './session-cookies.js';

interface SessionBody {
  csrfToken: string;
  expiresAt: string;
  principal: { email: string; agencyCode: string; roles: string[]; authMethod: string };
}

function describe(principal: Principal, csrfToken: string, expiresAt: Date): SessionBody {
  return {
    csrfToken,
    expiresAt: expiresAt.toISOString(),
    principal: { email: principal.email, agencyCode: principal.agencyCode, roles: principal.roles, authMethod: principal.authMethod },
  };
}

/**
 * Refuses a sign-in another site could have made the browser send (login CSRF: the victim's
 * browser signed into the attacker's account, where everything the victim then submits is the
 * attacker's). An HTML form can send only form encodings or text/plain, and a page on another origin
 * cannot send JSON here without a CORS preflight, which this server never grants; the browser's own
 * word on where the request came from (`Sec-Fetch-Site`, else `Origin`) is checked too.
 */
function refuseCrossSiteSignIn(request: FastifyRequest): void {
  const contentType = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/json') throw new BadUserInputError('Send {"apiKey": "<your API key>"} as application/json', ['apiKey']);
  // The browser's own verdict, when it gives one: proxies in between do not change it.
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    if (site !== 'same-origin' && site !== 'none') throw new ForbiddenError('Sign in from the console itself');
    return;
  }
  // Else the Origin against the host the browser asked for (behind a trusted proxy, its X-Forwarded-Host).
  const origin = request.headers.origin;
  if (typeof origin === 'string' && hostOf(origin) !== request.host) throw new ForbiddenError('Sign in from the console itself');
}

/** The host (and port) of an Origin header; null for `null` (an opaque origin) or anything unparseable. */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host || null;
  } catch {
    return null;
  }
}

/**
 * The console's sign-in. `POST /session` trades an API key for a short-lived session: the browser
 * gets an HttpOnly, SameSite=Strict cookie holding a random id, and a CSRF token in the body that it
 * must send back as `x-csrf-token`. The key is stored nowhere (the session keeps its hash). `DELETE /session` ends it.
 */
@Controller('session')
export class SessionController {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly authentication: AuthenticationService,
    private readonly oidcLogin: OidcLoginService,
    private readonly startLimit: SignInStartLimit,
    @Optional() @Inject(ACCESS_CHANGE_PUBLISHER) private readonly accessChanges?: AccessChangePublisher,
  ) {}

  @Allow(PUBLIC)
  @Post()
  async signIn(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    refuseCrossSiteSignIn(request);
    const apiKey = (body as { apiKey?: unknown } | null)?.apiKey;
    if (typeof apiKey !== 'string' || apiKey.length < 8 || apiKey.length > 512 || /\s/.test(apiKey)) {
      throw new BadUserInputError('Send {"apiKey": "<your API key>"}', ['apiKey']);
    }
    if (OidcService.looksLikeJwt(apiKey)) throw new BadUserInputError('This is a token, not an API key: use the OIDC sign-in', ['apiKey']);
    const principal = await this.authentication.authenticate(`Bearer ${apiKey}`);
    // The session keeps the key's hash, as api_keys does: the key itself is not stored anywhere.
    // A key with an expiry ends the session with it: GET /session says so, rather than 8 hours.
    const session = await this.sessions.open({ kind: 'api-key', keyHash: hashApiKey(apiKey) }, principal.userId, principal.credentialsExpireAt);
    void reply
      .status(201)
      .header('set-cookie', sessionCookie(request, session.id, session.expiresAt))
      .header('cache-control', 'no-store')
      .send(describe(principal, session.csrfToken, session.activeUntil));
  }

  /** The current session (for a page reload): who is signed in and the CSRF token. */
  @Allow(PUBLIC)
  @Get()
  async current(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = await this.sessions.lookup(sessionIdOf(request.headers, request.protocol));
    if (!session) throw new UnauthenticatedError('No console session: sign in');
    const principal = await this.authentication.authenticateSession(session.credential, session.userId, requestIdOf(request));
    void reply.header('cache-control', 'no-store').send({ ...describe(principal, session.csrfToken, session.expiresAt), oidc: this.oidcLogin.enabled });
  }

  /** Whether the OIDC sign-in is offered (the sign-in page asks before anyone is signed in). */
  @Allow(PUBLIC)
  @Get('options')
  options(): { oidc: boolean } {
    return { oidc: this.oidcLogin.enabled };
  }

  @Allow(PUBLIC)
  @Delete()
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const id = sessionIdOf(request.headers, request.protocol);
    const session = await this.sessions.lookup(id);
    // Without the CSRF token another site could sign the user out; with no session there is nothing to end.
    if (session && !csrfMatches(request.headers[CSRF_HEADER], session.csrfToken)) {
      throw new UnauthenticatedError(`Signing out needs the session's ${CSRF_HEADER} header`);
    }
    if ((await this.sessions.close(id)) && session) {
      // The session's WebSockets would otherwise outlive it. Connections are tracked per user, so
      // all of the user's close; those whose credentials still hold reconnect and are re-authorised.
      await this.accessChanges?.publish({ users: [session.userId], reason: 'console session ended', requestId: requestIdOf(request) });
    }
    void reply.status(204).header('set-cookie', clearedSessionCookie(request)).header('cache-control', 'no-store').send();
  }

  @Allow(PUBLIC)
  @Get('oidc')
  async oidcStart(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.startLimit.admitOrThrow(request.ip); // refused: 429 with Retry-After, from the exception filter
    const { url, state } = await this.oidcLogin.begin(`${request.protocol}://${request.headers.host}/session/oidc/callback`);
    void reply.status(302).header('set-cookie', oidcStateCookie(request, state, 600)).header('location', url).header('cache-control', 'no-store').send();
  }

  @Allow(PUBLIC)
  @Get('oidc/callback')
  async oidcCallback(@Query('state') state: string | undefined, @Query('code') code: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // The sign-in is used up by this callback whatever its outcome: the state cookie goes with it
    // (a refusal is answered on this same reply, by the exception filter).
    void reply.header('set-cookie', oidcStateCookie(request, '', 0));
    const result = await this.oidcLogin.complete(state, oidcStateOf(request), code, Date.now(), requestIdOf(request));
    const principal = await this.authentication.principalFor(result.user, 'oidc');
    const session = await this.sessions.open({ kind: 'oidc', token: result.token }, principal.userId, result.notAfter);
    void reply
      .status(303)
      .header('set-cookie', sessionCookie(request, session.id, session.expiresAt)) // Fastify adds it beside the cleared state
      .header('location', '/')
      .header('cache-control', 'no-store')
      .send();
  }
}
