import { SESSION_COOKIE } from '../auth/console-sessions.js';

/** Only over HTTPS does the cookie get `Secure` (a browser would refuse it on plain http://localhost). */
function secure(request: { protocol?: string; headers: Record<string, string | string[] | undefined> }): string {
  const forwarded = request.headers['x-forwarded-proto'];
  return request.protocol === 'https' || forwarded === 'https' ? '; Secure' : '';
}

export function sessionCookie(request: Parameters<typeof secure>[0], id: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure(request)}`;
}

export function clearedSessionCookie(request: Parameters<typeof secure>[0]): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure(request)}`;
}

/** The OIDC flow's state cookie: Lax, because the provider sends the browser back cross-site. */
export const OIDC_STATE_COOKIE = 'ww_oidc_state';

export function oidcStateCookie(request: Parameters<typeof secure>[0], state: string, maxAgeSeconds: number): string {
  return `${OIDC_STATE_COOKIE}=${state}; Path=/session/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure(request)}`;
}
