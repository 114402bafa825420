import { setCsrfToken } from './api';

export interface SessionPrincipal {
  email: string;
  agencyCode: string;
  roles: string[];
  authMethod: string;
}

interface SessionBody {
  csrfToken: string;
  expiresAt: string;
  principal: SessionPrincipal;
}

async function accept(response: Response): Promise<SessionPrincipal> {
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  setCsrfToken((body as SessionBody).csrfToken);
  return (body as SessionBody).principal;
}

/** Trades the API key for a session cookie; the key is not kept anywhere in the browser. */
export async function signIn(apiKey: string): Promise<SessionPrincipal> {
  return accept(await fetch('/session', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey }) }));
}

/** The session this browser already has (after a reload), or null. */
export async function currentSession(): Promise<SessionPrincipal | null> {
  const response = await fetch('/session', { credentials: 'same-origin' });
  if (response.status === 401) return null;
  return accept(response);
}

export async function oidcOffered(): Promise<boolean> {
  const response = await fetch('/session/options', { credentials: 'same-origin' });
  return response.ok && Boolean((await response.json()).oidc);
}

export async function signOut(csrfToken: string): Promise<void> {
  await fetch('/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken } });
  setCsrfToken('');
}
