import { cookieValue, overHttps, sessionCookieName } from '../auth/console-sessions.js';

type CookieRequest = { protocol?: string; headers: Record<string, string | string[] | undefined> };

/**
 * Over HTTPS the cookies are `__Host-` cookies (Secure, Path=/, no Domain: see sessionCookieName).
 * Over plain http://localhost they keep their bare names, without `Secure`, which a browser would refuse there.
 */
function attributes(request: CookieRequest): { https: boolean; secure: string } {
  const https = overHttps(request.headers, request.protocol);
  return { https, secure: https ? '; Secure' : '' };
}

export function sessionCookie(request: CookieRequest, id: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  const { https, secure } = attributes(request);
  return `${sessionCookieName(https)}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

export function clearedSessionCookie(request: CookieRequest): string {
  const { https, secure } = attributes(request);
  return `${sessionCookieName(https)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure}`;
}

/**
 * The OIDC flow's state cookie: Lax, because the provider sends the browser back cross-site. Path=/
 * because a `__Host-` cookie must have it; a planted state would let a sibling subdomain finish a
 * sign-in of its own choosing in the user's browser.
 */
function oidcStateCookieName(https: boolean): string {
  return https ? '__Host-ww_oidc_state' : 'ww_oidc_state';
}

export function oidcStateCookie(request: CookieRequest, state: string, maxAgeSeconds: number): string {
  const { https, secure } = attributes(request);
  return `${oidcStateCookieName(https)}=${state}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

/** The state cookie a callback request carries, under the name its scheme calls for. */
export function oidcStateOf(request: CookieRequest): string | undefined {
  return cookieValue(request.headers.cookie, oidcStateCookieName(overHttps(request.headers, request.protocol)));
}
